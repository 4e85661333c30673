package dev.pgevents.it.cart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.cart.CartEvent.CartPublicationFailed;
import dev.pgevents.cart.CartEvent.CartPublished;
import dev.pgevents.cart.CartEvent.ItemArchived;
import dev.pgevents.cart.CartPublication;
import dev.pgevents.cart.Carts;
import dev.pgevents.cart.CartsWithProducts;
import dev.pgevents.cart.InventoryTranslator;
import dev.pgevents.cart.PriceChangeTranslator;
import dev.pgevents.cart.PublishCart;
import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.EventStore;
import dev.pgevents.eventstore.ReadOptions;
import dev.pgevents.eventstore.RecordedEvent;
import dev.pgevents.it.Await;
import dev.pgevents.it.Deployments;
import dev.pgevents.it.Http;
import dev.pgevents.it.cart.support.AdminApi;
import dev.pgevents.it.cart.support.CartItConfig;
import dev.pgevents.it.cart.support.CartKafka;
import dev.pgevents.it.cart.support.CartRequests;
import dev.pgevents.readmodel.ReadYourWrites;
import jakarta.annotation.Resource;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.math.BigDecimal;
import java.net.URL;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The cart's Kafka side against the real broker, Liberty and PostgreSQL: inventories and price
 * changes arrive as messages; a price change archives the items of open carts only, and a rebuild
 * of the read models archives and publishes nothing again; a poison message is parked once; a
 * submitted cart is published on {@code published-carts} once.
 */
@ExtendWith(ArquillianExtension.class)
class CartKafkaIT {

    @Deployment
    static WebArchive deployment() {
        return Deployments.application()
                .addClasses(Await.class, Http.class)
                .addPackage(CartItConfig.class.getPackage())
                .addAsResource(new StringAsset(CartItConfig.class.getName()),
                        "META-INF/services/org.eclipse.microprofile.config.spi.ConfigSource");
    }

    @Inject
    @ConfigProperty(name = "pgevents.inbound.bootstrap-servers")
    String bootstrapServers;

    @Inject
    EventStore store;

    @Inject
    ReadYourWrites readYourWrites;

    @Resource(lookup = "jdbc/pgevents-nontx")
    DataSource dataSource;

    @ArquillianResource
    URL base;

    Http http;
    AdminApi admin;
    CartKafka kafka;

    @BeforeEach
    void setUp() throws Exception {
        http = new Http(base);
        admin = new AdminApi(base);
        kafka = new CartKafka(bootstrapServers);
        kafka.topics(InventoryTranslator.TOPIC, PriceChangeTranslator.TOPIC);
    }

    @Test
    void anInventoryMessageReachesTheInventoryReadModel() throws Exception {
        UUID product = UUID.randomUUID();
        kafka.send(InventoryTranslator.TOPIC, product.toString(), "{\"productId\":\"" + product + "\",\"inventory\":7}");
        Await.until("the inventory of " + product, Duration.ofSeconds(60),
                () -> http.get("api/products/" + product + "/inventory").statusCode() == 200);
        JsonObject inventory = Http.json(http.get("api/products/" + product + "/inventory")).asJsonObject();
        assertEquals(product.toString(), inventory.getString("productId"));
        assertEquals(7, inventory.getInt("inventory"));

        kafka.send(InventoryTranslator.TOPIC, product.toString(), "{\"productId\":\"" + product + "\",\"inventory\":3}");
        Await.until("the latest inventory", Duration.ofSeconds(60), () -> Http.json(
                http.get("api/products/" + product + "/inventory")).asJsonObject().getInt("inventory") == 3);
    }

