package dev.pgevents.cart;

import dev.pgevents.cart.ProductEvent.InventoryChanged;
import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.QueryItem;
import dev.pgevents.eventstore.RecordedEvent;
import dev.pgevents.readmodel.JpaReadModel;
import dev.pgevents.readmodel.ProjectedEntity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Read model: each product's latest inventory ({@code GET /api/products/{productId}/inventory}, book
 * chapter 25), kept by the listener {@value #ID} from InventoryChanged.
 */
@ApplicationScoped
public class Inventories extends JpaReadModel {

    public static final String ID = "inventories";

    @JsonbPropertyOrder({"productId", "inventory"})
    public record InventoryView(UUID productId, int inventory) {
    }

    @Entity(name = "InventoryRow")
    @Table(name = "inventory_view")
    public static class InventoryRow extends ProjectedEntity {
        @Id
        @Column(name = "product_id")
        UUID productId;
        int inventory;

        protected InventoryRow() {
        }

        InventoryRow(UUID productId) {
            this.productId = productId;
        }
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public EventQuery query() {
        return EventQuery.of(QueryItem.types(InventoryChanged.class));
    }

    @Override
    protected List<Class<? extends ProjectedEntity>> entities() {
        return List.of(InventoryRow.class);
    }

    @Override
    public void handle(RecordedEvent event) {
        InventoryChanged c = (InventoryChanged) event.event();
        upsert(InventoryRow.class, c.productId(), event, () -> new InventoryRow(c.productId()), r -> r.inventory = c.inventory());
    }

    @Transactional(TxType.SUPPORTS) // one select by key: no transaction of its own (as Carts.find)
    public Optional<InventoryView> find(UUID productId) {
        return Optional.ofNullable(em.find(InventoryRow.class, productId)).map(r -> new InventoryView(r.productId, r.inventory));
    }
}
