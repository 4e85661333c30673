package dev.pgevents.cart;

import static dev.pgevents.cart.CartFixtures.CAKE;
import static dev.pgevents.cart.CartFixtures.CART;
import static dev.pgevents.cart.CartFixtures.ITEM_1;
import static dev.pgevents.cart.CartFixtures.ITEM_2;
import static dev.pgevents.cart.CartFixtures.ITEM_3;
import static dev.pgevents.cart.CartFixtures.TEA;
import static dev.pgevents.cart.CartFixtures.added;
import static dev.pgevents.cart.CartFixtures.price;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import dev.pgevents.cart.CartEvent.CartCleared;
import dev.pgevents.cart.CartEvent.CartItemRemoved;
import dev.pgevents.cart.CartEvent.CartPublicationFailed;
import dev.pgevents.cart.CartEvent.CartPublished;
import dev.pgevents.cart.CartEvent.CartSubmitted;
import dev.pgevents.cart.CartEvent.ItemArchived;
import dev.pgevents.cart.CartEvent.OrderedProduct;
import dev.pgevents.cart.CartItems.ItemView;
import dev.pgevents.cart.Carts.CartItemRow;
import dev.pgevents.cart.Carts.CartRow;
import dev.pgevents.cart.Carts.CartView;
import dev.pgevents.platform.SchemaMigrations;
import dev.pgevents.testsupport.Sql;
import dev.pgevents.testsupport.TestDatabase;
import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/** The carts read model's row: given events, then the cart the API shows; its items as JSON; the migration that put them there. */
class CartsTest {

    private final Carts.ItemsJson json = new Carts.ItemsJson();

    @Test
    void givenItemsAddedWhenOneIsRemovedAndOneArchivedThenTheRestStayInTheOrderAddedWithTheirTotal() {
        CartView cart = given(added(ITEM_1, TEA, "2.50"), added(ITEM_2, CAKE, "3"), added(ITEM_3, TEA, "0.01"),
                new CartItemRemoved(CART, ITEM_2), new ItemArchived(CART, ITEM_3, 5), added(ITEM_2, CAKE, "4.00"));

        assertEquals(List.of(item(ITEM_1, TEA, "2.50"), item(ITEM_2, CAKE, "4.00")), cart.items(),
                "a removed item's id added again comes last");
        assertEquals(price("6.50"), cart.totalPrice());
        assertEquals("open", cart.status());
    }

    @Test
    void givenACartWithItemsWhenClearedThenItIsEmptyWithATotalOfZero() {
        CartView cart = given(added(ITEM_1, TEA, "2.50"), new CartCleared(CART));

        assertEquals(List.of(), cart.items());
        assertEquals("0.00", cart.totalPrice().toPlainString());
        assertEquals(List.of(item(ITEM_2, CAKE, "1.00")), given(added(ITEM_1, TEA, "2.50"), new CartCleared(CART),
                added(ITEM_2, CAKE, "1")).items(), "a cleared cart takes new items");
    }

    @Test
    void givenASubmittedCartWhenPublishedOrNotThenItsStatusSaysSoAndItsItemsStay() {
        CartSubmitted submitted = new CartSubmitted(CART, List.of(new OrderedProduct(TEA, price("2.50"))), price("2.50"));

        assertEquals("submitted", given(added(ITEM_1, TEA, "2.50"), submitted).status());
        assertEquals("published", given(added(ITEM_1, TEA, "2.50"), submitted, new CartPublished(CART)).status());
        CartView failed = given(added(ITEM_1, TEA, "2.50"), submitted, new CartPublicationFailed(CART, "broker down"));
        assertEquals("publication-failed", failed.status());
        assertEquals(List.of(item(ITEM_1, TEA, "2.50")), failed.items());
    }

    @Test
    void whenAnItemIsAddedThenTheRowHoldsANewListAndTheOldOneIsUntouched() {
        CartRow row = new CartRow(CART);
        row.apply(added(ITEM_1, TEA, "1"));
        List<CartItemRow> before = row.items;

        row.apply(added(ITEM_2, CAKE, "2"));

        assertNotSame(before, row.items, "Hibernate's dirty check compares the old list with the new one");
        assertEquals(1, before.size());
        assertEquals(2, row.items.size());
    }

