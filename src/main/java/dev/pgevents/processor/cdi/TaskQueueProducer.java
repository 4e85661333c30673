package dev.pgevents.processor.cdi;

import dev.pgevents.processor.TaskQueue;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import javax.sql.DataSource;

/**
 * The application's {@link TaskQueue} on {@code jdbc/pgevents} (an enqueue joins the caller's JTA
 * transaction). A new task fires {@link TaskEnqueued} in that transaction; when it commits, this
 * node's workers of the type look for due tasks at once instead of at their next poll.
 */
@ApplicationScoped
public class TaskQueueProducer {

    @Resource(lookup = "jdbc/pgevents")
    DataSource dataSource;

    @Inject
    Event<TaskEnqueued> enqueued;

    @Inject
    ProcessorRuntime runtime;

    @Produces
    @Singleton
    public TaskQueue taskQueue() {
        return new TaskQueue(dataSource, type -> enqueued.fire(new TaskEnqueued(type)));
    }

    void committed(@Observes(during = TransactionPhase.AFTER_SUCCESS) TaskEnqueued task) {
        runtime.wake(task.type());
    }
}
