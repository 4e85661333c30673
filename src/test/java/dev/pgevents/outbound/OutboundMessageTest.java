package dev.pgevents.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutboundMessageTest {

    @Test
    void theDerivedMessageIdDependsOnTopicKeyAndValueOnly() {
        String id = OutboundMessage.of("carts", "c-1", "{}").messageId();
        assertTrue(id.matches("sha256:[0-9a-f]{64}"), id);
        assertEquals(id, new OutboundMessage("carts", "c-1", "{}", Map.of("trace", "x")).messageId(), "a republish has the same id");
        assertNotEquals(id, OutboundMessage.of("carts", "c-2", "{}").messageId());
        assertNotEquals(id, OutboundMessage.of("carts2", "c-1", "{}").messageId());
        assertNotEquals(id, OutboundMessage.of("carts", "c-1", "{ }").messageId());
        assertNotEquals(id, OutboundMessage.of("carts", null, "{}").messageId());
        // the parts are length-prefixed: moving text from key to value changes the id
        assertNotEquals(OutboundMessage.of("t", "ab", "c").messageId(), OutboundMessage.of("t", "a", "bc").messageId());
        assertNotEquals(OutboundMessage.of("t", "", "c").messageId(), OutboundMessage.of("t", null, "c").messageId());
    }

    @Test
    void aGivenMessageIdWins() {
        OutboundMessage m = OutboundMessage.of("carts", "c-1", "{}").withMessageId("publish-cart/42");
        assertEquals("publish-cart/42", m.messageId());
        assertEquals("publish-cart/42", m.headers().get(OutboundMessage.MESSAGE_ID_HEADER));
    }

    @Test
    void badMessagesAreRefusedInWords() {
        assertRefused(() -> OutboundMessage.of(null, "k", "v"), "a topic name is 1 to 249 letters");
        assertRefused(() -> OutboundMessage.of("", "k", "v"), "got ''");
        assertRefused(() -> OutboundMessage.of("a topic", "k", "v"), "got 'a topic'");
        assertRefused(() -> OutboundMessage.of("..", "k", "v"), "not '.' or '..'");
        assertRefused(() -> OutboundMessage.of("t".repeat(250), "k", "v"), "1 to 249");
        assertRefused(() -> OutboundMessage.of("carts", "k", null), "the message for topic carts has no value");
        Map<String, String> nullValue = new HashMap<>();
        nullValue.put("trace", null);
        assertRefused(() -> new OutboundMessage("carts", "k", "v", nullValue), "has no name or no value");
        assertRefused(() -> OutboundMessage.of("carts", "k", "v").withMessageId(" "), "is blank");
    }

    private static void assertRefused(Runnable creation, String words) {
        InvalidOutboundMessageException e = assertThrows(InvalidOutboundMessageException.class, creation::run);
        assertTrue(e.getMessage().contains(words), e.getMessage());
    }
}
