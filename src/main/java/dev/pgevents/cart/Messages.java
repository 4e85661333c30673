package dev.pgevents.cart;

import dev.pgevents.http.JsonRecords;
import dev.pgevents.inbound.InboundMessage;
import dev.pgevents.inbound.InvalidMessageException;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.function.Supplier;

/** Reading the cart's Kafka messages: a JSON object whose fields follow {@link Fields}' rules. */
final class Messages {

    private Messages() {
    }

    static JsonObject object(InboundMessage message) {
        JsonValue json = message.json();
        if (json instanceof JsonObject object) {
            return object;
        }
        throw new InvalidMessageException("the message value must be a JSON object, not " + JsonRecords.kind(json));
    }

    /** The command, or an InvalidMessageException naming the broken field rule. */
    static <T> T valid(Supplier<T> command) {
        try {
            return command.get();
        } catch (IllegalArgumentException e) {
            throw new InvalidMessageException(e.getMessage());
        }
    }
}
