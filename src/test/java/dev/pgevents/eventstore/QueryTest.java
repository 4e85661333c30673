package dev.pgevents.eventstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.eventstore.TestEvents.Deposited;
import dev.pgevents.eventstore.TestEvents.Opened;
import dev.pgevents.eventstore.TestEvents.Transferred;
import dev.pgevents.eventstore.TestEvents.Untagged;
import dev.pgevents.eventstore.jdbc.JdbcEventStore;
import dev.pgevents.testsupport.Appends;
import dev.pgevents.testsupport.EventStoreFixture;
import dev.pgevents.testsupport.Sql;
import dev.pgevents.testsupport.TestTransactions;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** DCB query semantics against PostgreSQL, and streamed reads. */
class QueryTest {

    static DataSource ds;
    static EventStore store;
    static List<AppendedEvent> appended;

    @BeforeAll
    static void setUp() {
        ds = EventStoreFixture.migrated("es_query_test");
        store = new JdbcEventStore(ds, TestEvents.registry(), new JsonbEventSerializer());
        appended = Appends.unconditional(store, 
                new Opened("a"),                        // 1
                new Opened("b"),                        // 2
                new Deposited("a", 10),                 // 3
                new Deposited("b", 20),                 // 4
                new Transferred(List.of("a", "b"), 5),  // 5 tags account:a, account:b
                new Untagged("x"),                      // 6 no tags
                new Deposited("a", 30));                // 7
    }

    private static long pos(int index) {
        return appended.get(index - 1).position();
    }

    private static List<Long> positions(EventQuery q, ReadOptions o) {
        try (EventStream<RecordedEvent> s = store.read(q, o)) {
            return s.stream().map(RecordedEvent::position).toList();
        }
    }

    private static List<Long> expected(int... indexes) {
        return java.util.Arrays.stream(indexes).mapToObj(QueryTest::pos).toList();
    }

