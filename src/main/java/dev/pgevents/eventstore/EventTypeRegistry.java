package dev.pgevents.eventstore;

import jakarta.json.JsonObject;
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

    /** A registered event class: its stored type name and the current version of its payload. */
    record Registered(Class<? extends Event> eventClass, String name, int version) {
    }

    /** A stored type name and version. */
    private record Form(String type, int version) {
    }

    private final Map<String, Registered> byName = new ConcurrentHashMap<>();
    private final Map<Class<?>, Registered> byClass = new ConcurrentHashMap<>();
    /** Upcasters by the form they read, and by the form they produce. */
    private final Map<Form, Upcaster> upcasterReading = new ConcurrentHashMap<>();
    private final Map<Form, Upcaster> upcasterProducing = new ConcurrentHashMap<>();
    /** Every stored form a registered class reads, with the steps to its current form (none for that one). */
    private final Map<Form, List<Upcaster>> readable = new ConcurrentHashMap<>();
    /** Old type names (renamed by an upcaster) and the class that carries them now. */
    private final Map<String, Registered> byOldName = new ConcurrentHashMap<>();
    /** The old names of each current type name that has some. */
    private final Map<String, Set<String>> oldNamesOf = new ConcurrentHashMap<>();

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

    /**
     * Registers an event record, or every record of a sealed family. Returns this registry. A
     * record at a version above 1 needs the upcasters of its whole chain registered first, from
     * version 1 up (see {@link #register(Upcaster)}).
     */
    public synchronized EventTypeRegistry register(Class<? extends Event> typeOrFamily) {
        for (Class<? extends Event> record : recordsOf(typeOrFamily)) {
            if (byClass.containsKey(record)) {
                continue;
            }
            Registered r = new Registered(record, typeNameOf(record), versionOf(record));
            Registered existing = byName.get(r.name());
            if (existing != null) {
                throw new InvalidInputException("type name '" + r.name() + "' of " + record.getName()
                        + " is already taken by " + existing.eventClass().getName() + " (use @EventType to rename one)");
            }
            Registered renamed = byOldName.get(r.name());
            if (renamed != null) {
                throw new InvalidInputException("type name '" + r.name() + "' of " + record.getName() + " is an old name of '"
                        + renamed.name() + "' (an upcaster renames it): stored events of that name are " + renamed.name() + " events");
            }
            TAG_SOURCES.get(record); // fail early on unsupported tag sources
            Map<Form, List<Upcaster>> forms = chainOf(r);
            for (Form f : forms.keySet()) {
                if (!f.type().equals(r.name()) && byName.containsKey(f.type())) {
                    throw new InvalidInputException("an upcaster renames '" + f.type() + "' to '" + r.name()
                            + "', but '" + f.type() + "' is the type name of " + byName.get(f.type()).eventClass().getName());
                }
            }
            readable.putAll(forms);
            for (Form f : forms.keySet()) {
                if (!f.type().equals(r.name())) {
                    byOldName.put(f.type(), r);
                    oldNamesOf.computeIfAbsent(r.name(), n -> new TreeSet<>()).add(f.type());
                }
            }
            byName.put(r.name(), r);
            byClass.put(record, r);
        }
        return this;
    }

    /**
     * The stored forms a class reads, each with its steps to the current form: walks back from the
     * current version to version 1 through the upcasters producing each version.
     */
    private Map<Form, List<Upcaster>> chainOf(Registered r) {
        for (Upcaster u : upcasterReading.values()) {
            if ((u.type().equals(r.name()) || u.toType().equals(r.name())) && u.fromVersion() >= r.version()) {
                throw new InvalidInputException("an upcaster reads version " + u.fromVersion() + " of '" + u.type()
                        + "', but " + r.eventClass().getName() + " ('" + r.name() + "') is at version " + r.version()
                        + ": raise its @EventType(version = ...) to the version the last upcaster produces");
            }
        }
        List<Form> forms = new ArrayList<>();
        List<Upcaster> steps = new ArrayList<>();
        Form f = new Form(r.name(), r.version());
        forms.add(f);
        while (f.version() > 1) {
            Upcaster u = upcasterProducing.get(f);
            if (u == null) {
                throw new InvalidInputException("event type '" + r.name() + "' is at version " + r.version()
                        + ", but no upcaster produces version " + f.version() + " of '" + f.type() + "' from version "
                        + (f.version() - 1) + ": the chain has a gap (register Upcaster.of(\"" + f.type() + "\", "
                        + (f.version() - 1) + ", ...), or a renaming one, before the class)");
            }
            f = new Form(u.type(), u.fromVersion());
            forms.add(f);
            steps.add(0, u);
        }
        Map<Form, List<Upcaster>> out = new LinkedHashMap<>();
        for (Form form : forms) {
            out.put(form, List.copyOf(steps.subList(form.version() - 1, steps.size())));
        }
        return out;
    }

    /**
     * Registers one step of a type's schema evolution. Upcasters come before the classes they lead
     * to: a class's registration checks its whole chain. Refused: a second step reading or
     * producing the same version of a type, or a step touching a type already registered.
     */
    public synchronized EventTypeRegistry register(Upcaster upcaster) {
        if (upcaster == null) {
            throw new InvalidInputException("upcaster is null");
        }
        Limits.checkType(upcaster.type());
        Limits.checkType(upcaster.toType());
        if (upcaster.fromVersion() < 1) {
            throw new InvalidInputException("the upcaster of '" + upcaster.type() + "' reads version "
                    + upcaster.fromVersion() + ": versions start at 1");
        }
        Form reads = new Form(upcaster.type(), upcaster.fromVersion());
        Form produces = new Form(upcaster.toType(), upcaster.fromVersion() + 1);
        if (upcasterReading.get(reads) == upcaster) {
            return this;
        }
        for (String name : List.of(upcaster.type(), upcaster.toType())) {
            if (byName.containsKey(name) || byOldName.containsKey(name)) {
                throw new InvalidInputException("the upcaster of '" + upcaster.type() + "' version " + upcaster.fromVersion()
                        + " comes after the registration of '" + name + "': register upcasters before the event classes");
            }
        }
        if (upcasterReading.containsKey(reads)) {
            throw new InvalidInputException("two upcasters read version " + reads.version() + " of '" + reads.type() + "'");
        }
        if (upcasterProducing.containsKey(produces)) {
            throw new InvalidInputException("two upcasters produce version " + produces.version() + " of '" + produces.type() + "'");
        }
        upcasterReading.put(reads, upcaster);
        upcasterProducing.put(produces, upcaster);
        return this;
    }

    /** The stored type name of a registered event class. */
    public String typeName(Class<?> eventClass) {
        return registered(eventClass).name();
    }

    /** The current version of a registered event class ({@link EventType#version()}). */
    public int version(Class<?> eventClass) {
        return registered(eventClass).version();
    }

    Registered registered(Class<?> eventClass) {
        Registered r = byClass.get(eventClass);
        if (r == null) {
            throw new InvalidInputException("event class " + eventClass.getName()
                    + " is not registered (register it or its sealed family with the EventTypeRegistry)");
        }
        return r;
    }

    /** The class registered under a current type name, if any (old names: {@link #currentNameOf}). */
    public Optional<Class<? extends Event>> classOf(String typeName) {
        Registered r = byName.get(typeName);
        return r == null ? Optional.empty() : Optional.of(r.eventClass());
    }

    /** The registration of a current type name, or null. */
    Registered current(String typeName) {
        return byName.get(typeName);
    }

    /** The registration carrying a stored type name, current or old, or null. */
    Registered carrying(String storedType) {
        Registered r = byName.get(storedType);
        return r != null ? r : byOldName.get(storedType);
    }

    /** The current name of an old type name (renamed by an upcaster), if it is one. */
    public Optional<String> currentNameOf(String oldTypeName) {
        Registered r = byOldName.get(oldTypeName);
        return r == null ? Optional.empty() : Optional.of(r.name());
    }

    /**
     * The upcasters that turn a stored payload of this type name and version into its class's
     * current shape, in order (empty list: it is current); empty when the application does not
     * read this form (an unknown type, or a version it does not know, such as one written by a
     * newer application).
     */
    public Optional<List<Upcaster>> upcastersFrom(String storedType, int storedVersion) {
        return Optional.ofNullable(readable.get(new Form(storedType, storedVersion)));
    }

    /**
     * A stored payload of a registered type in its current shape.
     *
     * @throws InvalidInputException when the application does not read this version, or a step failed
     */
    public JsonObject upcast(String storedType, int storedVersion, JsonObject payload) {
        List<Upcaster> steps = upcastersFrom(storedType, storedVersion)
                .orElseThrow(() -> new InvalidInputException(unreadableVersion(storedType, storedVersion)));
        return applySteps(steps, payload);
    }

    /** Applies the steps in order; a failing or null-returning step is an InvalidInputException naming it. */
    static JsonObject applySteps(List<Upcaster> steps, JsonObject payload) {
        JsonObject out = payload;
        for (Upcaster step : steps) {
            try {
                out = step.upcast(out);
            } catch (RuntimeException e) {
                // JSON-P reports a missing field as a NullPointerException and a field of another
                // JSON type as a ClassCastException: their messages name Java classes
                String why = e instanceof NullPointerException || e instanceof ClassCastException || e.getMessage() == null
                        ? "a field it reads is missing or of another JSON type" : e.getMessage();
                throw new InvalidInputException("the upcaster from version " + step.fromVersion() + " of '" + step.type()
                        + "' failed: " + why, e);
            }
            if (out == null) {
                throw new InvalidInputException("the upcaster from version " + step.fromVersion() + " of '" + step.type()
                        + "' returned no payload");
            }
        }
        return out;
    }

    /** Why a stored version of a known type name is not read, in the API's words. */
    String unreadableVersion(String storedType, int storedVersion) {
        Registered r = carrying(storedType);
        if (r == null) {
            return "no registered event class carries the type name '" + storedType + "'";
        }
        int lowest = Integer.MAX_VALUE;
        int highest = 0;
        for (Form f : readable.keySet()) {
            if (f.type().equals(storedType)) {
                lowest = Math.min(lowest, f.version());
                highest = Math.max(highest, f.version());
            }
        }
        String reads = lowest == highest ? "version " + lowest : "versions " + lowest + " to " + highest;
        return "version " + storedVersion + " of event type '" + storedType + "' is not one this application reads (it reads "
                + reads + " of '" + storedType + "'" + (r.name().equals(storedType) ? ""
                : ", renamed to '" + r.name() + "' at version " + (highest + 1))
                + (storedVersion > highest ? "; a higher version was written by a newer release of the application)" : ")");
    }

    /**
     * The query as the stored events carry it: every type name of an item with the old names it
     * had (renamed by an upcaster), so a query for the current name also finds events stored
     * under an old one. The query itself when no type in it was renamed.
     */
    public EventQuery withOldNames(EventQuery query) {
        if (oldNamesOf.isEmpty()) {
            return query;
        }
        List<QueryItem> items = null;
        for (int i = 0; i < query.items().size(); i++) {
            QueryItem item = query.items().get(i);
            Set<String> types = null;
            for (String type : item.types()) {
                Set<String> old = oldNamesOf.get(type);
                if (old != null) {
                    if (types == null) {
                        types = new TreeSet<>(item.types());
                    }
                    types.addAll(old);
                }
            }
            if (types != null && items == null) {
                items = new ArrayList<>(query.items().subList(0, i));
            }
            if (items != null) {
                items.add(types == null ? item : new QueryItem(types, item.tags()));
            }
        }
        return items == null ? query : new EventQuery(items);
    }

    public Set<String> typeNames() {
        return Collections.unmodifiableSet(new TreeSet<>(byName.keySet()));
    }

    /** The tags of an event: validated, distinct, sorted. */
    public Set<String> tagsOf(Event event) {
        return tagsFor(event);
    }

    // ---- static derivations, usable without a registry (the Given-When-Then harness uses them)

    /** The type name a class gets: {@link EventType#value()}, or the simple class name when that is empty or absent. */
    public static String typeNameOf(Class<?> eventClass) {
        EventType annotation = eventClass.getAnnotation(EventType.class);
        String name = annotation != null && !annotation.value().isEmpty() ? annotation.value() : eventClass.getSimpleName();
        try {
            return Limits.checkType(name);
        } catch (InvalidInputException e) {
            throw new InvalidInputException(eventClass.getName() + ": " + e.getMessage());
        }
    }

    /** The current version of a class's payload: {@link EventType#version()}, 1 without the annotation. */
    public static int versionOf(Class<?> eventClass) {
        EventType annotation = eventClass.getAnnotation(EventType.class);
        int version = annotation == null ? 1 : annotation.version();
        if (version < 1) {
            throw new InvalidInputException(eventClass.getName() + ": @EventType version " + version + " (versions start at 1)");
        }
        return version;
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
