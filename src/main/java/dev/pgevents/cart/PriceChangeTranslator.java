package dev.pgevents.cart;

import dev.pgevents.cart.ProductEvent.PriceChanged;
import dev.pgevents.inbound.InboundCommand;
import dev.pgevents.inbound.InboundMessage;
import dev.pgevents.inbound.Translator;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonObject;
import java.util.Set;

/**
 * Slice: price changes from the pricing system. A message {"productId","oldPrice","newPrice"} on the
 * topic {@value #TOPIC} appends PriceChanged as the pricing system states it (prices as JSON
 * numbers or numeric strings, oldPrice may be null); the archive automation reacts to it. A message
 * of another shape is parked as a dead letter, with the reason.
 */
@ApplicationScoped
public class PriceChangeTranslator implements Translator {

    public static final String NAME = "cart-price-changes";
    public static final String TOPIC = "price-changes";

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
        return Messages.valid(() -> InboundCommand.append(new PriceChanged(Fields.id(m, "productId"),
                Fields.price(m, "oldPrice", false), Fields.price(m, "newPrice", true))));
    }
}
