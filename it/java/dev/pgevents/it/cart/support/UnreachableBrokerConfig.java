package dev.pgevents.it.cart.support;

import java.util.Map;

/**
 * A cart deployment whose publisher's broker does not answer (nothing listens on port 9 of this
 * machine): each publish fails after a second, and the publication's deadline passes after 4 s.
 */
public class UnreachableBrokerConfig extends CartItConfig {

    public UnreachableBrokerConfig() {
        super(Map.of(
                "pgevents.outbound.bootstrap-servers", "127.0.0.1:9",
                "pgevents.outbound.timeout", "1s",
                "pgevents.processor.publish-cart.retry.deadline", "4s"));
    }
}
