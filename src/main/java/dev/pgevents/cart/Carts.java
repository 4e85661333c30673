package dev.pgevents.cart;

import dev.pgevents.cart.CartEvent.CartCleared;
import dev.pgevents.cart.CartEvent.CartCreated;
import dev.pgevents.cart.CartEvent.CartItemAdded;
import dev.pgevents.cart.CartEvent.CartItemRemoved;
import dev.pgevents.cart.CartEvent.CartPublicationFailed;
import dev.pgevents.cart.CartEvent.CartPublished;
import dev.pgevents.cart.CartEvent.CartSubmitted;
import dev.pgevents.cart.CartEvent.ItemArchived;
import dev.pgevents.cart.CartItems.ItemView;
import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.QueryItem;
import dev.pgevents.eventstore.RecordedEvent;
import dev.pgevents.readmodel.JpaReadModel;
import dev.pgevents.readmodel.ProjectedEntity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Converter;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.hibernate.annotations.Immutable;

/**
 * Read model: the cart ({@code GET /api/carts/{cartId}}, book chapter 28's database read model):
 * its items in the order added, the total and the status (open, submitted, published,
 * publication-failed), one row per cart with its items in it, kept by the listener {@value #ID}. It can be
 * reset and rebuilt through the listeners' admin API: it has no side effects.
 */
@ApplicationScoped
public class Carts extends JpaReadModel {

    public static final String ID = "carts";

    @JsonbPropertyOrder({"cartId", "status", "totalPrice", "items"})
    public record CartView(UUID cartId, String status, BigDecimal totalPrice, List<ItemView> items) {
    }

    @Entity(name = "CartRow")
    @Table(name = "cart_view")
    public static class CartRow extends ProjectedEntity {
        @Id
        @Column(name = "cart_id")
        UUID cartId;
        @Enumerated(EnumType.STRING)
        CartStatus status;
        /** In the order added. Never changed in place: a handler assigns a new list, which the dirty check compares. */
        @Convert(converter = ItemsJson.class)
        List<CartItemRow> items = List.of();

        protected CartRow() {
        }

        CartRow(UUID cartId) {
            this.cartId = cartId;
            this.status = CartStatus.OPEN;
        }

        /** Every cart event but its creation changes the row: the items as a new list, or the status. */
        void apply(CartEvent e) {
            if (e instanceof CartItemAdded a) {
                items = Stream.concat(items.stream(), Stream.of(CartItemRow.of(a))).toList();
            } else if (e instanceof CartItemRemoved r) {
                items = without(r.itemId());
            } else if (e instanceof ItemArchived a) {
                items = without(a.itemId());
            } else if (e instanceof CartCleared) {
                items = List.of();
            } else if (e instanceof CartSubmitted) {
                status = CartStatus.SUBMITTED;
            } else if (e instanceof CartPublished) {
                status = CartStatus.PUBLISHED;
            } else if (e instanceof CartPublicationFailed) {
                status = CartStatus.PUBLICATION_FAILED;
            } else { // a new kind of cart event must say what it changes, or the row would skip it unseen
                throw new IllegalStateException("the carts read model does not handle " + e.getClass().getSimpleName());
            }
        }

        private List<CartItemRow> without(UUID itemId) {
            return items.stream().filter(i -> !i.itemId().equals(itemId)).toList();
        }

        CartView view() {
            List<ItemView> views = items.stream().map(i -> new ItemView(i.itemId(), i.productId(), i.description(), i.image(),
                    i.price(), i.fingerprint())).toList();
            BigDecimal total = items.stream().map(CartItemRow::price).reduce(BigDecimal.ZERO.setScale(Fields.PRICE_SCALE),
                    BigDecimal::add);
            return new CartView(cartId, status.label(), total, views);
        }
    }

    public record CartItemRow(UUID itemId, UUID productId, String description, String image, BigDecimal price,
                              String fingerprint) {
        static CartItemRow of(CartItemAdded a) {
            return new CartItemRow(a.itemId(), a.productId(), a.description(), a.image(), a.price(), a.fingerprint());
        }
    }

    /**
     * The items as one JSON array in the cart's row: the GET is one select by key. Immutable to
     * Hibernate (no snapshot copy through JSON per load): the handlers assign new lists.
     */
    @Converter
    @Immutable
    public static class ItemsJson implements AttributeConverter<List<CartItemRow>, String> {
        private static final Jsonb JSONB = JsonbBuilder.create();
        private static final java.lang.reflect.Type LIST = new ArrayList<CartItemRow>() { }.getClass().getGenericSuperclass();

        @Override
        public String convertToDatabaseColumn(List<CartItemRow> items) {
            return JSONB.toJson(items, LIST);
        }

        @Override
        public List<CartItemRow> convertToEntityAttribute(String json) {
            return List.copyOf(JSONB.<List<CartItemRow>>fromJson(json, LIST));
        }
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public EventQuery query() {
        return EventQuery.of(QueryItem.types(CartEvent.class));
    }

    @Override
    protected List<Class<? extends ProjectedEntity>> entities() {
        return List.of(CartRow.class);
    }

    @Override
    public void beforeBatch(List<RecordedEvent> batch) {
        Set<UUID> carts = batch.stream().map(e -> ((CartEvent) e.event()).cartId()).collect(Collectors.toSet());
        preload(CartRow.class, carts);
    }

    @Override
    public void handle(RecordedEvent event) {
        CartEvent e = (CartEvent) event.event();
        if (e instanceof CartCreated) {
            create(CartRow.class, e.cartId(), event, () -> new CartRow(e.cartId()));
        } else {
            update(CartRow.class, e.cartId(), event, c -> c.apply(e));
        }
    }

    // One select by key needs no transaction of its own: a JTA one added a begin and a commit round
    // trip per GET (docs/benchmarks.md, issue 16). Outside one, the entity stays attached for the
    // rest of the request (Liberty binds the persistence context to the request's local transaction
    // scope). The items are in the row: one select (V103, docs/benchmarks.md); CartApiIT checks them.
    @Transactional(TxType.SUPPORTS)
    public Optional<CartView> find(UUID cartId) {
        return Optional.ofNullable(em.find(CartRow.class, cartId)).map(CartRow::view);
    }
}
