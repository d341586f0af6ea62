package dev.tether.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The rooms of {@code src/main/java} and what each may import, read from the sources (the
 * {@code import} lines and fully qualified names in code). The table is the one in
 * {@code docs/architecture.md}, and each room's {@code package-info} repeats its row; a room added
 * without a row fails here.
 */
class ArchitectureTest {

    static final Path SOURCES = Path.of("src/main/java");

    private static final String API = "dev.tether";
    private static final String I = "dev.tether.internal.";

    /** Each room and the Tether rooms it may use (besides itself). */
    static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry(API, Set.of(I + "values", I + "holder")),
            Map.entry(I + "values", Set.of()),
            Map.entry(I + "threads", Set.of()),
            Map.entry(I + "access", Set.of(API, I + "values")),
            Map.entry(I + "connect", Set.of(API, I + "values", I + "threads")),
            Map.entry(I + "metrics", Set.of(API, I + "values")),
            Map.entry(I + "channels", Set.of(API, I + "values", I + "threads", I + "access", I + "metrics")),
            Map.entry(I + "publish", Set.of(API, I + "values", I + "threads", I + "access", I + "channels",
                    I + "metrics")),
            Map.entry(I + "consume", Set.of(API, I + "values", I + "access", I + "metrics", I + "connect",
                    I + "threads")),
            Map.entry(I + "holder", Set.of(API, I + "values", I + "threads", I + "access", I + "connect",
                    I + "channels", I + "publish", I + "consume", I + "metrics")),
            Map.entry(I + "config", Set.of(API, I + "values", I + "connect")),
            Map.entry(I + "cdi", Set.of(API, I + "values", I + "access", I + "config", I + "holder", I + "metrics")),
            Map.entry(I + "cdi.build", Set.of(API, I + "cdi", I + "config")),
            Map.entry(I + "health", Set.of(API, I + "values", I + "cdi", I + "config")));

    /** What of {@code holder} the public API may use: the builder's factory, nothing else. */
    static final Set<String> API_INTO_HOLDER = Set.of(I + "holder.HolderFactory");

    /** Framework APIs and the only rooms that may touch them. */
    static final Map<String, Set<String>> FRAMEWORKS = Map.of(
            "jakarta.enterprise.inject", Set.of(I + "cdi", I + "cdi.build", I + "health"),
            "jakarta.enterprise.event", Set.of(I + "cdi"),
            "jakarta.enterprise.context", Set.of(I + "cdi", I + "cdi.build", I + "health"),
            "org.eclipse.microprofile.config", Set.of(I + "config", I + "cdi", I + "cdi.build", I + "health"),
            "org.eclipse.microprofile.health", Set.of(I + "health"),
            "io.opentelemetry", Set.of(I + "metrics", API, I + "holder"));

    @Test
    void everyRoomImportsOnlyWhatItsPackageInfoAllows() throws IOException {
        List<String> violations = violations(sources(SOURCES));
        assertEquals(List.of(), violations, "imports across rooms that the layout forbids");
    }

    @Test
    void everyRoomHasAPackageInfoAndARow() throws IOException {
        Map<String, List<Source>> rooms = byPackage(sources(SOURCES));
        for (String room : rooms.keySet()) {
            assertTrue(ALLOWED.containsKey(room), "room " + room + " has no row in ArchitectureTest.ALLOWED");
            assertTrue(Files.exists(SOURCES.resolve(room.replace('.', '/')).resolve("package-info.java")),
                    "room " + room + " has no package-info.java saying what it owns and may use");
        }
    }

    @Test
    void noImportCircleBetweenRoomsButTheBuildersFactory() throws IOException {
        Map<String, Set<String>> graph = graph(sources(SOURCES));
        graph.get(API).remove(I + "holder"); // the one allowed exception: PersistentConnection.builder
        List<String> cycles = cycles(graph);
        assertEquals(List.of(), cycles, "import circles between rooms");
    }

    @Test
    void aForbiddenImportIsCaught() {
        Source pool = new Source(I + "channels", "ChannelPool",
                "package dev.tether.internal.channels;\nimport dev.tether.internal.holder.ConnectionHolder;\n"
                        + "class ChannelPool { }\n");
        Source api = new Source(API, "Publisher",
                "package dev.tether;\nimport dev.tether.internal.holder.Reconnector;\ninterface Publisher { }\n");
        Source core = new Source(I + "holder", "Reconnector",
                "package dev.tether.internal.holder;\nclass Reconnector { jakarta.enterprise.inject.Instance<Object> x; }\n");
        Source values = new Source(I + "values", "Check",
                "package dev.tether.internal.values;\nimport dev.tether.FailureKind;\nclass Check { }\n");
        assertEquals(4, violations(List.of(pool, api, core, values)).size(), violations(List.of(pool, api, core, values)).toString());
        Map<String, Set<String>> circle = Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"));
        assertEquals(1, cycles(circle).size());
    }

    record Source(String room, String type, String text) {
        /** @return every {@code dev.tether...}, jakarta, MicroProfile or OpenTelemetry name used */
        Set<String> uses() {
            Set<String> used = new TreeSet<>();
            String code = text.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
            var names = java.util.regex.Pattern.compile(
                    "\\b((?:dev\\.tether|jakarta|org\\.eclipse\\.microprofile|io\\.opentelemetry)(?:\\.[a-z]\\w*)*)(?:\\.([A-Z]\\w*))?")
                    .matcher(code);
            while (names.find()) {
                if (!names.group(0).startsWith("dev.tether") || names.group(2) != null) {
                    used.add(names.group(2) == null ? names.group(1) : names.group(1) + "." + names.group(2));
                }
            }
            return used;
        }
    }

    static List<String> violations(List<Source> sources) {
        List<String> found = new ArrayList<>();
        for (Source source : sources) {
            for (String used : source.uses()) {
                String room = roomOf(used);
                if (used.startsWith("dev.tether")) {
                    if (room.equals(source.room())) {
                        continue;
                    }
                    boolean allowed = ALLOWED.getOrDefault(source.room(), Set.of()).contains(room)
                            && (!source.room().equals(API) || !room.startsWith(I) || room.equals(I + "values")
                                    || API_INTO_HOLDER.contains(used));
                    if (!allowed) {
                        found.add(source.room() + "." + source.type() + " uses " + used);
                    }
                } else {
                    FRAMEWORKS.forEach((framework, rooms) -> {
                        if (used.startsWith(framework) && !rooms.contains(source.room())) {
                            found.add(source.room() + "." + source.type() + " uses " + used);
                        }
                    });
                }
            }
        }
        return found;
    }

    /** @return the package of a used name: the name less its type, if it ends in one */
    private static String roomOf(String used) {
        int last = used.lastIndexOf('.');
        return last > 0 && Character.isUpperCase(used.charAt(last + 1)) ? used.substring(0, last) : used;
    }

    static Map<String, Set<String>> graph(List<Source> sources) {
        Map<String, Set<String>> graph = new TreeMap<>();
        for (Source source : sources) {
            Set<String> edges = graph.computeIfAbsent(source.room(), k -> new TreeSet<>());
            for (String used : source.uses()) {
                String room = roomOf(used);
                if (used.startsWith("dev.tether") && !room.equals(source.room())) {
                    edges.add(room);
                }
            }
        }
        return graph;
    }

    /** @return one line per strongly connected set of more than one room (Tarjan) */
    static List<String> cycles(Map<String, Set<String>> graph) {
        List<String> found = new ArrayList<>();
        Map<String, Integer> index = new TreeMap<>();
        Map<String, Integer> low = new TreeMap<>();
        List<String> stack = new ArrayList<>();
        for (String node : graph.keySet()) {
            if (!index.containsKey(node)) {
                strongConnect(node, graph, index, low, stack, found);
            }
        }
        return found;
    }

    private static void strongConnect(String node, Map<String, Set<String>> graph, Map<String, Integer> index,
            Map<String, Integer> low, List<String> stack, List<String> found) {
        index.put(node, index.size());
        low.put(node, index.get(node));
        stack.add(node);
        for (String next : graph.getOrDefault(node, Set.of())) {
            if (!index.containsKey(next)) {
                strongConnect(next, graph, index, low, stack, found);
                low.put(node, Math.min(low.get(node), low.get(next)));
            } else if (stack.contains(next)) {
                low.put(node, Math.min(low.get(node), index.get(next)));
            }
        }
        if (low.get(node).equals(index.get(node))) {
            List<String> component = new ArrayList<>();
            String member;
            do {
                member = stack.remove(stack.size() - 1);
                component.add(member);
            } while (!member.equals(node));
            if (component.size() > 1) {
                found.add(String.join(" <-> ", new TreeSet<>(component)));
            }
        }
    }

    static List<Source> sources(Path root) throws IOException {
        List<Source> sources = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String room = root.relativize(file.getParent()).toString().replace('/', '.');
                String type = file.getFileName().toString().replace(".java", "");
                sources.add(new Source(room, type, Files.readString(file)));
            }
        }
        return sources;
    }

    private static Map<String, List<Source>> byPackage(List<Source> sources) {
        Map<String, List<Source>> rooms = new TreeMap<>();
        sources.forEach(s -> rooms.computeIfAbsent(s.room(), k -> new ArrayList<>()).add(s));
        return rooms;
    }
}
