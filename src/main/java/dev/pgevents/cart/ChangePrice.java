package dev.pgevents.cart;

import dev.pgevents.cart.ProductEvent.PriceChanged;
import dev.pgevents.decision.Decision;
import dev.pgevents.decision.State;
import dev.pgevents.decision.States;
import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.QueryItem;
import dev.pgevents.eventstore.RecordedEvent;
import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;

/**
 * Slice: change a product's price over HTTP ({@code PUT /api/products/{productId}/price}). The old
 * price is the new price of the product's last PriceChanged (null if none); the state is the
 * consistency boundary, so two concurrent changes cannot both name the same old price.
 */
public record ChangePrice(UUID productId, BigDecimal newPrice) implements Decision {

    /** The product's current price, from its PriceChanged events. */
    public record ProductPrice(UUID productId, BigDecimal price) implements State<ProductPrice> {
        @Override
        public EventQuery query() {
            return EventQuery.of(QueryItem.types(PriceChanged.class).tagged("product:" + productId));
        }

        @Override
        public ProductPrice evolve(RecordedEvent event) {
            return event.event() instanceof PriceChanged p ? new ProductPrice(productId, p.newPrice()) : this;
        }
    }

    @Override
    public List<State<?>> initialStates() {
        return List.of(new ProductPrice(productId, null));
    }

    @Override
    public List<PriceChanged> process(States states) {
        return List.of(new PriceChanged(productId, states.get(ProductPrice.class).price(), newPrice));
    }
}
