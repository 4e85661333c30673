package dev.pgevents.cart;

import dev.pgevents.eventstore.Event;
import dev.pgevents.eventstore.EventType;
import dev.pgevents.eventstore.Tag;
import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;

/**
 * What happens to a cart. Every event carries the tag {@code cart:<cartId>}; the constructors
 * apply the fields' rules ({@link Fields}), so an event that breaks one is never appended, whatever
 * the path, and the read models can take every event.
 */
public sealed interface CartEvent extends Event {

    UUID cartId();

    /** The first item added to a cart creates it. */
    record CartCreated(@Tag("cart") UUID cartId) implements CartEvent {
        public CartCreated {
            Fields.required("cartId", cartId);
        }
    }

    /**
     * An item in the cart; the fingerprint is the server's (a fresh UUID per add). Version 2 (book
     * chapter 28): version 1 had no fingerprint; {@link CartEventTypes#FINGERPRINT_ADDED} reads it.
     */
    @EventType(version = 2)
    record CartItemAdded(@Tag("cart") UUID cartId, UUID itemId, @Tag("product") UUID productId, String description,
                         String image, BigDecimal price, String fingerprint) implements CartEvent {
        public CartItemAdded {
            Fields.required("cartId", cartId);
            Fields.required("itemId", itemId);
            Fields.required("productId", productId);
            Fields.text("description", description);
            Fields.text("image", image);
            price = Fields.price("price", price);
            Fields.text("fingerprint", fingerprint);
        }
    }

    record CartItemRemoved(@Tag("cart") UUID cartId, UUID itemId) implements CartEvent {
        public CartItemRemoved {
            Fields.required("cartId", cartId);
            Fields.required("itemId", itemId);
        }
    }

    record CartCleared(@Tag("cart") UUID cartId) implements CartEvent {
        public CartCleared {
            Fields.required("cartId", cartId);
        }
    }

    /**
     * The archive automation took the item out of the cart because its product's price changed;
     * {@code priceChangedPosition} is the position of that PriceChanged event.
     */
    record ItemArchived(@Tag("cart") UUID cartId, UUID itemId, long priceChangedPosition) implements CartEvent {
        public ItemArchived {
            Fields.required("cartId", cartId);
            Fields.required("itemId", itemId);
        }
    }

    /** The cart is submitted and immutable from now on: its products in the order added, and the total. */
    record CartSubmitted(@Tag("cart") UUID cartId, List<OrderedProduct> orderedProducts, BigDecimal totalPrice)
            implements CartEvent {
        public CartSubmitted {
            Fields.required("cartId", cartId);
            if (orderedProducts == null || orderedProducts.isEmpty()) {
                throw new IllegalArgumentException("orderedProducts must hold at least one product");
            }
            orderedProducts = List.copyOf(orderedProducts);
            totalPrice = Fields.total("totalPrice", totalPrice);
        }
    }

    record OrderedProduct(UUID productId, BigDecimal price) {
        public OrderedProduct {
            Fields.required("productId", productId);
            price = Fields.price("price", price);
        }
    }

    /** The submitted cart went out on the topic {@code published-carts}. */
    record CartPublished(@Tag("cart") UUID cartId) implements CartEvent {
        public CartPublished {
            Fields.required("cartId", cartId);
        }
    }

    /** Publishing the submitted cart failed for good (the processor's deadline passed). */
    record CartPublicationFailed(@Tag("cart") UUID cartId, String reason) implements CartEvent {
        public CartPublicationFailed {
            Fields.required("cartId", cartId);
            Fields.text("reason", reason);
        }
    }
}
