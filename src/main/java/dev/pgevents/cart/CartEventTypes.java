package dev.pgevents.cart;

import dev.pgevents.eventstore.Event;
import dev.pgevents.eventstore.EventTypes;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.List;

/** Registers the event families of the cart domain with the event store. */
@ApplicationScoped
public class CartEventTypes implements EventTypes {

    @Override
    public Collection<Class<? extends Event>> eventTypes() {
        return List.of(CartEvent.class, ProductEvent.class);
    }
}
