package dev.pgevents.it.cart;

import static dev.pgevents.it.cart.support.CartRequests.JSON;
import static dev.pgevents.it.cart.support.CartRequests.item;
import static dev.pgevents.it.cart.support.CartRequests.position;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.it.Deployments;
import dev.pgevents.it.Http;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.math.BigDecimal;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The cart API end to end over HTTP: every endpoint, every error, read-your-writes, concurrent adds. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class CartApiIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.application();
    }

    @ArquillianResource
    URL base;

    Http http;

    @BeforeEach
    void setUp() {
        http = new Http(base);
    }

    @Test
    void aCartLivesThroughEveryCommandAndBothViewsFollow() {
        UUID cart = UUID.randomUUID();
        UUID tea = UUID.randomUUID();
        UUID cake = UUID.randomUUID();
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        UUID third = UUID.randomUUID();

        HttpResponse<String> added = http.post("api/carts/" + cart + "/items", JSON,
                item(first, tea, "2.5").replace("}", ",\"fingerprint\":\"client-chosen\"}"));
        assertEquals(201, added.statusCode(), added.body());
        assertTrue(added.headers().firstValue("Location").orElse("").endsWith("/api/carts/" + cart + "/items/" + first));
        assertEquals(201, http.post("api/carts/" + cart + "/items", JSON, item(second, cake, "\"10\"")).statusCode());
        HttpResponse<String> third1 = http.post("api/carts/" + cart + "/items", JSON, item(third, tea, "0.05"));
        assertEquals(201, third1.statusCode(), third1.body());

        JsonObject live = Http.json(http.get("api/carts/" + cart + "/items")).asJsonObject();
        assertEquals(cart.toString(), live.getString("cartId"));
        assertEquals(new BigDecimal("12.55"), live.getJsonNumber("totalPrice").bigDecimalValue());
        JsonArray items = live.getJsonArray("items");
        assertEquals(List.of(first.toString(), second.toString(), third.toString()),
                items.stream().map(v -> v.asJsonObject().getString("itemId")).toList(), "in the order added");
        JsonObject one = items.getJsonObject(0);
        assertEquals(tea.toString(), one.getString("productId"));
        assertEquals("Tea", one.getString("description"));
        assertEquals("tea.png", one.getString("image"));
        assertEquals(new BigDecimal("2.50"), one.getJsonNumber("price").bigDecimalValue(), "a JSON number");
        String fingerprint = one.getString("fingerprint");
        assertNotEquals("client-chosen", fingerprint);
        assertEquals(fingerprint, UUID.fromString(fingerprint).toString(), "the server's fingerprint is a UUID");

        JsonObject view = readCart(cart, position(third1));
        assertEquals("open", view.getString("status"));
        assertEquals(live.getJsonArray("items"), view.getJsonArray("items"));
        assertEquals(new BigDecimal("12.55"), view.getJsonNumber("totalPrice").bigDecimalValue());

        JsonArray holdingTea = Http.json(http.get("api/products/" + tea + "/carts?minPosition=" + position(third1))).asJsonArray();
        List<String> teaItems = holdingTea.stream().filter(v -> v.asJsonObject().getString("cartId").equals(cart.toString()))
                .map(v -> v.asJsonObject().getString("itemId")).toList();
        assertEquals(Set.of(first.toString(), third.toString()), new HashSet<>(teaItems));

        HttpResponse<String> removed = http.delete("api/carts/" + cart + "/items/" + second);
        assertEquals(204, removed.statusCode(), removed.body());
        assertEquals(2, readCart(cart, position(removed)).getJsonArray("items").size());
        assertEquals(2, Http.json(http.get("api/carts/" + cart + "/items")).asJsonObject().getJsonArray("items").size());

        HttpResponse<String> cleared = http.delete("api/carts/" + cart + "/items");
        assertEquals(204, cleared.statusCode(), cleared.body());
        JsonObject empty = readCart(cart, position(cleared));
        assertEquals(0, empty.getJsonArray("items").size());
        assertEquals(0, empty.getJsonNumber("totalPrice").bigDecimalValue().signum());
        problem(http.post("api/carts/" + cart + "/submit", JSON, ""), 409, "/problems/cart-empty");

        assertEquals(201, http.post("api/carts/" + cart + "/items", JSON, item(first, cake, "1.99")).statusCode());
        HttpResponse<String> submitted = http.post("api/carts/" + cart + "/submit", JSON, "");
        assertEquals(204, submitted.statusCode(), submitted.body());
        assertTrue(readCart(cart, position(submitted)).getString("status").matches("submitted|published|publication-failed"));
        JsonArray holdingCake = Http.json(http.get("api/products/" + cake + "/carts?minPosition=" + position(submitted)))
                .asJsonArray();
        assertTrue(holdingCake.stream().noneMatch(v -> v.asJsonObject().getString("cartId").equals(cart.toString())),
                "a submitted cart is not open: " + holdingCake);

        problem(http.post("api/carts/" + cart + "/items", JSON, item(second, cake, "1")), 409, "/problems/cart-submitted");
        problem(http.delete("api/carts/" + cart + "/items/" + first), 409, "/problems/cart-submitted");
        problem(http.delete("api/carts/" + cart + "/items"), 409, "/problems/cart-submitted");
        problem(http.post("api/carts/" + cart + "/submit", JSON, ""), 409, "/problems/cart-submitted");
    }

    @Test
    void everyRuleAnswersWithItsProblem() {
        UUID cart = UUID.randomUUID();
        UUID tea = UUID.randomUUID();
        UUID unknown = UUID.randomUUID();
        problem(http.get("api/carts/" + unknown + "/items"), 404, "/problems/cart-not-found");
        problem(http.get("api/carts/" + unknown), 404, "/problems/cart-not-found");
        problem(http.delete("api/carts/" + unknown + "/items/" + tea), 404, "/problems/cart-not-found");
        problem(http.delete("api/carts/" + unknown + "/items"), 404, "/problems/cart-not-found");
        problem(http.post("api/carts/" + unknown + "/submit", JSON, ""), 404, "/problems/cart-not-found");
        problem(http.get("api/products/" + unknown + "/inventory"), 404, "/problems/product-not-found");
        assertEquals("[]", http.get("api/products/" + unknown + "/carts").body());

        UUID first = UUID.randomUUID();
        assertEquals(201, http.post("api/carts/" + cart + "/items", JSON, item(first, tea, "1")).statusCode());
        problem(http.post("api/carts/" + cart + "/items", JSON, item(first, tea, "1")), 409, "/problems/item-already-in-cart");
        problem(http.delete("api/carts/" + cart + "/items/" + unknown), 404, "/problems/item-not-in-cart");
        assertEquals(201, http.post("api/carts/" + cart + "/items", JSON, item(UUID.randomUUID(), tea, "1")).statusCode());
        assertEquals(201, http.post("api/carts/" + cart + "/items", JSON, item(UUID.randomUUID(), tea, "1")).statusCode());
        problem(http.post("api/carts/" + cart + "/items", JSON, item(UUID.randomUUID(), tea, "1")), 409, "/problems/cart-full");
    }

    @Test
    void badIdsPricesAndBodiesAre400AndNonJsonIs415() {
        UUID cart = UUID.randomUUID();
        UUID tea = UUID.randomUUID();
        String items = "api/carts/" + cart + "/items";
        badRequest(http.get("api/carts/not-a-uuid/items"), "cartId must be a UUID");
        badRequest(http.get("api/carts/" + cart.toString().replace("-", "")), "cartId must be a UUID");
        badRequest(http.delete(items + "/12"), "itemId must be a UUID");
        badRequest(http.get("api/products/x/inventory"), "productId must be a UUID");
        badRequest(http.get("api/products/" + tea + "/carts?minPosition=-1"), "minPosition must be a non-negative integer");
        badRequest(http.post(items, JSON, item(UUID.randomUUID(), tea, "-1")), "price must not be negative");
        badRequest(http.post(items, JSON, item(UUID.randomUUID(), tea, "1.001")), "price must have at most 2 fraction digits");
        badRequest(http.post(items, JSON, item(UUID.randomUUID(), tea, "\"ten\"")), "price must be a decimal number");
        badRequest(http.post(items, JSON, item(UUID.randomUUID(), tea, "[1]")), "price must be a number or a numeric string");
        badRequest(http.post(items, JSON, "{\"itemId\":\"x\"}"), "itemId must be a UUID");
        badRequest(http.post(items, JSON, "{"), "the request body is not JSON");
        badRequest(http.post(items, JSON, "[]"), "the request body must be a JSON object");
        badRequest(http.post(items, JSON, item(UUID.randomUUID(), tea, "1") + " {}"), "content after the JSON value");
        badRequest(http.post(items, JSON, ""), "the request body is empty");
        badRequest(http.put("api/products/" + tea + "/price", JSON, "{\"price\":null}"), "price is required");
        HttpResponse<String> text = http.post(items, "text/plain", item(UUID.randomUUID(), tea, "1"));
        assertEquals(415, text.statusCode(), text.body());
        assertEquals("application/problem+json", text.headers().firstValue("Content-Type").orElse(""));
        problem(http.get("api/carts/" + cart + "/items"), 404, "/problems/cart-not-found");
    }

    @Test
    void aPriceChangeOverHttpNamesTheLastPriceAsTheOldOne() {
        UUID product = UUID.randomUUID();
        HttpResponse<String> first = http.put("api/products/" + product + "/price", JSON, "{\"price\":\"4.20\"}");
        assertEquals(204, first.statusCode(), first.body());
        assertTrue(position(first) > 0);
        HttpResponse<String> second = http.put("api/products/" + product + "/price", JSON, "{\"price\":4}");
        assertEquals(204, second.statusCode(), second.body());
        assertTrue(position(second) > position(first));
    }

    @Test
    void twentyClientsAddingToOneCartAtOnceFillItExactly() throws Exception {
        UUID cart = UUID.randomUUID();
        UUID tea = UUID.randomUUID();
        int clients = 20;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                String body = item(UUID.randomUUID(), tea, "1");
                answers.add(pool.submit(() -> {
                    start.await();
                    return http.post("api/carts/" + cart + "/items", JSON, body);
                }));
            }
            start.countDown();
            int added = 0;
            long last = 0;
            for (Future<HttpResponse<String>> answer : answers) {
                HttpResponse<String> r = answer.get(120, TimeUnit.SECONDS);
                if (r.statusCode() == 201) {
                    added++;
                    last = Math.max(last, position(r));
                } else {
                    assertEquals(409, r.statusCode(), r.body());
                    String type = Http.json(r).asJsonObject().getString("type");
                    assertTrue(type.equals("/problems/cart-full") || type.equals("/problems/conflict"), r.body());
                }
            }
            assertEquals(3, added);
            assertEquals(3, Http.json(http.get("api/carts/" + cart + "/items")).asJsonObject().getJsonArray("items").size());
            assertEquals(3, readCart(cart, last).getJsonArray("items").size());
        } finally {
            pool.shutdownNow();
        }
    }

    private JsonObject readCart(UUID cart, long minPosition) {
        HttpResponse<String> r = http.get("api/carts/" + cart + "?minPosition=" + minPosition);
        assertEquals(200, r.statusCode(), r.body());
        return Http.json(r).asJsonObject();
    }

    static void problem(HttpResponse<String> r, int status, String type) {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""), r.body());
        assertEquals(type, Http.json(r).asJsonObject().getString("type"), r.body());
    }

    private static void badRequest(HttpResponse<String> r, String detail) {
        assertEquals(400, r.statusCode(), r.body());
        assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""), r.body());
        assertTrue(Http.json(r).asJsonObject().getString("detail").contains(detail), r.body());
    }
}