    @Test
    void aReadThatFitsInOneFetchRunsWithoutATransactionALongerOneInOneOfItsOwn() {
        java.util.concurrent.atomic.AtomicInteger transactions = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();
        javax.sql.DataSource counting = (javax.sql.DataSource) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {javax.sql.DataSource.class}, (proxy, method, args) -> {
                    Object result = invoke(ds, method, args);
                    if (!method.getName().equals("getConnection")) {
                        return result;
                    }
                    open.incrementAndGet();
                    java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
                    return java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                            new Class<?>[] {java.sql.Connection.class}, (p, m, a) -> {
                                if (m.getName().equals("setAutoCommit") && Boolean.FALSE.equals(a[0])) {
                                    transactions.incrementAndGet();
                                }
                                if (m.getName().equals("close") && closed.compareAndSet(false, true)) {
                                    open.decrementAndGet();
                                }
                                return invoke(result, m, a);
                            });
                });
        EventStore fetchingTwo = new JdbcEventStore(counting, TestEvents.registry(), new JsonbEventSerializer(), 2);
        EventQuery all = EventQuery.all();
        record Case(ReadOptions options, List<Long> expected, int transactions) {
        }
        for (Case c : List.of(
                new Case(ReadOptions.defaults().limit(2), expected(1, 2), 0),
                new Case(ReadOptions.defaults().uncapped().limit(1), expected(1), 0),
                new Case(ReadOptions.defaults().limit(3), expected(1, 2, 3), 1), // a cursor: two fetches
                new Case(ReadOptions.defaults(), expected(1, 2, 3, 4, 5, 6, 7), 1),
                new Case(ReadOptions.defaults().uncapped().backwards(), expected(7, 6, 5, 4, 3, 2, 1), 1),
                // no limit, but the rows fit in one fetch: read whole in autocommit
                new Case(ReadOptions.defaults().from(pos(6)), expected(6, 7), 0),
                new Case(ReadOptions.defaults().uncapped().to(pos(2)), expected(1, 2), 0),
                new Case(ReadOptions.defaults().after(pos(7)), expected(), 0),
                new Case(ReadOptions.defaults().from(pos(5)), expected(5, 6, 7), 1), // one row too many
                // its locks last for its one round trip; the driver reads all its rows, whatever the fetch size
                new Case(ReadOptions.defaults().locked().limit(1), expected(1), 0),
                new Case(ReadOptions.defaults().locked(), expected(1, 2, 3, 4, 5, 6, 7), 0))) {
            transactions.set(0);
            try (EventStream<RecordedEvent> s = fetchingTwo.read(all, c.options())) {
                // a cursor holds its connection while it is read; rows read whole gave theirs back
                assertEquals(c.transactions(), open.get(), "connections held: " + c);
                assertEquals(c.expected(), s.stream().map(RecordedEvent::position).toList(), c.toString());
            }
            assertEquals(c.transactions(), transactions.get(), c.toString());
            assertEquals(0, open.get(), c.toString());
        }
    }

    @Test
    void aReadGivesTheSameRowsAndResultWholeOrThroughACursor() {
        EventStore fetchingTwo = new JdbcEventStore(ds, TestEvents.registry(), new JsonbEventSerializer(), 2);
        EventStore fetchingMany = new JdbcEventStore(ds, TestEvents.registry(), new JsonbEventSerializer(), 500);
        EventQuery deposits = EventQuery.ofTypes("Deposited", "Opened");
        for (ReadOptions options : List.of(ReadOptions.defaults(), ReadOptions.defaults().backwards(),
                ReadOptions.defaults().to(pos(4)), ReadOptions.defaults().after(pos(1)).limit(4),
                ReadOptions.defaults().uncapped())) { // a LOCKED read outside a transaction is always read whole
            assertEquals(readWhole(fetchingTwo, deposits, options), readWhole(fetchingMany, deposits, options), options.toString());
        }
    }

    private static Map.Entry<List<Long>, ReadResult> readWhole(EventStore store, EventQuery query, ReadOptions options) {
        try (EventStream<RecordedEvent> s = store.read(query, options)) {
            List<Long> positions = s.stream().map(RecordedEvent::position).toList();
            return Map.entry(positions, s.result());
        }
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Test
    void appendReturnsIncreasingPositionsInRequestOrder() {
        for (int i = 1; i < appended.size(); i++) {
            assertTrue(appended.get(i).position() > appended.get(i - 1).position());
        }
        assertEquals("transfer-made", appended.get(4).type());
        assertEquals(Set.of("account:a", "account:b"), appended.get(4).tags());
    }

    @Test
    void allQueryMatchesEverything() {
        assertEquals(expected(1, 2, 3, 4, 5, 6, 7), positions(EventQuery.all(), ReadOptions.defaults()));
    }

    @Test
    void typesOnly() {
        assertEquals(expected(3, 4, 7), positions(EventQuery.ofTypes("Deposited"), ReadOptions.defaults()));
        assertEquals(expected(1, 2, 3, 4, 7), positions(EventQuery.ofTypes("Deposited", "Opened"), ReadOptions.defaults()));
        assertEquals(expected(5), positions(EventQuery.of(QueryItem.types(Transferred.class)), ReadOptions.defaults()));
    }

    @Test
    void tagsOnlyAreAndedWithinAnItem() {
        assertEquals(expected(1, 3, 5, 7), positions(EventQuery.tagged("account:a"), ReadOptions.defaults()));
        assertEquals(expected(5), positions(EventQuery.tagged("account:a", "account:b"), ReadOptions.defaults()));
        assertEquals(List.of(), positions(EventQuery.tagged("account:zzz"), ReadOptions.defaults()));
    }

    @Test
    void typeAndTagsWithinAnItem() {
        EventQuery q = EventQuery.of(QueryItem.types("Deposited").tagged("account:a"));
        assertEquals(expected(3, 7), positions(q, ReadOptions.defaults()));
    }

    @Test
    void itemsAreOred() {
        EventQuery q = EventQuery.of(QueryItem.types("Opened").tagged("account:b"), QueryItem.types("Untagged"),
                QueryItem.types("Deposited").tagged("account:a"));
        assertEquals(expected(2, 3, 6, 7), positions(q, ReadOptions.defaults()));
    }

    @Test
    void fromPositionIsInclusiveAndUpperBoundToo() {
        assertEquals(expected(3, 5, 7), positions(EventQuery.tagged("account:a"), ReadOptions.defaults().from(pos(3))));
        assertEquals(expected(5, 7), positions(EventQuery.tagged("account:a"), ReadOptions.defaults().after(pos(3))));
        assertEquals(expected(3, 5), positions(EventQuery.tagged("account:a"),
                ReadOptions.defaults().from(pos(2)).to(pos(5))));
    }

    @Test
    void limitAndBackwards() {
        assertEquals(expected(1, 3), positions(EventQuery.tagged("account:a"), ReadOptions.defaults().limit(2)));
        assertEquals(expected(7, 5, 3, 1), positions(EventQuery.tagged("account:a"), ReadOptions.defaults().backwards()));
        assertEquals(expected(7, 5), positions(EventQuery.tagged("account:a"), ReadOptions.defaults().backwards().limit(2)));
        assertEquals(expected(5, 3), positions(EventQuery.tagged("account:a"),
                ReadOptions.defaults().backwards().to(pos(6)).from(pos(2)).limit(5)));
    }

    @Test
    void consistencyPositionIsTheCapUnlessTheLimitCutTheRead() {
        long safe = store.safePosition();
        assertEquals(pos(7), safe);
        try (EventStream<RecordedEvent> s = store.read(EventQuery.tagged("account:zzz"), ReadOptions.defaults())) {
            assertEquals(0, s.stream().count());
            ReadResult r = s.result();
            assertTrue(r.lastPosition().isEmpty());
            assertEquals(safe, r.consistencyPosition().getAsLong(), "an empty read is still consistent up to the cap");
        }
        try (EventStream<RecordedEvent> s = store.read(EventQuery.tagged("account:a"), ReadOptions.defaults().limit(2))) {
            s.stream().forEach(e -> { });
            assertEquals(pos(3), s.result().consistencyPosition().getAsLong());
        }
        ReadResult backwards = store.read(EventQuery.tagged("account:a"), ReadOptions.defaults().backwards().limit(1), e -> { });
        assertEquals(safe, backwards.consistencyPosition().getAsLong());
        ReadResult uncapped = store.read(EventQuery.all(), ReadOptions.defaults().uncapped(), e -> { });
        assertTrue(uncapped.consistencyPosition().isEmpty());
        try (EventStream<RecordedEvent> s = store.read(EventQuery.all(), ReadOptions.defaults())) {
            Iterator<RecordedEvent> it = s.stream().iterator();
            it.next();
            assertThrows(IllegalStateException.class, s::result, "not consumed: no sound consistency position");
        }
    }

    @Test
    void inMemoryMatcherAgreesWithSql() {
        List<EventQuery> queries = List.of(EventQuery.all(), EventQuery.tagged("account:a"),
                EventQuery.tagged("account:a", "account:b"), EventQuery.ofTypes("Deposited"),
                EventQuery.of(QueryItem.types("Opened").tagged("account:b"), QueryItem.types("Untagged")));
        List<StoredEvent> all;
        try (EventStream<StoredEvent> s = store.readRaw(EventQuery.all(), ReadOptions.defaults())) {
            all = s.toList();
        }
        for (EventQuery q : queries) {
            List<Long> inMemory = all.stream().filter(e -> q.matches(e.type(), e.tags())).map(StoredEvent::position).toList();
            assertEquals(positions(q, ReadOptions.defaults()), inMemory, q.toString());
        }
    }

    @Test
    void aMillionStyleReadIsStreamedFromAServerSideCursor() {
        DataSource big = EventStoreFixture.migrated("es_query_stream_test");
        Sql.exec(big, "INSERT INTO es_event (event_id, type, tags, payload) SELECT gen_random_uuid(), 'Deposited',"
                    + " ARRAY['account:' || (g % 10)], jsonb_build_object('accountId', (g % 10)::text, 'amount', g)"
                    + " FROM generate_series(1, 100000) g" + Sql.PROTOCOL);
        TestTransactions tx = new TestTransactions(big);
        EventStore s = new JdbcEventStore(tx.dataSource(), TestEvents.registry(), new JsonbEventSerializer(), 1000);
        tx.run(() -> {
            try (EventStream<RecordedEvent> stream = s.read(EventQuery.ofTypes("Deposited"), ReadOptions.defaults())) {
                Iterator<RecordedEvent> it = stream.stream().iterator();
                assertTrue(it.hasNext());
                RecordedEvent first = it.next();
                assertEquals(1, ((Deposited) first.event()).amount());
                // The rows come from an open portal (a protocol-level cursor), not a buffered result.
                assertEquals(1, Sql.queryLong(tx.dataSource(),
                        "SELECT count(*) FROM pg_cursors WHERE statement LIKE 'SELECT position, event_id%'"),
                        "an open cursor over es_event");
                long count = 1;
                long previous = first.position();
                long sum = 1;
                while (it.hasNext()) {
                    RecordedEvent e = it.next();
                    assertTrue(e.position() > previous);
                    previous = e.position();
                    sum += ((Deposited) e.event()).amount();
                    count++;
                }
                assertEquals(100_000, count);
                assertEquals(100_000L * 100_001 / 2, sum);
                assertEquals(100_000, stream.result().count());
            }
        });
        assertFalse(tx.active());
    }
}
