-- Event schema evolution (docs/event-store.md, "Versions and upcasters"): the version of the
-- payload's shape, per event. A column with a constant default is metadata-only since
-- PostgreSQL 11 (no table rewrite); every event stored before is version 1, and so is every row
-- of an SQL writer that does not name it. The append protocol (V7's statement trigger) is
-- unchanged: it guards inserts, whatever their columns.
ALTER TABLE es_event ADD COLUMN type_version integer NOT NULL DEFAULT 1;

-- NOT VALID: no scan of the existing rows (all 1); enforced for every new row.
ALTER TABLE es_event ADD CONSTRAINT es_event_type_version_check CHECK (type_version >= 1) NOT VALID;
