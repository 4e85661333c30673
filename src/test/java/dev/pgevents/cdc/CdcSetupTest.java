package dev.pgevents.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.testsupport.TestDatabase;
import java.sql.Connection;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Why CDC cannot run, in an operator's words (what the readiness check and the admin API show). */
class CdcSetupTest {

    @Test
    void aServerWithoutLogicalWalIsExplained() throws Exception {
        try (Connection c = TestDatabase.fresh("cdc_setup").getConnection();
             var s = c.createStatement(); var rs = s.executeQuery("SHOW wal_level")) {
            rs.next();
            Optional<String> problem = CdcSetup.problem(c, CdcSettings.DEFAULT_NAME);
            if ("logical".equals(rs.getString(1))) {
                assertEquals(Optional.empty(), problem);
            } else {
                assertEquals(Optional.of("wal_level is " + rs.getString(1) + ": change data capture needs wal_level=logical"
                        + " (a server setting, applied at restart)"), problem);
            }
        }
    }

    @Test
    void aSlotOfAnotherDatabaseIsExplained() throws Exception {
        DataSource other = TestDatabase.freshLogical("cdc_setup_other");
        DataSource mine = TestDatabase.freshLogical("cdc_setup_mine");
        try (Connection o = other.getConnection(); Connection m = mine.getConnection(); var s = o.createStatement()) {
            s.execute("SELECT pg_create_logical_replication_slot('setup_taken', 'pgoutput')");
            try {
                String reason = CdcSetup.problem(m, "setup_taken").orElseThrow();
                assertTrue(reason.startsWith("replication slot setup_taken belongs to another database"), reason);
                assertEquals(Optional.empty(), CdcSetup.problem(o, "setup_taken"));
            } finally {
                s.execute("SELECT pg_drop_replication_slot('setup_taken')");
            }
        }
    }
}
