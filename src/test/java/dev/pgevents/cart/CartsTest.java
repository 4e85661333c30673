package dev.pgevents.cart;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pgevents.cart.Carts.CartItemRow;
import dev.pgevents.platform.SchemaMigrations;
import dev.pgevents.testsupport.Sql;
import dev.pgevents.testsupport.TestDatabase;
import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/** The carts read model's row: its items as JSON, and the migration that put them there. */
class CartsTest {

    private final Carts.ItemsJson json = new Carts.ItemsJson();

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
}
