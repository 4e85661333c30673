package dev.pgevents.eventstore;

import static dev.pgevents.eventstore.VersionedEvents.seatBookedV1;
import static dev.pgevents.eventstore.VersionedEvents.seatBookedV2;
import static dev.pgevents.eventstore.VersionedEvents.store;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.eventstore.VersionedEvents.Priced;
import dev.pgevents.eventstore.VersionedEvents.SeatReserved;
import dev.pgevents.eventstore.jdbc.JdbcEventStore;
import dev.pgevents.testsupport.AdvisoryLocks;
import dev.pgevents.testsupport.Appends;
import dev.pgevents.testsupport.EventStoreFixture;
import dev.pgevents.testsupport.Sql;
import jakarta.json.Json;
import java.sql.Connection;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Schema evolution through the store: old payloads stored with SQL read back as the current
 * records (chains, renames, a field added with a default), old type names found by typed
 * queries and conditions, versions the application does not know refused, broken chains refused
 * at registration.
 */
class UpcastingTest {

    static DataSource ds;
    static JdbcEventStore store;

    @BeforeAll
    static void setUp() {
        ds = EventStoreFixture.migrated("es_upcasting_test");
        store = new JdbcEventStore(ds, VersionedEvents.registry(), new JsonbEventSerializer());
    }

    static String fresh() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    static EventQuery reservations(String course) {
        return EventQuery.of(QueryItem.types(SeatReserved.class).tagged("course:" + course));
    }

    @Test
    void versionsOneTwoAndThreeReadAsTheCurrentRecordUnderItsCurrentName() {
        String c = fresh();
        long v1 = store(ds, "SeatBooked", 1, seatBookedV1(c, "ada"), "course:" + c, "student:ada");
        long v2 = store(ds, "SeatBooked", 2, seatBookedV2(c, "bob", 2), "course:" + c, "student:bob");
        long v3 = Appends.unconditional(store, new SeatReserved(c, "cy", 3)).get(0).position();

        List<RecordedEvent> read = store.read(reservations(c), ReadOptions.defaults()).toList();
        assertEquals(List.of(v1, v2, v3), read.stream().map(RecordedEvent::position).toList());
        assertEquals(List.of(new SeatReserved(c, "ada", 1), new SeatReserved(c, "bob", 2), new SeatReserved(c, "cy", 3)),
                read.stream().map(RecordedEvent::event).toList());
        assertTrue(read.stream().allMatch(e -> e.type().equals("SeatReserved")), "recorded events carry the current name");

        List<StoredEvent> raw = store.readRaw(reservations(c), ReadOptions.defaults()).toList();
        assertEquals(List.of("SeatBooked/1", "SeatBooked/2", "SeatReserved/3"),
                raw.stream().map(e -> e.type() + "/" + e.version()).toList(), "a raw read shows what is stored");
        assertEquals(seatBookedV1(c, "ada"), Json.createReader(new java.io.StringReader(raw.get(0).payload())).readObject().toString());
    }

    @Test
    void aFieldAddedWithADefaultAndAVersionOnlyAnnotationKeepingTheClassName() {
        String item = fresh();
        store(ds, "Priced", 1, "{\"item\":\"" + item + "\",\"euros\":12.5}", "item:" + item);
        Appends.unconditional(store, new Priced(item, 99));
        assertEquals(2, store.registry().version(Priced.class));
        assertEquals("Priced", store.registry().typeName(Priced.class));
        assertEquals(List.of(new Priced(item, 1250), new Priced(item, 99)),
                store.read(EventQuery.tagged("item:" + item), ReadOptions.defaults()).stream().map(RecordedEvent::event).toList());
        assertEquals(List.of("1", "2"), Sql.queryStrings(ds,
                "SELECT type_version FROM es_event WHERE tags @> ARRAY[?::text] ORDER BY position", "item:" + item),
                "a typed append stores the class's current version");
    }

