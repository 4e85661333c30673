package dev.pgevents.cart;

import static dev.pgevents.cart.CartFixtures.TEA;
import static dev.pgevents.cart.CartFixtures.price;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.cart.ProductEvent.InventoryChanged;
import dev.pgevents.cart.ProductEvent.PriceChanged;
import dev.pgevents.eventstore.NewEvent;
import dev.pgevents.inbound.InboundCommand;
import dev.pgevents.inbound.InboundMessage;
import dev.pgevents.inbound.InvalidMessageException;
import dev.pgevents.inbound.Translator;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Given a Kafka message, then the command: the translators of inventories and price changes. */
class TranslatorsTest {

    private final Translator inventories = new InventoryTranslator();
    private final Translator prices = new PriceChangeTranslator();

    @Test
    void anInventoryMessageAppendsInventoryChanged() {
        assertEquals(new InventoryChanged(TEA, 7), appended(inventories, "{\"productId\":\"" + TEA + "\",\"inventory\":7}"));
    }

    @Test
    void aPriceChangeMessageAppendsPriceChangedWithNumbersOrNumericStrings() {
        assertEquals(new PriceChanged(TEA, price("1.5"), price("2")),
                appended(prices, "{\"productId\":\"" + TEA + "\",\"oldPrice\":1.5,\"newPrice\":\"2\"}"));
        assertEquals(new PriceChanged(TEA, null, price("2")),
                appended(prices, "{\"productId\":\"" + TEA + "\",\"oldPrice\":null,\"newPrice\":2.00}"));
    }

    @Test
    void messagesOfAnotherShapeAreRefusedWithTheReason() {
        refused(inventories, "not json", "not JSON");
        refused(inventories, "[1]", "must be a JSON object, not an array");
        refused(inventories, "{\"productId\":\"" + TEA + "\"}", "inventory is required");
        refused(inventories, "{\"productId\":\"" + TEA + "\",\"inventory\":1.5}", "inventory must be an integer");
        refused(inventories, "{\"productId\":\"" + TEA + "\",\"inventory\":-2}", "inventory must not be negative");
        refused(inventories, "{\"productId\":\"tea\",\"inventory\":2}", "productId must be a UUID in canonical form");
        refused(prices, "{\"productId\":\"" + TEA + "\",\"newPrice\":\"cheap\"}", "newPrice must be a decimal number");
        refused(prices, "{\"productId\":\"" + TEA + "\",\"newPrice\":1.001}", "newPrice must have at most 2 fraction digits");
    }

    private static Object appended(Translator translator, String value) {
        InboundCommand command = translator.translate(message(value));
        InboundCommand.Append append = (InboundCommand.Append) command;
        assertEquals(1, append.events().size());
        NewEvent event = append.events().get(0);
        return event.event();
    }

    private static void refused(Translator translator, String value, String reason) {
        InvalidMessageException e = assertThrows(InvalidMessageException.class, () -> translator.translate(message(value)));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    private static InboundMessage message(String value) {
        return new InboundMessage("topic", 0, 0, null, value.getBytes(StandardCharsets.UTF_8), Map.of());
    }
}
