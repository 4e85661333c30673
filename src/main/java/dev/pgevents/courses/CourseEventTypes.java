package dev.pgevents.courses;

import dev.pgevents.eventstore.Event;
import dev.pgevents.eventstore.EventTypes;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.List;

/** Registers the event families of the courses domain with the event store. */
@ApplicationScoped
public class CourseEventTypes implements EventTypes {

    @Override
    public Collection<Class<? extends Event>> eventTypes() {
        return List.of(CourseEvent.class, StudentEvent.class, SubscriptionEvent.class);
    }
}
