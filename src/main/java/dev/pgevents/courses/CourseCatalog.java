package dev.pgevents.courses;

import dev.pgevents.courses.CourseEvent.CourseCapacityChanged;
import dev.pgevents.courses.CourseEvent.CourseClosed;
import dev.pgevents.courses.CourseEvent.CourseDefined;
import dev.pgevents.courses.CourseEvent.CourseRenamed;
import dev.pgevents.courses.SubscriptionEvent.StudentSubscribed;
import dev.pgevents.courses.SubscriptionEvent.StudentUnsubscribed;
import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.QueryItem;
import dev.pgevents.eventstore.RecordedEvent;
import dev.pgevents.readmodel.JpaReadModel;
import dev.pgevents.readmodel.ProjectedEntity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Read model: the course catalogue ({@code GET /api/courses}, {@code GET /api/courses/{id}}),
 * one row per course with its free seats, kept by the listener {@value #ID}.
 */
@ApplicationScoped
public class CourseCatalog extends JpaReadModel {

    public static final String ID = "course-catalog";

    /** The JSON answer. */
    @JsonbPropertyOrder({"courseId", "name", "capacity", "availableSeats", "closed"})
    public record CourseSummary(String courseId, String name, int capacity, int availableSeats, boolean closed) {
    }

    @Entity(name = "CourseView")
    @Table(name = "course_view")
    public static class CourseView extends ProjectedEntity {
        @Id
        @Column(name = "course_id")
        String courseId;
        String name;
        int capacity;
        int subscribers;
        boolean closed;

        protected CourseView() {
        }

        CourseView(String courseId, String name, int capacity) {
            this.courseId = courseId;
            this.name = name;
            this.capacity = capacity;
        }

        CourseSummary summary() {
            return new CourseSummary(courseId, name, capacity, Math.max(capacity - subscribers, 0), closed);
        }
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public EventQuery query() {
        return EventQuery.of(QueryItem.types(CourseEvent.class, SubscriptionEvent.class));
    }

    @Override
    protected List<Class<? extends ProjectedEntity>> entities() {
        return List.of(CourseView.class);
    }

    /** The batch's courses in one select, not one per event (a pass under load carries many). */
    @Override
    public void beforeBatch(List<RecordedEvent> batch) {
        preload(CourseView.class, batch.stream().map(CourseCatalog::courseOf).filter(Objects::nonNull).collect(Collectors.toSet()));
    }

    private static String courseOf(RecordedEvent event) {
        Object e = event.event();
        return e instanceof CourseEvent c ? c.courseId() : e instanceof SubscriptionEvent s ? s.courseId() : null;
    }

    @Override
    public void handle(RecordedEvent event) {
        Object e = event.event();
        if (e instanceof CourseDefined d) {
            create(CourseView.class, d.courseId(), event, () -> new CourseView(d.courseId(), d.name(), d.capacity()));
        } else if (e instanceof CourseRenamed r) {
            update(CourseView.class, r.courseId(), event, v -> v.name = r.name());
        } else if (e instanceof CourseCapacityChanged c) {
            update(CourseView.class, c.courseId(), event, v -> v.capacity = c.capacity());
        } else if (e instanceof CourseClosed c) {
            update(CourseView.class, c.courseId(), event, v -> v.closed = true);
        } else if (e instanceof StudentSubscribed s) {
            update(CourseView.class, s.courseId(), event, v -> v.subscribers++);
        } else if (e instanceof StudentUnsubscribed u) {
            update(CourseView.class, u.courseId(), event, v -> v.subscribers--);
        }
    }

    // One select by key needs no transaction of its own: a JTA one added a begin and a commit round
    // trip per GET (docs/benchmarks.md, issue 16). Inside a caller's transaction it joins that one.
    @Transactional(TxType.SUPPORTS)
    public Optional<CourseSummary> find(String courseId) {
        return Optional.ofNullable(em.find(CourseView.class, courseId)).map(CourseView::summary);
    }

    // As find: a list (not a stream, whose cursor would outlive a call without a transaction).
    @Transactional(TxType.SUPPORTS)
    public List<CourseSummary> all() {
        return em.createQuery("SELECT c FROM CourseView c ORDER BY c.courseId", CourseView.class)
                .getResultList().stream().map(CourseView::summary).toList();
    }
}
