package dev.pgevents.it.cdc;

/**
 * Exactly-once check of change application: triggers on post and comment log every committed row
 * change ({@code cdcit.source_change}, in the writer's transaction, so a rolled back change leaves
 * nothing), and {@link AppliedChangeLog} logs every change the CDC runtime applied. The two must be
 * equal as multisets of (table, operation, row id), and no (LSN, ordinal) may be applied twice.
 * The tables live in a schema of their own, out of the application's migrations.
 */
final class CdcAudit {

    /** Before the application starts: the operator's table must exist when the first change arrives. */
    static final String SCHEMA = """
            CREATE SCHEMA cdcit;
            CREATE TABLE cdcit.applied_change (lsn bigint NOT NULL, ordinal int NOT NULL, source_table text NOT NULL,
                operation text NOT NULL, row_id bigint NOT NULL, applied_at timestamptz NOT NULL DEFAULT clock_timestamp());
            CREATE TABLE cdcit.source_change (seq bigserial PRIMARY KEY, source_table text NOT NULL, operation text NOT NULL,
                row_id bigint NOT NULL, changed_at timestamptz NOT NULL DEFAULT clock_timestamp());
            CREATE FUNCTION cdcit.log_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'DELETE' THEN
                    INSERT INTO cdcit.source_change (source_table, operation, row_id) VALUES (TG_TABLE_NAME, TG_OP, OLD.id);
                ELSE
                    INSERT INTO cdcit.source_change (source_table, operation, row_id) VALUES (TG_TABLE_NAME, TG_OP, NEW.id);
                END IF;
                RETURN NULL;
            END $$;""";
    /** Once the application created post and comment. */
    static final String TRIGGERS = """
            CREATE TRIGGER cdcit_log_change AFTER INSERT OR UPDATE OR DELETE ON post
                FOR EACH ROW EXECUTE FUNCTION cdcit.log_change();
            CREATE TRIGGER cdcit_log_change AFTER INSERT OR UPDATE OR DELETE ON comment
                FOR EACH ROW EXECUTE FUNCTION cdcit.log_change();""";

    private static final String CHANGE = "source_table, operation, row_id";
    private static final String NOT_APPLIED = "SELECT count(*) FROM (SELECT " + CHANGE + " FROM cdcit.source_change EXCEPT ALL SELECT "
            + CHANGE + " FROM cdcit.applied_change) d";
    private static final String APPLIED_BUT_NOT_COMMITTED = "SELECT count(*) FROM (SELECT " + CHANGE
            + " FROM cdcit.applied_change EXCEPT ALL SELECT " + CHANGE + " FROM cdcit.source_change) d";
    private static final String APPLIED_TWICE = "SELECT count(*) FROM (SELECT lsn, ordinal FROM cdcit.applied_change"
            + " GROUP BY lsn, ordinal HAVING count(*) > 1) d";

    /** Counts of the check. */
    record Result(long committed, long applied, long notApplied, long appliedButNotCommitted, long appliedTwice) {
        boolean exactlyOnce() {
            return notApplied == 0 && appliedButNotCommitted == 0 && appliedTwice == 0 && committed == applied;
        }
    }

    private final PostsDatabase database;

    CdcAudit(PostsDatabase database) {
        this.database = database;
    }

    Result check() {
        return new Result(database.count("cdcit.source_change"), database.count("cdcit.applied_change"),
                database.queryLong(NOT_APPLIED), database.queryLong(APPLIED_BUT_NOT_COMMITTED), database.queryLong(APPLIED_TWICE));
    }

}
