package dev.pgevents.eventstore;

import java.util.Collection;

/**
 * A domain's contribution of event classes (records or sealed families). In the application,
 * implement it as a CDI bean; the event store producer registers every contribution.
 */
public interface EventTypes {

    Collection<Class<? extends Event>> eventTypes();
}
