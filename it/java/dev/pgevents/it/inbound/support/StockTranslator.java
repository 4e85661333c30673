package dev.pgevents.it.inbound.support;

import dev.pgevents.decision.Decision;
import dev.pgevents.decision.DecisionRejected;
import dev.pgevents.decision.State;
import dev.pgevents.decision.States;
import dev.pgevents.eventstore.Event;
import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.RecordedEvent;
import dev.pgevents.inbound.InboundCommand;
import dev.pgevents.inbound.InboundMessage;
import dev.pgevents.inbound.InvalidMessageException;
import dev.pgevents.inbound.Translator;
import dev.pgevents.it.inbound.support.StockEvents.StockReceived;
import dev.pgevents.it.inbound.support.StockEvents.StockReserved;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Set;

/**
 * The test translator: {"kind":"received","sku":..,"quantity":..,"sequence":..} appends
 * StockReceived; {"kind":"reserve","sku":..,"quantity":..} decides StockReserved against the stock.
 */
@ApplicationScoped
public class StockTranslator implements Translator {

    public static final String NAME = "it-stock";

    /** The message's JSON shape. */
    public record StockMessage(String kind, String sku, Long quantity, Long sequence) {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<String> topics() {
        return Set.of(InboundItConfig.TOPIC);
    }

    @Override
    public InboundCommand translate(InboundMessage message) {
        StockMessage m = message.as(StockMessage.class);
        if (m.sku() == null || m.quantity() == null) {
            throw new InvalidMessageException("sku and quantity are required");
        }
        return switch (String.valueOf(m.kind())) {
            case "received" -> InboundCommand.append(new StockReceived(m.sku(), m.quantity(),
                    m.sequence() == null ? 0 : m.sequence()));
            case "reserve" -> InboundCommand.decide(new Reserve(m.sku(), m.quantity()));
            default -> throw new InvalidMessageException("unknown kind " + m.kind());
        };
    }

    record Reserve(String sku, long quantity) implements Decision {
        @Override
        public List<State<?>> initialStates() {
            return List.of(new Stock(sku, 0));
        }

        @Override
        public List<? extends Event> process(States states) {
            long available = states.get(Stock.class).available();
            if (available < quantity) {
                throw new DecisionRejected("out-of-stock", "only " + available + " of " + sku + " in stock");
            }
            return List.of(new StockReserved(sku, quantity));
        }
    }

    record Stock(String sku, long available) implements State<Stock> {
        @Override
        public EventQuery query() {
            return EventQuery.tagged("sku:" + sku);
        }

        @Override
        public Stock evolve(RecordedEvent event) {
            if (event.event() instanceof StockReceived r) {
                return new Stock(sku, available + r.quantity());
            }
            if (event.event() instanceof StockReserved r) {
                return new Stock(sku, available - r.quantity());
            }
            return this;
        }
    }
}
