package dev.pgevents.readmodel;

import dev.pgevents.eventstore.RecordedEvent;
import jakarta.persistence.EntityManager;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** Create/update helpers for {@link ProjectedEntity} read models that skip stale and repeated events. */
public final class Projections {

    private Projections() {
    }

    /**
     * Creates the entity for this event unless it exists (a repeated delivery): returns the new
     * entity, or null when it already existed (left unchanged).
     */
    public static <T extends ProjectedEntity> T create(EntityManager em, Class<T> type, Object id, RecordedEvent event,
                                                       Supplier<T> factory) {
        if (em.find(type, id) != null) {
            return null;
        }
        T entity = factory.get();
        entity.setLastEventPosition(event.position());
        em.persist(entity);
        return entity;
    }

    /** Applies the change to the entity if it exists and the event is newer; says whether it did. */
    public static <T extends ProjectedEntity> boolean update(EntityManager em, Class<T> type, Object id,
                                                             RecordedEvent event, Consumer<T> change) {
        T entity = em.find(type, id);
        return entity != null && entity.applyIfNewer(event, () -> change.accept(entity));
    }

    /** Creates the entity if missing, then applies the change if the event is newer; says whether it changed. */
    public static <T extends ProjectedEntity> boolean upsert(EntityManager em, Class<T> type, Object id, RecordedEvent event,
                                                             Supplier<T> factory, Consumer<T> change) {
        T entity = em.find(type, id);
        if (entity == null) {
            entity = factory.get();
            change.accept(entity);
            entity.setLastEventPosition(event.position());
            em.persist(entity);
            return true;
        }
        T existing = entity;
        return existing.applyIfNewer(event, () -> change.accept(existing));
    }

    /** Deletes the entity if it exists and the event is newer; says whether it did. */
    public static <T extends ProjectedEntity> boolean delete(EntityManager em, Class<T> type, Object id, RecordedEvent event) {
        T entity = em.find(type, id);
        if (entity == null || !entity.isNewer(event)) {
            return false;
        }
        em.remove(entity);
        return true;
    }
}
