package dev.pgevents.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pgevents.telemetry.Cause;
import dev.pgevents.telemetry.Causes;
import dev.pgevents.testsupport.Sql;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A task runs caused by its triggering event: that event's correlation id goes on (e.g. into the messages it publishes). */
class TaskCauseTest {

    static ProcessorFixture f;

    @BeforeAll
    static void setUp() {
        f = new ProcessorFixture("processor_cause_test");
    }

    @AfterAll
    static void tearDown() {
        f.close();
    }

    @Test
    void givenAnEventOfARequestWhenItsTaskRunsThenTheTaskIsCausedByTheEventUnderTheRequestsCorrelation() {
        UUID eventId = UUID.randomUUID();
        Sql.exec(f.raw, "INSERT INTO es_event (event_id, type, payload, metadata) SELECT ?::uuid, 'Triggered', '{}'::jsonb,"
                + " '{\"correlationId\":\"order-42\",\"causationId\":\"command-1\"}'::jsonb" + Sql.PROTOCOL, eventId.toString());
        long position = Sql.queryLong(f.raw, "SELECT position FROM es_event WHERE event_id = ?::uuid", eventId.toString());
        AtomicReference<Cause> seen = new AtomicReference<>();
        TaskWorker worker = f.worker("n1", s -> s);
        worker.register(new TaskHandler() {
            @Override
            public String type() {
                return "traced";
            }

            @Override
            public void handle(Task task) {
                seen.set(Causes.current());
            }
        });
        long id = f.enqueue("traced", position);

        worker.run(new Task(id, "traced", "{}", position, 1, Instant.now()));

        assertEquals(new Cause("order-42", eventId.toString()), seen.get());
        assertEquals(null, Causes.current(), "the cause ends with the task");
    }
}
