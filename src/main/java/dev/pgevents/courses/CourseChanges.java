package dev.pgevents.courses;

import dev.pgevents.courses.CourseCatalog.CourseSummary;
import dev.pgevents.courses.CourseCatalog.CourseView;
import dev.pgevents.subscription.ReadModelFeed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;
import java.util.List;
import java.util.Optional;

/**
 * The course catalogue as a live feed (docs/realtime.md): its rows as {@code GET /api/courses}
 * returns them, with the position of each row's last event, for {@link CourseListChanges} and
 * {@link CourseRowChanges}. Courses are never deleted, so it reports no deletes. Each read is one
 * statement: it joins a caller's transaction but opens none of its own (a JTA transaction around
 * a select costs a commit round trip: docs/benchmarks.md, "Read-model GETs without a transaction
 * of their own"), and its results are lists, not streams (a stream of a transaction-scoped
 * EntityManager needs a transaction).
 */
@ApplicationScoped
public class CourseChanges implements ReadModelFeed<CourseSummary> {

    @PersistenceContext(unitName = "pgevents")
    EntityManager em;

    @Override
    public String listenerId() {
        return CourseCatalog.ID;
    }

    @Override
    public String keyName() {
        return "courseId";
    }

    @Override
    @Transactional(TxType.SUPPORTS)
    public List<Row<CourseSummary>> rows() {
        return em.createQuery("SELECT c FROM CourseView c ORDER BY c.courseId", CourseView.class)
                .getResultList().stream().map(CourseChanges::row).toList();
    }

    @Override
    @Transactional(TxType.SUPPORTS)
    public Optional<Row<CourseSummary>> row(String courseId) {
        return Optional.ofNullable(em.find(CourseView.class, courseId)).map(CourseChanges::row);
    }

    @Override
    @Transactional(TxType.SUPPORTS)
    public List<Row<CourseSummary>> changedAfter(long position) {
        return em.createQuery("SELECT c FROM CourseView c WHERE c.lastEventPosition > :position"
                        + " ORDER BY c.lastEventPosition", CourseView.class)
                .setParameter("position", position).getResultList().stream().map(CourseChanges::row).toList();
    }

    private static Row<CourseSummary> row(CourseView v) {
        return new Row<>(v.courseId, v.summary(), v.lastEventPosition());
    }
}
