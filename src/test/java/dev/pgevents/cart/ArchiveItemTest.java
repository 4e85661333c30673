package dev.pgevents.cart;

import static dev.pgevents.cart.CartFixtures.CAKE;
import static dev.pgevents.cart.CartFixtures.CART;
import static dev.pgevents.cart.CartFixtures.ITEM_1;
import static dev.pgevents.cart.CartFixtures.ITEM_2;
import static dev.pgevents.cart.CartFixtures.TEA;
import static dev.pgevents.cart.CartFixtures.added;
import static dev.pgevents.cart.CartFixtures.price;
import static dev.pgevents.decision.testing.DecisionScenario.given;

import dev.pgevents.cart.CartEvent.CartCreated;
import dev.pgevents.cart.CartEvent.CartItemRemoved;
import dev.pgevents.cart.CartEvent.CartSubmitted;
import dev.pgevents.cart.CartEvent.ItemArchived;
import dev.pgevents.cart.CartEvent.OrderedProduct;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Positions in these scenarios are the events' places in the given list, from 1. */
class ArchiveItemTest {

    @Test
    void anItemOfTheProductAddedBeforeThePriceChangeIsArchived() {
        given(new CartCreated(CART), added(ITEM_1, TEA, "1"))
                .when(new ArchiveItem(CART, ITEM_1, TEA, 3))
                .thenEvents(new ItemArchived(CART, ITEM_1, 3));
    }

    @Test
    void handlingTheSamePriceChangeAgainArchivesNothing() {
        given(new CartCreated(CART), added(ITEM_1, TEA, "1"), new ItemArchived(CART, ITEM_1, 3))
                .when(new ArchiveItem(CART, ITEM_1, TEA, 3))
                .thenNoEvents();
    }

    @Test
    void anItemAddedAgainAfterThePriceChangeIsNotArchivedByAReplayOfIt() {
        // added at 2, archived for the change at 3, added again at 4: a replay of 3 leaves it
        given(new CartCreated(CART), added(ITEM_1, TEA, "1"), new ItemArchived(CART, ITEM_1, 3), added(ITEM_1, TEA, "1.20"))
                .when(new ArchiveItem(CART, ITEM_1, TEA, 3))
                .thenNoEvents();
    }

    @Test
    void aSubmittedCartKeepsItsItems() {
        given(new CartCreated(CART), added(ITEM_1, TEA, "1"),
                new CartSubmitted(CART, List.of(new OrderedProduct(TEA, price("1"))), price("1")))
                .when(new ArchiveItem(CART, ITEM_1, TEA, 4))
                .thenNoEvents();
    }

    @Test
    void removedItemsItemsOfOtherProductsAndUnknownCartsAreLeftAlone() {
        given(new CartCreated(CART), added(ITEM_1, TEA, "1"), new CartItemRemoved(CART, ITEM_1))
                .when(new ArchiveItem(CART, ITEM_1, TEA, 4)).thenNoEvents();
        given(new CartCreated(CART), added(ITEM_2, CAKE, "1"))
                .when(new ArchiveItem(CART, ITEM_2, TEA, 4)).thenNoEvents();
        given().when(new ArchiveItem(CART, ITEM_1, TEA, 4)).thenNoEvents();
    }
}
