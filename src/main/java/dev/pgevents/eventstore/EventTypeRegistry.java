package dev.pgevents.eventstore;

import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Maps stored type names to event record classes and back, and extracts tags from events.
 * Registering a sealed interface registers every record it permits (recursively). Thread-safe;
 * registration is idempotent for the same class and fails for a name taken by another class.
 */
public final class EventTypeRegistry {

    private final Map<String, Class<? extends Event>> byName = new ConcurrentHashMap<>();
    private final Map<Class<?>, String> byClass = new ConcurrentHashMap<>();

    public EventTypeRegistry() {
    }

    /** A registry with these records or sealed families registered. */
    @SafeVarargs
    public static EventTypeRegistry of(Class<? extends Event>... typesOrFamilies) {
        EventTypeRegistry r = new EventTypeRegistry();
        for (Class<? extends Event> c : typesOrFamilies) {
            r.register(c);
        }
        return r;
    }

    /** Registers an event record, or every record of a sealed family. Returns this registry. */
    public synchronized EventTypeRegistry register(Class<? extends Event> typeOrFamily) {
        for (Class<? extends Event> record : recordsOf(typeOrFamily)) {
            String name = typeNameOf(record);
            Class<? extends Event> existing = byName.get(name);
            if (existing != null && existing != record) {
                throw new InvalidInputException("type name '" + name + "' of " + record.getName()
                        + " is already taken by " + existing.getName() + " (use @EventType to rename one)");
            }
            TAG_SOURCES.get(record); // fail early on unsupported tag sources
            byName.put(name, record);
            byClass.put(record, name);
        }
        return this;
    }

    /** The stored type name of a registered event class. */
    public String typeName(Class<?> eventClass) {
        String name = byClass.get(eventClass);
        if (name == null) {
            throw new InvalidInputException("event class " + eventClass.getName()
                    + " is not registered (register it or its sealed family with the EventTypeRegistry)");
        }
        return name;
    }

    /** The class registered for a stored type name, if any. */
    public Optional<Class<? extends Event>> classOf(String typeName) {
        return Optional.ofNullable(byName.get(typeName));
    }

    public Set<String> typeNames() {
        return Collections.unmodifiableSet(new TreeSet<>(byName.keySet()));
    }

    /** The tags of an event: validated, distinct, sorted. */
    public Set<String> tagsOf(Event event) {
        return tagsFor(event);
    }

    // ---- static derivations, usable without a registry (the Given-When-Then harness uses them)

    /** The type name a class gets: {@link EventType#value()} or the simple class name. */
    public static String typeNameOf(Class<?> eventClass) {
        EventType annotation = eventClass.getAnnotation(EventType.class);
        String name = annotation != null ? annotation.value() : eventClass.getSimpleName();
        try {
            return Limits.checkType(name);
        } catch (InvalidInputException e) {
            throw new InvalidInputException(eventClass.getName() + ": " + e.getMessage());
        }
    }

    /** The records of a sealed family (recursively), or the record itself. */
    @SuppressWarnings("unchecked")
    public static List<Class<? extends Event>> recordsOf(Class<? extends Event> typeOrFamily) {
        if (typeOrFamily == null) {
            throw new InvalidInputException("event class is null");
        }
        List<Class<? extends Event>> out = new ArrayList<>();
        if (typeOrFamily.isRecord()) {
            out.add(typeOrFamily);
        } else if (typeOrFamily.isSealed()) {
            for (Class<?> sub : typeOrFamily.getPermittedSubclasses()) {
                out.addAll(recordsOf((Class<? extends Event>) sub));
            }
        } else {
            throw new InvalidInputException(typeOrFamily.getName()
                    + " is neither a record nor a sealed interface of records");
        }
        return out;
    }

    /** The tags of an event, from its {@link Tag} components and methods: validated, distinct, sorted. */
    public static Set<String> tagsFor(Event event) {
        if (event == null) {
            throw new InvalidInputException("event is null");
        }
        SortedSet<String> tags = new TreeSet<>();
        for (TagSource source : TAG_SOURCES.get(event.getClass())) {
            Object value;
            try {
                value = source.method.invoke(event);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new InvalidInputException("cannot read tag source " + source.describe() + ": " + e);
            }
            addTags(tags, source, value, true);
        }
        if (tags.size() > Limits.MAX_TAGS_PER_EVENT) {
            throw new InvalidInputException(event.getClass().getName() + " yields " + tags.size()
                    + " tags, the limit is " + Limits.MAX_TAGS_PER_EVENT);
        }
        return Collections.unmodifiableSortedSet(tags);
    }

    private static void addTags(Set<String> tags, TagSource source, Object value, boolean top) {
        if (value == null) {
            throw new InvalidInputException("tag source " + source.describe() + " is null");
        }
        if (top && value instanceof Collection<?> c) {
            for (Object element : c) {
                addTags(tags, source, element, false);
            }
            return;
        }
        if (top && value.getClass().isArray()) {
            int n = Array.getLength(value);
            for (int i = 0; i < n; i++) {
                addTags(tags, source, Array.get(value, i), false);
            }
            return;
        }
        String text;
        if (value instanceof String || value instanceof Number || value instanceof UUID
                || value instanceof Boolean || value instanceof Character) {
            text = value.toString();
        } else if (value instanceof Enum<?> e) {
            text = e.name();
        } else {
            throw new InvalidInputException("tag source " + source.describe() + " has a value of unsupported type "
                    + value.getClass().getName() + " (String, Number, UUID, Enum, or collections of them)");
        }
        if (text.isEmpty()) {
            throw new InvalidInputException("tag source " + source.describe() + " is empty");
        }
        String tag = source.prefix + ":" + text;
        try {
            tags.add(Limits.checkTag(tag));
        } catch (InvalidInputException e) {
            throw new InvalidInputException("tag source " + source.describe() + ": " + e.getMessage());
        }
    }

    private record TagSource(Class<?> owner, Method method, String prefix) {
        String describe() {
            return owner.getSimpleName() + "." + method.getName();
        }
    }

    private static final ClassValue<List<TagSource>> TAG_SOURCES = new ClassValue<>() {
        @Override
        protected List<TagSource> computeValue(Class<?> type) {
            Map<Method, TagSource> sources = new LinkedHashMap<>();
            if (type.isRecord()) {
                for (RecordComponent rc : type.getRecordComponents()) {
                    Tag tag = rc.getAnnotation(Tag.class);
                    if (tag != null) {
                        Method m = rc.getAccessor();
                        sources.put(m, source(type, m, tag, rc.getName()));
                    }
                }
            }
            for (Method m : type.getDeclaredMethods()) {
                Tag tag = m.getAnnotation(Tag.class);
                if (tag != null && !sources.containsKey(m)) {
                    if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers())
                            || m.getReturnType() == void.class) {
                        throw new InvalidInputException("@Tag method " + type.getSimpleName() + "." + m.getName()
                                + " must be an instance method without parameters that returns a value");
                    }
                    sources.put(m, source(type, m, tag, m.getName()));
                }
            }
            return List.copyOf(sources.values());
        }

        private TagSource source(Class<?> type, Method m, Tag tag, String defaultPrefix) {
            m.setAccessible(true);
            String prefix = tag.value().isEmpty() ? defaultPrefix : tag.value();
            return new TagSource(type, m, prefix);
        }
    };
}
