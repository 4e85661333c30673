package dev.pgevents.readmodel;

import jakarta.persistence.metamodel.EntityType;
import jakarta.persistence.metamodel.Metamodel;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The queries of {@link JpaReadModel#preload}: {@code SELECT e FROM <entity> e WHERE e.<id> IN
 * (:id0, ..., :id<n-1>)}, n a power of two up to {@value #MAX_IDS} (the last id repeated to fill
 * it). One named parameter per id, not one list parameter: Hibernate translates a query with a
 * list parameter again at every execution (three quarters of a preload's CPU,
 * docs/benchmarks.md), one with single parameters once per query text.
 */
final class PreloadQueries {

    /** Ids per query; a preload of more runs several. */
    static final int MAX_IDS = 512;

    private static final List<String> PARAMETERS = IntStream.range(0, MAX_IDS).mapToObj(i -> "id" + i).toList();

    private record Shape(Class<?> type, int size) {
    }

    private static final Map<Shape, String> QUERIES = new ConcurrentHashMap<>();

    private PreloadQueries() {
    }

    /** The query for this many ids (a {@link #paddedSize}) of this entity. */
    static String of(Metamodel metamodel, Class<?> type, int size) {
        return QUERIES.computeIfAbsent(new Shape(type, size), shape -> {
            EntityType<?> entity = metamodel.entity(type);
            return text(entity.getName(), entity.getId(entity.getIdType().getJavaType()).getName(), size);
        });
    }

    static String text(String entityName, String idName, int size) {
        return PARAMETERS.subList(0, size).stream().map(p -> ":" + p).collect(Collectors.joining(", ",
                "SELECT e FROM " + entityName + " e WHERE e." + idName + " IN (", ")"));
    }

    /** The name of the i-th id's parameter. */
    static String parameter(int i) {
        return PARAMETERS.get(i);
    }

    /** The next power of two, so that there are few query texts to translate. */
    static int paddedSize(int ids) {
        return ids <= 1 ? 1 : Integer.highestOneBit(ids - 1) << 1;
    }
}
