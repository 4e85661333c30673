package dev.pgevents.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The producer properties the publisher's settings make: the framework's defaults and guarantees. */
class OutboundSettingsTest {

    @Test
    void oneRequestInFlightUnlessTheUserSaysOtherwiseAndIdempotenceAndAcksAlways() {
        Map<String, Object> defaults = new OutboundSettings("broker:9092", Duration.ofSeconds(45), Map.of())
                .producerProperties("client-1");
        assertEquals("1", defaults.get("max.in.flight.requests.per.connection"));
        assertEquals("true", defaults.get("enable.idempotence"));
        assertEquals("all", defaults.get("acks"));
        assertEquals("45000", defaults.get("delivery.timeout.ms"));
        assertEquals("30000", defaults.get("request.timeout.ms"), "at most 30 s per request");

        Map<String, Object> overridden = new OutboundSettings("broker:9092", Duration.ofSeconds(45),
                Map.of("max.in.flight.requests.per.connection", "3", "enable.idempotence", "false", "acks", "1"))
                .producerProperties("client-1");
        assertEquals("3", overridden.get("max.in.flight.requests.per.connection"), "the user's value wins");
        assertEquals("true", overridden.get("enable.idempotence"), "the framework's guarantee wins");
        assertEquals("all", overridden.get("acks"), "the framework's guarantee wins");
    }
}
