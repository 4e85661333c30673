package dev.pgevents.cart;

import dev.pgevents.cart.ProductEvent.InventoryChanged;
import dev.pgevents.inbound.InboundCommand;
import dev.pgevents.inbound.InboundMessage;
import dev.pgevents.inbound.Translator;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonObject;
import java.util.Set;

/**
 * Slice: change inventory (book chapter 24). A message {"productId","inventory"} on the topic
 * {@value #TOPIC} appends InventoryChanged (no rule to check: the warehouse's number is the fact).
 * A message of another shape is parked as a dead letter, with the reason.
 */
@ApplicationScoped
public class InventoryTranslator implements Translator {

    public static final String NAME = "cart-inventories";
    public static final String TOPIC = "inventories";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<String> topics() {
        return Set.of(TOPIC);
    }

    @Override
    public InboundCommand translate(InboundMessage message) {
        JsonObject m = Messages.object(message);
        return Messages.valid(() -> InboundCommand.append(
                new InventoryChanged(Fields.id(m, "productId"), Fields.integer(m, "inventory"))));
    }
}
