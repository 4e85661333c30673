package dev.pgevents.readmodel;

import dev.pgevents.eventstore.RecordedEvent;
import dev.pgevents.listener.EventListener;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.TypedQuery;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Base of a JPA read model: a listener (make the subclass an {@code @ApplicationScoped} bean)
 * whose handler writes {@link ProjectedEntity} entities through the {@code pgevents} persistence
 * unit, in the listener's JTA transaction, so entities and checkpoint commit together. Each batch
 * ends with a flush and a clear (errors show up at the batch, where the engine can isolate the
 * failing event; memory stays flat during a catch-up). {@link #reset} to 0 deletes every row of
 * {@link #entities()}; a reset to a later position keeps the rows (the stale check makes the
 * replay of already applied events a no-op); override it for anything else. The helpers
 * {@link #create}, {@link #update}, {@link #upsert} and {@link #delete} skip stale and repeated events.
 */
public abstract class JpaReadModel implements EventListener {

    @PersistenceContext(unitName = "pgevents")
    protected EntityManager em;

    /** The entity classes of this read model (cleared by a reset to 0). */
    protected abstract List<Class<? extends ProjectedEntity>> entities();

    @Override
    public void endBatch() {
        em.flush();
        em.clear();
    }

    @Override
    public void reset(long position) {
        if (position == 0) {
            for (Class<? extends ProjectedEntity> type : entities()) {
                em.createQuery("DELETE FROM " + em.getMetamodel().entity(type).getName()).executeUpdate();
            }
        }
    }

    /**
     * Loads the entities with these ids into the persistence context with one query per
     * {@value PreloadQueries#MAX_IDS} ids, so the {@code em.find} calls of the batch's handlers
     * need no round trip. Call it from {@link #beforeBatch} with the ids the batch touches.
     */
    protected <T extends ProjectedEntity> void preload(Class<T> type, Collection<?> ids) {
        List<?> distinct = ids.stream().filter(Objects::nonNull).distinct().toList(); // null: no entity has it
        for (int from = 0; from < distinct.size(); from += PreloadQueries.MAX_IDS) {
            List<?> chunk = distinct.subList(from, Math.min(from + PreloadQueries.MAX_IDS, distinct.size()));
            int size = PreloadQueries.paddedSize(chunk.size());
            TypedQuery<T> query = em.createQuery(PreloadQueries.of(em.getMetamodel(), type, size), type);
            for (int i = 0; i < size; i++) {
                query.setParameter(PreloadQueries.parameter(i), chunk.get(Math.min(i, chunk.size() - 1)));
            }
            query.getResultList();
        }
    }

    /**
     * Creates the entity for this event unless it exists (a repeated delivery): returns the new
     * entity, or null when it already existed (left unchanged).
     */
    protected <T extends ProjectedEntity> T create(Class<T> type, Object id, RecordedEvent event, Supplier<T> factory) {
        if (em.find(type, id) != null) {
            return null;
        }
        T entity = factory.get();
        entity.setLastEventPosition(event.position());
        em.persist(entity);
        return entity;
    }

    /** Applies the change to the entity if it exists and the event is newer; says whether it did. */
    protected <T extends ProjectedEntity> boolean update(Class<T> type, Object id, RecordedEvent event, Consumer<T> change) {
        T entity = em.find(type, id);
        return entity != null && entity.applyIfNewer(event, () -> change.accept(entity));
    }

    /** Creates the entity if missing, then applies the change if the event is newer; says whether it changed. */
    protected <T extends ProjectedEntity> boolean upsert(Class<T> type, Object id, RecordedEvent event, Supplier<T> factory,
                                                         Consumer<T> change) {
        T existing = em.find(type, id);
        if (existing != null) {
            return existing.applyIfNewer(event, () -> change.accept(existing));
        }
        T entity = factory.get();
        change.accept(entity);
        entity.setLastEventPosition(event.position());
        em.persist(entity);
        return true;
    }

    /** Deletes the entity if it exists and the event is newer; says whether it did. */
    protected <T extends ProjectedEntity> boolean delete(Class<T> type, Object id, RecordedEvent event) {
        T entity = em.find(type, id);
        if (entity == null || !entity.isNewer(event)) {
            return false;
        }
        em.remove(entity);
        return true;
    }
}
