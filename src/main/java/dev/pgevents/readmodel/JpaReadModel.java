package dev.pgevents.readmodel;

import dev.pgevents.eventstore.RecordedEvent;
import dev.pgevents.listener.EventListener;
import jakarta.annotation.Resource;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.PersistenceUnitUtil;
import jakarta.persistence.TypedQuery;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
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

    @Resource
    TransactionSynchronizationRegistry transactionRegistry;

    /** This model's key for the ids its preloads found no row for, kept with the transaction. */
    private final Object absentKey = new Object();
    /** Id classes whose {@code equals} matches the database's equality of the key. */
    private static final Set<Class<?>> NOTED_ID_CLASSES = Set.of(String.class, UUID.class, Long.class, Integer.class);

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
     * {@value PreloadQueries#MAX_IDS} ids, and notes the ids without a row, so the helpers' lookups
     * of the batch need no round trip (the persistence context cannot hold an absence: a find of
     * a missing id would select it, one round trip per entity a batch creates). Call it from
     * {@link #beforeBatch} with the ids the batch touches, those it creates included, and in that
     * batch create entities of the class through {@link #create} or {@link #upsert} only: they
     * clear the note of an absent id, while a row made otherwise (a plain or cascaded persist, a
     * merge, an insert by query, another bean) would stay noted absent. Only ids of the entity's
     * own id class, one of those whose {@code equals} is the database's equality (String, UUID,
     * Long, Integer), are noted; other ids are looked up as before.
     */
    protected <T extends ProjectedEntity> void preload(Class<T> type, Collection<?> ids) {
        List<?> distinct = ids.stream().filter(Objects::nonNull).distinct().toList(); // null: no entity has it
        Class<?> idClass = em.getMetamodel().entity(type).getIdType().getJavaType();
        Set<Object> absent = NOTED_ID_CLASSES.contains(idClass) ? absentIds(type, true) : null;
        PersistenceUnitUtil identifiers = em.getEntityManagerFactory().getPersistenceUnitUtil();
        for (int from = 0; from < distinct.size(); from += PreloadQueries.MAX_IDS) {
            List<?> chunk = distinct.subList(from, Math.min(from + PreloadQueries.MAX_IDS, distinct.size()));
            int size = PreloadQueries.paddedSize(chunk.size());
            TypedQuery<T> query = em.createQuery(PreloadQueries.of(em.getMetamodel(), type, size), type);
            for (int i = 0; i < size; i++) {
                query.setParameter(PreloadQueries.parameter(i), chunk.get(Math.min(i, chunk.size() - 1)));
            }
            List<T> found = query.getResultList();
            if (absent != null) {
                chunk.stream().filter(id -> id.getClass() == idClass).forEach(absent::add);
                found.forEach(e -> absent.remove(identifiers.getIdentifier(e)));
            }
        }
    }

    /**
     * The ids of this entity class that a preload of the current transaction found no row for,
     * none of them created since; null outside a transaction, or when none was noted and
     * {@code orNew} is false.
     */
    @SuppressWarnings("unchecked")
    private Set<Object> absentIds(Class<?> type, boolean orNew) {
        if (transactionRegistry == null || transactionRegistry.getTransactionKey() == null) { // no container, no transaction
            return null;
        }
        Map<Class<?>, Set<Object>> byType = (Map<Class<?>, Set<Object>>) transactionRegistry.getResource(absentKey);
        if (byType == null) {
            if (!orNew) {
                return null;
            }
            byType = new HashMap<>();
            transactionRegistry.putResource(absentKey, byType);
        }
        return orNew ? byType.computeIfAbsent(type, t -> new HashSet<>()) : byType.get(type);
    }

    /** The entity, from the persistence context or the database; null without a round trip when a preload found none. */
    private <T> T find(Class<T> type, Object id) {
        Set<Object> absent = absentIds(type, false);
        return absent != null && absent.contains(id) ? null : em.find(type, id);
    }

    private void persist(Class<?> type, ProjectedEntity entity) {
        em.persist(entity);
        Set<Object> absent = absentIds(type, false);
        if (absent != null) { // in the persistence context now, under the id it has (the caller's may be of another class)
            absent.remove(em.getEntityManagerFactory().getPersistenceUnitUtil().getIdentifier(entity));
        }
    }

    /**
     * Creates the entity for this event unless it exists (a repeated delivery): returns the new
     * entity, or null when it already existed (left unchanged).
     */
    protected <T extends ProjectedEntity> T create(Class<T> type, Object id, RecordedEvent event, Supplier<T> factory) {
        if (find(type, id) != null) {
            return null;
        }
        T entity = factory.get();
        entity.setLastEventPosition(event.position());
        persist(type, entity);
        return entity;
    }

    /** Applies the change to the entity if it exists and the event is newer; says whether it did. */
    protected <T extends ProjectedEntity> boolean update(Class<T> type, Object id, RecordedEvent event, Consumer<T> change) {
        T entity = find(type, id);
        return entity != null && entity.applyIfNewer(event, () -> change.accept(entity));
    }

    /** Creates the entity if missing, then applies the change if the event is newer; says whether it changed. */
    protected <T extends ProjectedEntity> boolean upsert(Class<T> type, Object id, RecordedEvent event, Supplier<T> factory,
                                                         Consumer<T> change) {
        T existing = find(type, id);
        if (existing != null) {
            return existing.applyIfNewer(event, () -> change.accept(existing));
        }
        T entity = factory.get();
        change.accept(entity);
        entity.setLastEventPosition(event.position());
        persist(type, entity);
        return true;
    }

    /** Deletes the entity if it exists and the event is newer; says whether it did. */
    protected <T extends ProjectedEntity> boolean delete(Class<T> type, Object id, RecordedEvent event) {
        T entity = find(type, id);
        if (entity == null || !entity.isNewer(event)) {
            return false;
        }
        em.remove(entity);
        return true;
    }
}
