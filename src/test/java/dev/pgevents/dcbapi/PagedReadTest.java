package dev.pgevents.dcbapi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pgevents.eventstore.EventStore;
import dev.pgevents.eventstore.EventStream;
import dev.pgevents.eventstore.EventTypeRegistry;
import dev.pgevents.eventstore.JsonbEventSerializer;
import dev.pgevents.eventstore.RawEvent;
import dev.pgevents.eventstore.StoredEvent;
import dev.pgevents.eventstore.jdbc.JdbcEventStore;
import dev.pgevents.testsupport.EventStoreFixture;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Pages add up to exactly the one capped read they replace, in every direction and bound. */
class PagedReadTest {

    static EventStore store;

    @BeforeAll
    static void setUp() {
        store = new JdbcEventStore(EventStoreFixture.migrated("dcb_paged_read_test"), new EventTypeRegistry(),
                new JsonbEventSerializer());
        List<RawEvent> events = new ArrayList<>();
        for (int i = 0; i < 1_234; i++) {
            events.add(new RawEvent(UUID.randomUUID(), i % 3 == 0 ? "P" : "Q", 1, Set.of("n:" + i % 2), "{}", "{}"));
        }
        store.appendRaw(events, null);
    }

    @Test
    void pagesAddUpToTheSingleSafeRead() {
        String p = "{\"items\":[{\"types\":[\"P\"]}]}";
        String all = "{\"items\":[]}";
        for (String[] c : List.of(new String[] {all, null}, new String[] {p, null}, new String[] {all, "{\"from\":100}"},
                new String[] {all, "{\"limit\":1001}"}, new String[] {all, "{\"limit\":500}"}, new String[] {p, "{\"from\":7,\"limit\":300}"},
                new String[] {all, "{\"backwards\":true}"}, new String[] {p, "{\"backwards\":true,\"from\":1000,\"limit\":777}"},
                new String[] {all, "{\"from\":99999}"}, new String[] {all, "{\"backwards\":true,\"from\":0}"})) {
            ReadRequest request = DcbJson.readRequest(c[0], c[1]);
            List<Long> single;
            try (EventStream<StoredEvent> s = store.readRaw(request.query(), request.storeOptions())) {
                single = s.stream().map(StoredEvent::position).toList();
            }
            PagedRead read = new PagedRead(store, request);
            List<Long> paged = new ArrayList<>();
            for (List<StoredEvent> page = read.nextPage(); !page.isEmpty(); page = read.nextPage()) {
                page.forEach(e -> paged.add(e.position()));
            }
            assertEquals(single, paged, c[0] + " " + c[1]);
        }
    }
}
