package dev.pgevents.cart;

import dev.pgevents.eventstore.Event;
import dev.pgevents.eventstore.Tag;
import java.math.BigDecimal;
import java.util.UUID;

/** What other systems tell the shop about a product. Every event carries the tag {@code product:<productId>}. */
public sealed interface ProductEvent extends Event {

    UUID productId();

    /** The product's price changed; {@code oldPrice} is null when no earlier price is known. */
    record PriceChanged(@Tag("product") UUID productId, BigDecimal oldPrice, BigDecimal newPrice) implements ProductEvent {
        public PriceChanged {
            Fields.required("productId", productId);
            oldPrice = Fields.optionalPrice("oldPrice", oldPrice);
            newPrice = Fields.price("newPrice", newPrice);
        }
    }

    /** The warehouse's stock of the product. */
    record InventoryChanged(@Tag("product") UUID productId, int inventory) implements ProductEvent {
        public InventoryChanged {
            Fields.required("productId", productId);
            if (inventory < 0) {
                throw new IllegalArgumentException("inventory must not be negative");
            }
        }
    }
}
