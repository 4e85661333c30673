package dev.pgevents.inbound;

import java.util.Set;

/**
 * Turns the messages of Kafka topics into commands. Implement it as a CDI bean; the inbound
 * runtime consumes its topics in the consumer group {@code pgevents-<name>} and runs each
 * message's command in one transaction together with the record of the message's offset, so its
 * effect happens exactly once.
 *
 * <p>{@link #translate} must be free of side effects and must not touch the database: it may run
 * again for the same message (an operator's retry). Whatever it throws parks the message as a
 * bad message.
 */
public interface Translator {

    /** A stable name: the consumer group, the dead letters and the admin API use it. */
    String name();

    /** The topics to consume. */
    Set<String> topics();

    /** The command for this message; throw {@link InvalidMessageException} for one of the wrong shape. */
    InboundCommand translate(InboundMessage message);
}
