-- The carts read model keeps a cart's items in the cart's row, as a JSON array in the order they
-- were added: GET /api/carts/{id} is one select by key, where the row and then its items were two
-- (docs/benchmarks.md, "GET cart in one row"). The read model is rebuilt from the events rather
-- than converted: its rows go, and its listener starts again from the first event. Until it has
-- caught up, GET /api/carts/{id}?minPosition=N waits or answers 503 (docs/cart.md). Nodes still
-- running the old version would fail writing cart_view_item: stop them before this migration runs.
DROP TABLE cart_view_item;
DELETE FROM cart_view;
-- as a reset to 0 through the admin API: its dead letters go too (a retried one would be applied
-- ahead of the rebuild, and the stale check would then skip the cart's earlier events)
DELETE FROM es_listener_parked WHERE listener_id = 'carts';
ALTER TABLE cart_view ADD COLUMN items text NOT NULL DEFAULT '[]';
UPDATE es_listener
   SET position = 0, error_position = NULL, attempts = 0, retry_at = NULL,
       status = CASE WHEN status = 'FAILED' THEN 'RUNNING' ELSE status END, updated_at = clock_timestamp()
 WHERE listener_id = 'carts';