    @Test
    void aPoisonMessageIsParkedOnceAndTheMessagesAfterItAreHandled() throws Exception {
        UUID product = UUID.randomUUID();
        String poison = "{\"productId\":\"" + product + "\",\"inventory\":\"many\"}";
        kafka.send(InventoryTranslator.TOPIC, product.toString(), poison);
        kafka.send(InventoryTranslator.TOPIC, product.toString(), "{\"productId\":\"" + product + "\",\"inventory\":2}");
        Await.until("the message after the poison one", Duration.ofSeconds(60),
                () -> http.get("api/products/" + product + "/inventory").statusCode() == 200);

        List<JsonObject> parked = parked(product);
        assertEquals(1, parked.size(), parked.toString());
        JsonObject letter = parked.get(0);
        assertEquals(poison, letter.getString("value"), "not lost: the raw message is kept");
        assertEquals(InventoryTranslator.TOPIC, letter.getString("topic"));
        assertTrue(letter.getString("error").contains("inventory must be an integer, not a string"), letter.toString());
        assertEquals(1, letter.getInt("attempts"), "not looping");

        // another message still gets through, and the dead letter is not tried again
        kafka.send(InventoryTranslator.TOPIC, product.toString(), "{\"productId\":\"" + product + "\",\"inventory\":9}");
        Await.until("a later message", Duration.ofSeconds(60), () -> Http.json(
                http.get("api/products/" + product + "/inventory")).asJsonObject().getInt("inventory") == 9);
        assertEquals(1, parked(product).size());
        assertEquals(1, parked(product).get(0).getInt("attempts"));
        JsonObject translator = Http.json(admin.send("GET", "api/admin/inbound/translators/" + InventoryTranslator.NAME))
                .asJsonObject();
        assertEquals("RUNNING", translator.getString("status"), translator.toString());
    }

    @Test
    void aPriceChangeArchivesTheItemsOfOpenCartsOnlyAndARebuildArchivesNothingAgain() throws Exception {
        UUID product = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        List<UUID> open = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            UUID cart = UUID.randomUUID();
            add(cart, UUID.randomUUID(), product);
            add(cart, UUID.randomUUID(), other);
            open.add(cart);
        }
        UUID submitted = UUID.randomUUID();
        add(submitted, UUID.randomUUID(), product);
        long submittedAt = CartRequests.position(http.post("api/carts/" + submitted + "/submit", CartRequests.JSON, ""));
        JsonArray holding = Http.json(http.get("api/products/" + product + "/carts?minPosition=" + submittedAt)).asJsonArray();
        assertEquals(5, holding.size(), holding.toString());

        kafka.send(PriceChangeTranslator.TOPIC, product.toString(),
                "{\"productId\":\"" + product + "\",\"oldPrice\":\"1.00\",\"newPrice\":1.25}");
        Await.until("the items of 5 open carts archived", Duration.ofSeconds(60),
                () -> open.stream().allMatch(c -> items(c).size() == 1));
        for (UUID cart : open) {
            assertEquals(other.toString(), items(cart).getJsonObject(0).getString("productId"), "only the product's items");
            assertEquals(1, archived(cart));
        }
        assertEquals(1, items(submitted).size(), "a submitted cart keeps its items");
        assertEquals(0, archived(submitted));
        long head = lastPosition(open);
        readYourWrites.await(CartsWithProducts.ID, head);
        assertEquals("[]", http.get("api/products/" + product + "/carts").body());
        readYourWrites.await(CartPublication.LISTENER_ID, submittedAt);
        assertEquals(1, tasks(submittedAt), "the submitted cart's publication was enqueued");

