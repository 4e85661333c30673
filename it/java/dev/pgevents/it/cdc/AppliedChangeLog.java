package dev.pgevents.it.cdc;

import dev.pgevents.cdc.ChangeOperator;
import dev.pgevents.cdc.OperatorDefinition;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * An operator of the CDC suite's own (added to the WAR it deploys): it appends every change of
 * post and comment it is given to {@code cdcit.applied_change}, with the change's LSN and place in
 * its transaction. Its effect is not idempotent, so a change applied twice shows as a duplicate
 * row and a lost one as a missing row, compared with what triggers on the source tables logged
 * in the writers' own transactions ({@link CdcAudit}).
 */
@ApplicationScoped
public class AppliedChangeLog implements ChangeOperator {

    static final String NAME = "cdcit-applied-change-log";

    @Override
    public OperatorDefinition definition() {
        return OperatorDefinition.named(NAME)
                .target("cdcit.applied_change", "row_id")
                .key("post", "id").key("comment", "id")
                .handler((connection, change, key) -> {
                    try (var s = connection.prepareStatement("""
                            INSERT INTO cdcit.applied_change (lsn, ordinal, source_table, operation, row_id)
                            VALUES (?, ?, ?, ?, ?)""")) {
                        s.setLong(1, change.lsn());
                        s.setInt(2, change.ordinal());
                        s.setString(3, change.table());
                        s.setString(4, change.operation().name());
                        s.setLong(5, ((Number) key).longValue());
                        s.executeUpdate();
                    }
                });
    }
}
