package dev.pgevents.eventstore.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.SQLException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which errors of a group commit's round trip leave nothing stored (its appends may run alone)
 * and which may follow the commit (the outcome is unknown, never a rerun).
 */
class RefusedByServerTest {

    @ParameterizedTest(name = "{0}: refused = {1}")
    @CsvSource(nullValues = "none", value = {
            "23505, true",  // a duplicate event id
            "55P03, true",  // a lock wait beyond the batch's lock timeout
            "40P01, true",  // a deadlock
            "40001, true",  // a serialization failure
            "57014, true",  // a cancelled statement (statement_timeout)
            "22P02, true",  // invalid input
            "PE001, true",  // the append protocol's guard
            "P0001, true",  // a RAISE in PL/pgSQL
            "40003, false", // statement completion unknown
            "08006, false", // the connection failed
            "08003, false", // the connection is closed
            "57P01, false", // the backend was terminated
            "53200, false", // out of memory (the driver's own, while reading the answer)
            "XX000, false", // an internal error
            "58030, false", // an I/O error
            "none, false",  // no SQLSTATE
            "0800, false"   // not a SQLSTATE
    })
    void onlyErrorsRaisedBeforeTheCommitCountAsRefused(String sqlState, boolean refused) {
        assertEquals(refused, AppendRoundTrip.refusedByServer(new SQLException("failed", sqlState)));
    }
}