        // a reset and rebuild of every cart listener archives nothing again and enqueues nothing again
        for (String listener : List.of(CartsWithProducts.ID, Carts.ID, CartPublication.LISTENER_ID)) {
            HttpResponse<String> reset = admin.send("POST", "api/admin/listeners/" + listener + "/reset");
            assertEquals(200, reset.statusCode(), listener + ": " + reset.body());
        }
        long now = lastPosition(open);
        for (String listener : List.of(CartsWithProducts.ID, Carts.ID, CartPublication.LISTENER_ID)) {
            readYourWrites.await(listener, now);
        }
        for (UUID cart : open) {
            assertEquals(1, archived(cart), "archived once, also after the rebuild");
            JsonObject view = Http.json(http.get("api/carts/" + cart)).asJsonObject();
            assertEquals(1, view.getJsonArray("items").size(), view.toString());
            assertEquals("open", view.getString("status"));
        }
        assertEquals("[]", http.get("api/products/" + product + "/carts").body());
        assertEquals(1, tasks(submittedAt), "the rebuild enqueued no second publication");
        assertEquals(1, Http.json(http.get("api/carts/" + submitted)).asJsonObject().getJsonArray("items").size());
    }

    @Test
    void aSubmittedCartIsPublishedOnceAndTheReadModelSaysSo() throws Exception {
        kafka.topics(PublishCart.TOPIC);
        UUID cart = UUID.randomUUID();
        UUID tea = UUID.randomUUID();
        UUID cake = UUID.randomUUID();
        add(cart, UUID.randomUUID(), tea);
        assertEquals(201, http.post("api/carts/" + cart + "/items", CartRequests.JSON,
                CartRequests.item(UUID.randomUUID(), cake, "\"10.5\"")).statusCode());
        assertEquals(204, http.post("api/carts/" + cart + "/submit", CartRequests.JSON, "").statusCode());

        Await.until("the cart to be published", Duration.ofSeconds(60),
                () -> "published".equals(CartRequests.status(http, cart)));
        List<ConsumerRecord<String, String>> mine = kafka.readAll(PublishCart.TOPIC, Duration.ofSeconds(3)).stream()
                .filter(r -> cart.toString().equals(r.key())).toList();
        assertEquals(1, mine.size(), "published exactly once: " + mine);
        JsonObject message = Json.createReader(new StringReader(mine.get(0).value())).readObject();
        assertEquals(cart.toString(), message.getString("cartId"));
        assertEquals(List.of(tea.toString(), cake.toString()), message.getJsonArray("orderedProducts").stream()
                .map(p -> p.asJsonObject().getString("productId")).toList());
        assertEquals(new BigDecimal("10.50"), message.getJsonArray("orderedProducts").getJsonObject(1)
                .getJsonNumber("price").bigDecimalValue());
        assertEquals(new BigDecimal("11.50"), message.getJsonNumber("totalPrice").bigDecimalValue());
        assertEquals(1, events(cart).stream().filter(e -> e.event() instanceof CartPublished).count());
        assertEquals(0, events(cart).stream().filter(e -> e.event() instanceof CartPublicationFailed).count());
    }

    private void add(UUID cart, UUID item, UUID product) {
        HttpResponse<String> r = http.post("api/carts/" + cart + "/items", CartRequests.JSON, CartRequests.item(item, product, "1"));
        assertEquals(201, r.statusCode(), r.body());
    }

    private JsonArray items(UUID cart) {
        return Http.json(http.get("api/carts/" + cart + "/items")).asJsonObject().getJsonArray("items");
    }

    private List<RecordedEvent> events(UUID cart) {
        List<RecordedEvent> events = new ArrayList<>();
        store.read(EventQuery.tagged("cart:" + cart), ReadOptions.defaults(), events::add);
        return events;
    }

    private long archived(UUID cart) {
        return events(cart).stream().filter(e -> e.event() instanceof ItemArchived).count();
    }

    private long lastPosition(List<UUID> carts) {
        return carts.stream().flatMap(c -> events(c).stream()).mapToLong(RecordedEvent::position).max().orElseThrow();
    }

    private List<JsonObject> parked(UUID product) {
        HttpResponse<String> r = admin.send("GET", "api/admin/inbound/parked?translator=" + InventoryTranslator.NAME);
        assertEquals(200, r.statusCode(), r.body());
        return Http.json(r).asJsonArray().stream().map(v -> v.asJsonObject())
                .filter(o -> product.toString().equals(o.getString("key", null))).toList();
    }

    private int tasks(long triggeringPosition) throws Exception {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT count(*) FROM es_task WHERE type = ? AND triggering_position = ?")) {
            s.setString(1, CartPublication.TASK_TYPE);
            s.setLong(2, triggeringPosition);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
