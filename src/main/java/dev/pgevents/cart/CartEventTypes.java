package dev.pgevents.cart;

import dev.pgevents.eventstore.Event;
import dev.pgevents.eventstore.EventTypes;
import dev.pgevents.eventstore.Upcaster;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.json.Json;
import java.util.Collection;
import java.util.List;

/** Registers the event families of the cart domain, and the upcasters of their older versions, with the event store. */
@ApplicationScoped
public class CartEventTypes implements EventTypes {

    /** The fingerprint of an item added before items had one. */
    public static final String DEFAULT_FINGERPRINT = "default-fingerprint";

    /** CartItemAdded version 1 -> 2 (book chapter 28): the fingerprint was added. */
    public static final Upcaster FINGERPRINT_ADDED = Upcaster.of("CartItemAdded", 1,
            payload -> Json.createObjectBuilder(payload).add("fingerprint", DEFAULT_FINGERPRINT).build());

    @Override
    public Collection<Class<? extends Event>> eventTypes() {
        return List.of(CartEvent.class, ProductEvent.class);
    }

    @Produces
    Upcaster fingerprintAdded() {
        return FINGERPRINT_ADDED;
    }
}
