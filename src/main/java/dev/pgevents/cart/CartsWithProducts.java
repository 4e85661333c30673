package dev.pgevents.cart;

import dev.pgevents.cart.CartEvent.CartCleared;
import dev.pgevents.cart.CartEvent.CartCreated;
import dev.pgevents.cart.CartEvent.CartItemAdded;
import dev.pgevents.cart.CartEvent.CartItemRemoved;
import dev.pgevents.cart.CartEvent.CartSubmitted;
import dev.pgevents.cart.CartEvent.ItemArchived;
import dev.pgevents.cart.ProductEvent.PriceChanged;
import dev.pgevents.decision.DecisionMaker;
import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.QueryItem;
import dev.pgevents.eventstore.RecordedEvent;
import dev.pgevents.readmodel.JpaReadModel;
import dev.pgevents.readmodel.ProjectedEntity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Embeddable;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.Table;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Read model and automation (book chapter 26): the open carts holding each product
 * ({@code GET /api/products/{productId}/carts}), kept by the listener {@value #ID}, which also
 * archives the items of open carts when their product's price changes.
 *
 * <p>Its query is the union of the cart events and PriceChanged, so the listener sees them in
 * position order: a PriceChanged is handled after every item added before it, and before any added
 * after it, and the archiving reads exactly the carts that held the product at the change. Each
 * archive is an {@link ArchiveItem} decision in a transaction of its own, idempotent (it archives
 * only an item still in an open cart that was added before the change), so redelivery, replay and
 * a reset and rebuild of this read model archive nothing twice.
 */
@ApplicationScoped
public class CartsWithProducts extends JpaReadModel {

    public static final String ID = "carts-with-products";

    @JsonbPropertyOrder({"cartId", "itemId"})
    public record CartWithProduct(UUID cartId, UUID itemId) {
    }

    @Entity(name = "OpenCartRow")
    @Table(name = "open_cart")
    public static class OpenCartRow extends ProjectedEntity {
        @Id
        @Column(name = "cart_id")
        UUID cartId;
        @ElementCollection
        @CollectionTable(name = "open_cart_item", joinColumns = @JoinColumn(name = "cart_id"))
        List<OpenCartItem> items = new ArrayList<>();

        protected OpenCartRow() {
        }

        OpenCartRow(UUID cartId) {
            this.cartId = cartId;
        }
    }

    @Embeddable
    public static class OpenCartItem {
        @Column(name = "item_id")
        UUID itemId;
        @Column(name = "product_id")
        UUID productId;

        protected OpenCartItem() {
        }

        OpenCartItem(UUID itemId, UUID productId) {
            this.itemId = itemId;
            this.productId = productId;
        }
    }

    @Inject
    DecisionMaker decisions;

    @Override
    public String id() {
        return ID;
    }

    @Override
    public EventQuery query() {
        return EventQuery.of(QueryItem.types(CartCreated.class, CartItemAdded.class, CartItemRemoved.class,
                ItemArchived.class, CartCleared.class, CartSubmitted.class, PriceChanged.class));
    }

    @Override
    protected List<Class<? extends ProjectedEntity>> entities() {
        return List.of(OpenCartRow.class);
    }

    @Override
    public void handle(RecordedEvent event) {
        Object e = event.event();
        if (e instanceof PriceChanged p) {
            for (CartWithProduct item : holding(p.productId())) {
                decisions.make(new ArchiveItem(item.cartId(), item.itemId(), p.productId(), event.position()));
            }
        } else if (e instanceof CartCreated c) {
            create(OpenCartRow.class, c.cartId(), event, () -> new OpenCartRow(c.cartId()));
        } else if (e instanceof CartItemAdded a) {
            update(OpenCartRow.class, a.cartId(), event, c -> c.items.add(new OpenCartItem(a.itemId(), a.productId())));
        } else if (e instanceof CartItemRemoved r) {
            update(OpenCartRow.class, r.cartId(), event, c -> c.items.removeIf(i -> i.itemId.equals(r.itemId())));
        } else if (e instanceof ItemArchived a) {
            update(OpenCartRow.class, a.cartId(), event, c -> c.items.removeIf(i -> i.itemId.equals(a.itemId())));
        } else if (e instanceof CartCleared c) {
            update(OpenCartRow.class, c.cartId(), event, row -> row.items.clear());
        } else if (e instanceof CartSubmitted s) {
            delete(OpenCartRow.class, s.cartId(), event);
        }
    }

    /** The open carts holding the product, sorted by cart id, then item id. */
    @Transactional
    public List<CartWithProduct> holding(UUID productId) {
        return em.createQuery("SELECT c.cartId, i.itemId FROM OpenCartRow c JOIN c.items i"
                        + " WHERE i.productId = :product ORDER BY c.cartId, i.itemId", Object[].class)
                .setParameter("product", productId).getResultStream()
                .map(row -> new CartWithProduct((UUID) row[0], (UUID) row[1])).toList();
    }
}
