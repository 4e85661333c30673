package dev.pgevents.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LsnTest {

    @Test
    void readsTheDecimalAndPostgresTextForms() {
        assertEquals(24751712L, Lsn.parse("24751712"));
        assertEquals(24751712L, Lsn.parse("0/179AE60"));
        assertEquals((1L << 32) + 16, Lsn.parse("1/10"));
        assertEquals("1/10", Lsn.text((1L << 32) + 16));
        assertEquals(Lsn.parse(Lsn.text(987654321012L)), 987654321012L);
    }

    @Test
    void refusesAnythingElseInTheApisWords() {
        for (String bad : new String[] {"", "-1", "1.5", "0/", "G/1", "99999999999999999999", "FFFFFFFF/0"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Lsn.parse(bad), bad);
            assertEquals("a change position is a whole number from 0 to " + Long.MAX_VALUE + " or PostgreSQL's X/Y form",
                    e.getMessage());
        }
    }
}