    @Test
    void anSqlWriterThatNamesNoVersionStoresVersionOne() {
        String item = fresh();
        Sql.exec(ds, "INSERT INTO es_event (event_id, type, tags, payload) SELECT gen_random_uuid(), 'Priced', ARRAY[?::text],"
                + " ?::jsonb" + Sql.PROTOCOL, "item:" + item, "{\"item\":\"" + item + "\",\"euros\":1}");
        assertEquals(List.of(new Priced(item, 100)),
                store.read(EventQuery.tagged("item:" + item), ReadOptions.defaults()).stream().map(RecordedEvent::event).toList());
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> Sql.exec(ds,
                "INSERT INTO es_event (event_id, type, type_version, tags, payload) SELECT gen_random_uuid(), 'Priced', 0,"
                        + " '{}', '{}'" + Sql.PROTOCOL));
        assertTrue(refused.getMessage().contains("es_event_type_version_check"), refused.getMessage());
    }

    @Test
    void aVersionNewerThanTheClassIsAClearError() {
        String c = fresh();
        store(ds, "SeatBooked", 1, seatBookedV1(c, "ada"), "course:" + c);
        long newer = store(ds, "SeatReserved", 4, "{\"course\":\"" + c + "\",\"student\":\"x\",\"seats\":1,\"vip\":true}",
                "course:" + c);
        UndecodableEventException e = assertThrows(UndecodableEventException.class,
                () -> store.read(reservations(c), ReadOptions.defaults()).toList());
        assertEquals("SeatReserved", e.type());
        assertEquals(newer, e.position());
        assertFalse(e.unknownType());
        assertEquals("event of type 'SeatReserved' at position " + newer + " has version 4, which this application cannot"
                + " decode: version 4 of event type 'SeatReserved' is not one this application reads (it reads version 3 of"
                + " 'SeatReserved'; a higher version was written by a newer release of the application)", e.getMessage());
        // skipping unknown types does not skip an unknown version of a known one
        assertThrows(UndecodableEventException.class,
                () -> store.read(reservations(c), ReadOptions.defaults().skipUnknownTypes()).toList());

        String d = fresh();
        long oldName = store(ds, "SeatBooked", 3, seatBookedV2(d, "ada", 1), "course:" + d);
        UndecodableEventException old = assertThrows(UndecodableEventException.class,
                () -> store.read(reservations(d), ReadOptions.defaults()).toList());
        assertEquals(oldName, old.position());
        assertTrue(old.getMessage().contains("it reads versions 1 to 2 of 'SeatBooked', renamed to 'SeatReserved' at version 3"),
                old.getMessage());
    }

    @Test
    void aFailingUpcasterIsAnUndecodableEventNamingTheStep() {
        String c = fresh();
        long bad = store(ds, "SeatBooked", 1, "{\"courseId\":\"" + c + "\"}", "course:" + c);
        UndecodableEventException e = assertThrows(UndecodableEventException.class,
                () -> store.read(reservations(c), ReadOptions.defaults()).toList());
        assertEquals(bad, e.position());
        assertTrue(e.getMessage().contains("the upcaster from version 2 of 'SeatBooked' failed"), e.getMessage());
    }

    @Test
    void aConditionOnTheNewNameFailsWhenAnOldNameEventWasStoredAfterTheRead() {
        String c = fresh();
        Appends.unconditional(store, new SeatReserved(c, "ada", 1));
        AppendCondition tagged;
        try (EventStream<RecordedEvent> read = store.read(reservations(c), ReadOptions.defaults())) {
            assertEquals(1, read.toList().size());
            tagged = read.result().appendCondition().orElseThrow();
        }
        AppendCondition typesOnly = new AppendCondition(EventQuery.of(QueryItem.types(SeatReserved.class)), store.safePosition());
        store(ds, "SeatBooked", 1, seatBookedV1(c, "bob"), "course:" + c, "student:bob");

        NewEvent next = NewEvent.of(new SeatReserved(c, "cy", 1));
        assertThrows(AppendConditionFailed.class, () -> store.append(List.of(next), tagged));
        assertThrows(AppendConditionFailed.class, () -> store.append(List.of(next), typesOnly));
        assertEquals(2, store.read(reservations(c), ReadOptions.defaults()).toList().size(), "nothing was appended");
    }

    /**
     * The lock side of the same claim: a type-only condition also locks the old names, so an SQL
     * writer of an old name that is still in flight is waited for, and its event then fails the
     * check. Without the old names in the condition's keys the append would not wait, would not
     * see the uncommitted event, and would succeed.
     */
    @Test
    void aTypeConditionWaitsForAnInFlightWriterOfTheOldName() throws Exception {
        String c = fresh();
        AppendCondition typesOnly = new AppendCondition(EventQuery.of(QueryItem.types(SeatReserved.class)), store.safePosition());
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try (Connection writer = ds.getConnection(); Connection appender = ds.getConnection()) {
            writer.setAutoCommit(false);
            store(writer, "SeatBooked", 1, seatBookedV1(c, "ada"), "course:" + c);
            int pid = AdvisoryLocks.pid(appender);
            JdbcEventStore onAppender = new JdbcEventStore(dev.pgevents.testsupport.TestTransactions.singleConnection(appender),
                    VersionedEvents.registry(), new JsonbEventSerializer());
            Future<?> append = thread.submit(() -> onAppender.append(List.of(NewEvent.of(new SeatReserved(c, "bob", 1))), typesOnly));
            AdvisoryLocks.awaitWaiting(ds, pid);
            writer.commit();
            java.util.concurrent.ExecutionException failed = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> append.get(10, TimeUnit.SECONDS));
            assertTrue(failed.getCause() instanceof AppendConditionFailed, String.valueOf(failed.getCause()));
        } finally {
            thread.shutdownNow();
        }
    }

    @Test
    void rawAppendsStoreTheGivenVersionAfterCheckingItsUpcastPayloadAndRefuseOldNames() {
        String c = fresh();
        RawEvent v1 = new RawEvent(UUID.randomUUID(), "SeatReserved", 3, Set.of("course:" + c),
                "{\"course\":\"" + c + "\",\"student\":\"ada\",\"seats\":1}", null);
        store.appendRaw(List.of(v1), null);
        InvalidInputException oldName = assertThrows(InvalidInputException.class, () -> store.appendRaw(List.of(
                new RawEvent(UUID.randomUUID(), "SeatBooked", 1, Set.of("course:" + c), seatBookedV1(c, "bob"), null)), null));
        assertEquals("event type 'SeatBooked' was renamed to 'SeatReserved': append SeatReserved events (version 3)",
                oldName.getMessage());
        InvalidInputException newer = assertThrows(InvalidInputException.class, () -> store.appendRaw(List.of(
                new RawEvent(UUID.randomUUID(), "SeatReserved", 4, Set.of("course:" + c), "{}", null)), null));
        assertTrue(newer.getMessage().startsWith("version 4 of event type 'SeatReserved' is not one this application reads"),
                newer.getMessage());
        InvalidInputException underOldName = assertThrows(InvalidInputException.class, () -> store.appendRaw(List.of(
                new RawEvent(UUID.randomUUID(), "SeatReserved", 2, Set.of("course:" + c), "{}", null)), null));
        assertEquals("version 2 of event type 'SeatReserved' is not one this application reads (it reads version 3 of"
                + " 'SeatReserved')", underOldName.getMessage(), "version 2 was stored under the old name");

        String item = fresh();
        store.appendRaw(List.of(new RawEvent(UUID.randomUUID(), "Priced", 1, Set.of("item:" + item),
                "{\"item\":\"" + item + "\",\"euros\":2}", null)), null);
        assertThrows(InvalidInputException.class, () -> store.appendRaw(List.of(new RawEvent(UUID.randomUUID(), "Priced", 1,
                Set.of("item:" + item), "{\"item\":\"" + item + "\"}", null)), null), "a version 1 payload its upcaster cannot read");
        assertEquals(List.of("Priced/1"), store.readRaw(EventQuery.tagged("item:" + item), ReadOptions.defaults()).stream()
                .map(e -> e.type() + "/" + e.version()).toList(), "stored as given, not upcast");
        assertEquals(List.of(new Priced(item, 200)),
                store.read(EventQuery.tagged("item:" + item), ReadOptions.defaults()).stream().map(RecordedEvent::event).toList());
    }

    // ---------------------------------------------------------------------------- registration

    @EventType(value = "Shipped", version = 3)
    public record Shipped(String parcel) implements Event {
    }

    @Test
    void aGapInAChainIsRefusedAtRegistration() {
        EventTypeRegistry registry = new EventTypeRegistry().register(Upcaster.of("Shipped", 1, p -> p));
        InvalidInputException gap = assertThrows(InvalidInputException.class, () -> registry.register(Shipped.class));
        assertEquals("event type 'Shipped' is at version 3, but no upcaster produces version 3 of 'Shipped' from version 2:"
                + " the chain has a gap (register Upcaster.of(\"Shipped\", 2, ...), or a renaming one, before the class)",
                gap.getMessage());
        assertTrue(registry.classOf("Shipped").isEmpty(), "nothing of the class was registered");

        InvalidInputException start = assertThrows(InvalidInputException.class,
                () -> new EventTypeRegistry().register(Upcaster.of("Shipped", 2, p -> p)).register(Shipped.class));
        assertTrue(start.getMessage().contains("no upcaster produces version 2 of 'Shipped' from version 1"), start.getMessage());
    }

    @Test
    void upcastersThatDoNotFitTheClassOrComeLateAreRefused() {
        InvalidInputException beyond = assertThrows(InvalidInputException.class, () -> new EventTypeRegistry()
                .register(Upcaster.of("Shipped", 1, p -> p)).register(Upcaster.of("Shipped", 2, p -> p))
                .register(Upcaster.of("Shipped", 3, p -> p)).register(Shipped.class));
        assertTrue(beyond.getMessage().startsWith("an upcaster reads version 3 of 'Shipped', but "), beyond.getMessage());

        InvalidInputException twice = assertThrows(InvalidInputException.class, () -> new EventTypeRegistry()
                .register(Upcaster.of("Shipped", 1, p -> p)).register(Upcaster.renaming("Shipped", 1, "Sent", p -> p)));
        assertEquals("two upcasters read version 1 of 'Shipped'", twice.getMessage());

        InvalidInputException late = assertThrows(InvalidInputException.class,
                () -> VersionedEvents.registry().register(Upcaster.of("Priced", 2, p -> p)));
        assertTrue(late.getMessage().contains("register upcasters before the event classes"), late.getMessage());

        InvalidInputException zero = assertThrows(InvalidInputException.class,
                () -> new EventTypeRegistry().register(Upcaster.of("Shipped", 0, p -> p)));
        assertTrue(zero.getMessage().contains("versions start at 1"), zero.getMessage());
    }

    public record SeatBooked(String courseId) implements Event {
    }

    @Test
    void anOldNameCannotBeAnotherClassesName() {
        InvalidInputException taken = assertThrows(InvalidInputException.class,
                () -> VersionedEvents.registry().register(SeatBooked.class));
        assertTrue(taken.getMessage().contains("is an old name of 'SeatReserved'"), taken.getMessage());
        InvalidInputException renamedOnto = assertThrows(InvalidInputException.class, () -> new EventTypeRegistry()
                .register(SeatBooked.class).register(VersionedEvents.SEATS_ADDED));
        assertTrue(renamedOnto.getMessage().contains("register upcasters before the event classes"), renamedOnto.getMessage());
    }

    @Test
    void queriesGainTheOldNamesOfRenamedTypesOnly() {
        EventTypeRegistry registry = VersionedEvents.registry();
        EventQuery q = EventQuery.of(QueryItem.types(SeatReserved.class).tagged("course:x"), QueryItem.types("Other"));
        assertEquals(EventQuery.of(QueryItem.of(List.of("SeatReserved", "SeatBooked"), List.of("course:x")),
                QueryItem.types("Other")), registry.withOldNames(q));
        EventQuery untouched = EventQuery.of(QueryItem.types(Priced.class));
        assertTrue(registry.withOldNames(untouched) == untouched, "no copy when nothing was renamed");
    }
}