    @Test
    void givenItemsWhenStoredInTheRowThenTheyReadBackInOrderWithTheirPrices() {
        List<CartItemRow> items = List.of(
                new CartItemRow(UUID.randomUUID(), UUID.randomUUID(), "Shoes", "shoes.png", new BigDecimal("120.50"), "f1"),
                new CartItemRow(UUID.randomUUID(), UUID.randomUUID(), "Laces \"red\"", "", new BigDecimal("3.00"), "f2"));

        List<CartItemRow> read = json.convertToEntityAttribute(json.convertToDatabaseColumn(items));

        assertEquals(items, read, "order, ids, texts and prices with their scale");
        assertEquals("3.00", read.get(1).price().toPlainString());
        assertEquals(List.of(), json.convertToEntityAttribute(json.convertToDatabaseColumn(List.of())));
    }

    @Test
    void givenACartModelOfRowAndItemTablesWhenV103RunsThenTheModelIsRebuiltFromTheFirstEvent() {
        DataSource ds = TestDatabase.fresh("carts_migration_test");
        ClassLoader loader = getClass().getClassLoader();
        List<String> cart = List.of("classpath:db/cart");
        SchemaMigrations.framework(ds, loader).migrate();
        Flyway.configure(loader).configuration(SchemaMigrations.application(ds, loader, cart).getConfiguration())
                .target("100").load().migrate();
        UUID cartId = UUID.randomUUID();
        Sql.exec(ds, "INSERT INTO cart_view (cart_id, status, last_event_position) VALUES (?, 'OPEN', 12)", cartId);
        Sql.exec(ds, "INSERT INTO cart_view_item VALUES (?, ?, ?, 'Shoes', 'shoes.png', 120.50, 'f1', 11)",
                cartId, UUID.randomUUID(), UUID.randomUUID());
        Sql.exec(ds, "INSERT INTO es_listener (listener_id, position, status, error_position, attempts)"
                + " VALUES ('carts', 12, 'FAILED', 13, 5), ('inventories', 9, 'RUNNING', NULL, 0)");
        Sql.exec(ds, "INSERT INTO es_listener_parked (listener_id, position, event_id, type, error, attempts)"
                + " VALUES ('carts', 8, ?, 'CartItemAdded', 'boom', 5), ('inventories', 7, ?, 'InventoryChanged', 'boom', 5)",
                UUID.randomUUID(), UUID.randomUUID());

        SchemaMigrations.application(ds, loader, cart).migrate();

        assertEquals(0, Sql.queryLong(ds, "SELECT count(*) FROM cart_view"), "the rows go: the listener writes them again");
        assertEquals(0, Sql.queryLong(ds, "SELECT count(*) FROM pg_tables WHERE tablename = 'cart_view_item'"));
        assertEquals(List.of("0 RUNNING 0 true"), Sql.queryStrings(ds, "SELECT position || ' ' || status || ' ' || attempts"
                + " || ' ' || (error_position IS NULL) FROM es_listener WHERE listener_id = 'carts'"));
        assertEquals(List.of("inventories"), Sql.queryStrings(ds, "SELECT listener_id FROM es_listener_parked"),
                "the carts' dead letters go with the rebuild, as with a reset to 0");
        assertEquals(9, Sql.queryLong(ds, "SELECT position FROM es_listener WHERE listener_id = 'inventories'"),
                "the other listeners keep their place");
        Sql.exec(ds, "INSERT INTO cart_view (cart_id, status, last_event_position) VALUES (?, 'OPEN', 1)", cartId);
        assertEquals(List.of("[]"), Sql.queryStrings(ds, "SELECT items FROM cart_view"), "a new row starts with no items");
    }

    /** The cart's row after its creation and these events, as the API shows it. */
    private static CartView given(CartEvent... events) {
        CartRow row = new CartRow(CART);
        for (CartEvent e : events) {
            row.apply(e);
        }
        return row.view();
    }

    private static ItemView item(UUID itemId, UUID productId, String price) {
        return new ItemView(itemId, productId, "item " + itemId, "img.png", price(price), "fp-" + itemId);
    }
}
