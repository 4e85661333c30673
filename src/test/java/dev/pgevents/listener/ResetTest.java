package dev.pgevents.listener;

import static dev.pgevents.listener.ListenerPasses.runUntilCaughtUp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.listener.ListenerTestEvents.Counted;
import dev.pgevents.testsupport.Appends;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Reset to 0 or N clears and rebuilds; a new version builds beside the live one. */
class ResetTest {

    static ListenerFixture f;

    @BeforeAll
    static void setUp() {
        f = new ListenerFixture("listener_reset_test");
    }

    @AfterAll
    static void tearDown() {
        f.close();
    }

    @Test
    void resetToZeroOrToAPositionRebuilds() {
        ListenerEngine engine = f.engine("node-a", s -> s.batchSize(4));
        ListenerAdmin admin = new ListenerAdmin(engine);
        ListenerFixture.Recording listener = f.recording("resettable", EventQuery.tagged("counter:reset"));
        engine.register(listener);
        for (int i = 0; i < 10; i++) {
            Appends.unconditional(f.store, new Counted("reset", i));
        }
        runUntilCaughtUp(engine, "resettable");
        List<Long> all = listener.seen();
        assertEquals(10, all.size());

        admin.reset("resettable", 0);
        assertEquals(1, listener.resets);
        assertEquals(0, f.checkpoint("resettable"));
        assertTrue(listener.seen().isEmpty(), "the reset hook cleared the read model in the reset transaction");
        assertEquals(10, runUntilCaughtUp(engine, "resettable"));
        assertEquals(all, listener.seen());

        long middle = all.get(5);
        admin.reset("resettable", middle);
        assertEquals(all.subList(0, 6), listener.seen());
        assertEquals(4, runUntilCaughtUp(engine, "resettable"));
        assertEquals(all, listener.seen());
    }

    @Test
    void aResetBeyondTheHeadIsRefusedAndChangesNothing() {
        ListenerEngine engine = f.engine("node-a", s -> s);
        ListenerAdmin admin = new ListenerAdmin(engine);
        ListenerFixture.Recording listener = f.recording("ahead", EventQuery.tagged("counter:ahead"));
        engine.register(listener);
        Appends.unconditional(f.store, new Counted("ahead", 1));
        assertEquals(1, runUntilCaughtUp(engine, "ahead"));
        long checkpoint = f.checkpoint("ahead");
        long head = f.store.safePosition();

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> admin.reset("ahead", head + 1));
        assertTrue(refused.getMessage().contains("beyond the head"), refused.getMessage());
        assertThrows(IllegalArgumentException.class, () -> admin.reset("ahead", Long.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> admin.reset("ahead", -1));
        assertEquals(checkpoint, f.checkpoint("ahead"));
        assertEquals(0, listener.resets, "the reset hook did not run");

        admin.reset("ahead", head); // the head itself is fine
        long next = Appends.unconditional(f.store, new Counted("ahead", 2)).get(0).position();
        assertEquals(1, runUntilCaughtUp(engine, "ahead"), "an event appended after the reset is handled");
        assertEquals(next, listener.seen().get(listener.seen().size() - 1));
    }

    @Test
    void aNewVersionIsBuiltBesideTheLiveOneAndQueriesSwitchWhenItCaughtUp() {
        ListenerEngine engine = f.engine("node-a", s -> s.batchSize(5));
        ListenerAdmin admin = new ListenerAdmin(engine);
        ListenerFixture.Recording v1 = f.recording("summary-v1", EventQuery.tagged("counter:versions"));
        engine.register(v1);
        for (int i = 0; i < 20; i++) {
            Appends.unconditional(f.store, new Counted("versions", i));
        }
        runUntilCaughtUp(engine, "summary-v1");
        ReadModelVersions versions = new ReadModelVersions(admin, "summary-v1", "summary-v2");
        assertEquals("summary-v1", versions.current(), "v2 is not registered yet");

        ListenerFixture.Recording v2 = f.recording("summary-v2", EventQuery.tagged("counter:versions"));
        engine.register(v2);
        assertEquals("summary-v1", versions.current(), "v2 has not caught up: queries stay on v1");
        engine.runPass("summary-v2"); // one pass (time-boxed) may or may not finish; run to the end:
        runUntilCaughtUp(engine, "summary-v2");
        assertEquals("summary-v2", versions.current());
        assertEquals(v1.seen(), v2.seen());
        assertFalse(admin.info("summary-v1").lag() > 0);
    }
}
