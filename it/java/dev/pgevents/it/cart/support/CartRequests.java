package dev.pgevents.it.cart.support;

import dev.pgevents.it.Http;
import java.net.http.HttpResponse;
import java.util.UUID;

/** Request bodies and answers of the cart API that several tests use. */
public final class CartRequests {

    public static final String JSON = "application/json";

    private CartRequests() {
    }

    /** An add-item body; the price as JSON text (a number, or a string in quotes). */
    public static String item(UUID itemId, UUID productId, String price) {
        return "{\"itemId\":\"" + itemId + "\",\"productId\":\"" + productId + "\",\"description\":\"Tea\","
                + "\"image\":\"tea.png\",\"price\":" + price + "}";
    }

    /** The cart's status in the read model, or null while the read model has no such cart yet. */
    public static String status(Http http, UUID cart) {
        HttpResponse<String> r = http.get("api/carts/" + cart);
        return r.statusCode() == 200 ? Http.json(r).asJsonObject().getString("status") : null;
    }

    /** The answer's Event-Position. */
    public static long position(HttpResponse<String> r) {
        return Long.parseLong(r.headers().firstValue("Event-Position").orElseThrow(() -> new AssertionError(
                "no Event-Position: " + r.statusCode() + " " + r.body())));
    }
}
