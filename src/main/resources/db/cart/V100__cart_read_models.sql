-- Read models of the cart example domain (JPA entities fed by listeners). See docs/cart.md.
-- The application's migrations share one history (flyway_application_history) with the courses
-- domain's (db/courses, V1...): the cart's versions start at 100 so the two never collide.

CREATE TABLE cart_view (
    cart_id             uuid   PRIMARY KEY,
    status              text   NOT NULL,
    last_event_position bigint NOT NULL
);

CREATE TABLE cart_view_item (
    cart_id        uuid          NOT NULL REFERENCES cart_view (cart_id) ON DELETE CASCADE,
    item_id        uuid          NOT NULL,
    product_id     uuid          NOT NULL,
    description    text          NOT NULL,
    image          text          NOT NULL,
    price          numeric(15,2) NOT NULL,
    fingerprint    text          NOT NULL,
    added_position bigint        NOT NULL
);
CREATE INDEX cart_view_item_cart ON cart_view_item (cart_id);

CREATE TABLE open_cart (
    cart_id             uuid   PRIMARY KEY,
    last_event_position bigint NOT NULL
);

CREATE TABLE open_cart_item (
    cart_id    uuid NOT NULL REFERENCES open_cart (cart_id) ON DELETE CASCADE,
    item_id    uuid NOT NULL,
    product_id uuid NOT NULL
);
CREATE INDEX open_cart_item_cart ON open_cart_item (cart_id);
CREATE INDEX open_cart_item_product ON open_cart_item (product_id);

CREATE TABLE inventory_view (
    product_id          uuid    PRIMARY KEY,
    inventory           integer NOT NULL,
    last_event_position bigint  NOT NULL
);
