package dev.pgevents.courses;

import dev.pgevents.courses.StudentEvent.StudentRegistered;
import dev.pgevents.courses.SubscriptionEvent.StudentSubscribed;
import dev.pgevents.courses.SubscriptionEvent.StudentUnsubscribed;
import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.QueryItem;
import dev.pgevents.eventstore.RecordedEvent;
import dev.pgevents.readmodel.JpaReadModel;
import dev.pgevents.readmodel.ProjectedEntity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.Table;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Read model: students and the courses they follow ({@code GET /api/students/{id}}), kept by the
 * listener {@value #ID}.
 */
@ApplicationScoped
public class StudentDirectory extends JpaReadModel {

    public static final String ID = "student-directory";

    /** The JSON answer; courses sorted. */
    @JsonbPropertyOrder({"studentId", "name", "courses"})
    public record StudentSummary(String studentId, String name, List<String> courses) {
    }

    @Entity(name = "StudentView")
    @Table(name = "student_view")
    public static class StudentView extends ProjectedEntity {
        @Id
        @Column(name = "student_id")
        String studentId;
        String name;

        @ElementCollection(fetch = FetchType.EAGER)
        @CollectionTable(name = "student_view_course", joinColumns = @JoinColumn(name = "student_id"))
        @Column(name = "course_id")
        Set<String> courses = new TreeSet<>();

        protected StudentView() {
        }

        StudentView(String studentId, String name) {
            this.studentId = studentId;
            this.name = name;
        }

        StudentSummary summary() {
            return new StudentSummary(studentId, name, List.copyOf(new TreeSet<>(courses)));
        }
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public EventQuery query() {
        return EventQuery.of(QueryItem.types(StudentEvent.class, SubscriptionEvent.class));
    }

    @Override
    protected List<Class<? extends ProjectedEntity>> entities() {
        return List.of(StudentView.class);
    }

    /**
     * The students a batch registers or changes, in one select, and their courses in batched
     * selects (the persistence unit's batch fetch size), not a select per event (a pass under load
     * carries many). A registered student the select does not find is created without a lookup.
     */
    @Override
    public void beforeBatch(List<RecordedEvent> batch) {
        preload(StudentView.class, batch.stream().map(StudentDirectory::studentOf).filter(Objects::nonNull)
                .collect(Collectors.toSet()));
    }

    private static String studentOf(RecordedEvent event) {
        Object e = event.event();
        return e instanceof SubscriptionEvent s ? s.studentId() : e instanceof StudentRegistered r ? r.studentId() : null;
    }

    @Override
    public void handle(RecordedEvent event) {
        Object e = event.event();
        if (e instanceof StudentRegistered r) {
            create(StudentView.class, r.studentId(), event, () -> new StudentView(r.studentId(), r.name()));
        } else if (e instanceof StudentSubscribed s) {
            update(StudentView.class, s.studentId(), event, v -> v.courses.add(s.courseId()));
        } else if (e instanceof StudentUnsubscribed u) {
            update(StudentView.class, u.studentId(), event, v -> v.courses.remove(u.courseId()));
        }
    }

    // One select by key needs no transaction of its own: a JTA one added a begin and a commit round
    // trip per GET (docs/benchmarks.md, issue 16). Inside a caller's transaction it joins that one.
    @Transactional(TxType.SUPPORTS)
    public Optional<StudentSummary> find(String studentId) {
        return Optional.ofNullable(em.find(StudentView.class, studentId)).map(StudentView::summary);
    }
}
