package dev.tether.bench;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.tether.ConnectionSettings;
import dev.tether.PersistentConnection;
import dev.tether.testing.RabbitMqNode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Part 4: what Tether costs while idle. Threads per connected, idle holder and heap retained per
 * holder, each against the same number of raw client connections (client defaults), and CDI
 * container start time with and without Tether.
 */
final class CostBench {

    private static final int CONNECTIONS = 10;
    private static final int LAZY_HOLDERS = 1000;
    /** The holder's scheduler thread ends after 5 s without work; wait longer than that. */
    private static final Duration IDLE = Duration.ofSeconds(7);

    private CostBench() {
    }

    static void run(Report report, BenchMain.Settings settings, RabbitMqNode node, String cdiUri) throws Exception {
        if (node != null) {
            connections(report, settings, node);
        } else {
            report.skipped("cost", "threads and heap per connected holder", "RabbitMQ not installed");
        }
        lazyHolders(report);
        cdi(report, settings, cdiUri);
        report.writeCsv("cost");
    }

    private static void connections(Report report, BenchMain.Settings settings, RabbitMqNode node) throws Exception {
        Set<Thread> before = liveThreads();
        long heapBefore = usedHeapAfterGc();
        List<PersistentConnection> holders = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            holders.add(PersistentConnection.builder(
                    ConnectionSettings.builder("bench-cost-" + i).uri(node.uri()).build()).build());
        }
        for (PersistentConnection holder : holders) {
            holder.await(Duration.ofSeconds(30));
        }
        BenchMain.say("cost: " + CONNECTIONS + " holders connected; idle for " + IDLE.toSeconds() + " s");
        Thread.sleep(IDLE.toMillis());
        Set<Thread> withHolders = liveThreads();
        long heapHolders = usedHeapAfterGc();
        List<Thread> added = added(before, withHolders);
        long tetherThreads = withHolders.stream().filter(t -> t.getName().startsWith("tether-")).count();
        for (PersistentConnection holder : holders) {
            holder.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        holders.clear();
        Thread.sleep(IDLE.toMillis()); // the scheduler threads of the closing holders end too

        Set<Thread> beforeRaw = liveThreads();
        long heapBeforeRaw = usedHeapAfterGc();
        List<Connection> raws = new ArrayList<>();
        ConnectionFactory factory = node.connectionFactory(); // client defaults
        for (int i = 0; i < CONNECTIONS; i++) {
            raws.add(factory.newConnection("bench-cost-raw-" + i));
        }
        BenchMain.say("cost: " + CONNECTIONS + " raw client connections open; idle for " + IDLE.toSeconds() + " s");
        Thread.sleep(IDLE.toMillis());
        Set<Thread> withRaw = liveThreads();
        long heapRaw = usedHeapAfterGc();
        List<Thread> addedRaw = added(beforeRaw, withRaw);
        for (Connection raw : raws) {
            try {
                raw.close();
            } catch (IOException e) {
                // measuring, not testing the close
            }
        }

        double threadsPerHolder = (double) added.size() / CONNECTIONS;
        double threadsPerRaw = (double) addedRaw.size() / CONNECTIONS;
        report.add(new Report.Row("cost", "threads per idle connection (" + CONNECTIONS + " connections, idle > 5 s)",
                "threads", threadsPerHolder, Double.NaN, "raw client connection", threadsPerRaw, Double.NaN,
                "no tether- thread; no more than the client's own", tetherThreads == 0 && added.size() <= addedRaw.size(),
                "tether-* threads: " + tetherThreads + "; Tether added " + names(added) + "; raw added " + names(addedRaw)));
        double kbHolder = (heapHolders - heapBefore) / 1024.0 / CONNECTIONS;
        double kbRaw = (heapRaw - heapBeforeRaw) / 1024.0 / CONNECTIONS;
        report.add(new Report.Row("cost", "heap retained per connected holder (after GC, N=" + CONNECTIONS + ")", "KiB",
                kbHolder, Double.NaN, "raw client connection", kbRaw, Double.NaN, "", null,
                "used heap after System.gc(), N connections minus none; includes the client connection itself"));
    }

    /** Heap of holders that never connect (eager=false, never used): Tether's own objects only. */
    private static void lazyHolders(Report report) throws Exception {
        long before = usedHeapAfterGc();
        List<PersistentConnection> holders = new ArrayList<>();
        for (int i = 0; i < LAZY_HOLDERS; i++) {
            holders.add(PersistentConnection.builder(ConnectionSettings.builder("bench-lazy-" + i)
                    .uri("amqp://guest:guest@127.0.0.1:1").eager(false).build()).build());
        }
        long after = usedHeapAfterGc();
        report.add(new Report.Row("cost", "heap per holder not yet connected (eager=false, N=" + LAZY_HOLDERS + ")", "KiB",
                (after - before) / 1024.0 / LAZY_HOLDERS, Double.NaN, "", Double.NaN, Double.NaN, "", null,
                "Tether's own objects: settings, state, scheduler (no thread), listeners"));
        for (PersistentConnection holder : holders) {
            holder.close();
        }
    }

    private static void cdi(Report report, BenchMain.Settings settings, String uri) throws Exception {
        int boots = settings.cdiBoots();
        BenchMain.say("cost: CDI container boots, Weld SE + SmallRye Config, with and without Tether (" + boots + " each)");
        for (int i = 0; i < 2; i++) { // warm-up
            CdiBoot.boot(false, uri);
            CdiBoot.boot(true, uri);
        }
        List<Double> with = new ArrayList<>();
        List<Double> without = new ArrayList<>();
        List<Double> shutdownWith = new ArrayList<>();
        for (int i = 0; i < boots; i++) {
            without.add(CdiBoot.boot(false, uri).bootMillis());
            CdiBoot.Times times = CdiBoot.boot(true, uri);
            with.add(times.bootMillis());
            shutdownWith.add(times.shutdownMillis());
        }
        Stats w = Stats.of(with);
        Stats wo = Stats.of(without);
        report.add(new Report.Row("cost", "CDI container start, warm JVM (Weld SE + SmallRye Config)", "ms",
                w.median(), w.p90(), "same container without Tether", wo.median(), wo.p90(), "", null,
                boots + " boots each, alternating, after 2 warm-up boots; Tether's shutdown median "
                        + Report.fmt(Stats.of(shutdownWith).median()) + " ms"));

        List<Double> coldWith = new ArrayList<>();
        List<Double> coldWithout = new ArrayList<>();
        for (int i = 0; i < settings.coldBoots(); i++) {
            coldWithout.add(coldBoot(false, uri));
            coldWith.add(coldBoot(true, uri));
        }
        Stats cw = Stats.of(coldWith);
        Stats cwo = Stats.of(coldWithout);
        report.add(new Report.Row("cost", "CDI container start, fresh JVM", "ms", cw.median(), cw.p90(),
                "same container without Tether", cwo.median(), cwo.p90(), "", null,
                settings.coldBoots() + " fresh JVMs each; container initialize() only, not the JVM start"));
    }

    private static double coldBoot(boolean tether, String uri) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=error",
                "-Djava.util.logging.config.file=/dev/null",
                "-cp", System.getProperty("java.class.path"), CdiBoot.class.getName(), tether ? "with" : "without", uri)
                .redirectErrorStream(true)
                .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(2, TimeUnit.MINUTES);
        for (String line : out.split("\n")) {
            if (line.startsWith("cdi-boot-ms=")) {
                return Double.parseDouble(line.substring("cdi-boot-ms=".length()).strip());
            }
        }
        throw new IllegalStateException("cold CDI boot printed no time:\n" + out);
    }

    private static Set<Thread> liveThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).collect(Collectors.toSet());
    }

    private static List<Thread> added(Set<Thread> before, Set<Thread> after) {
        return after.stream().filter(t -> !before.contains(t)).toList();
    }

    /** Thread names with digits folded, counted: {@code "AMQP Connection 127.0.0.1:#" x10}. */
    private static String names(List<Thread> threads) {
        Map<String, Long> counts = new TreeMap<>(threads.stream().collect(
                Collectors.groupingBy(t -> t.getName().replaceAll("[0-9]+", "#"), Collectors.counting())));
        return counts.isEmpty() ? "none" : counts.entrySet().stream()
                .map(e -> "'" + e.getKey() + "' x" + e.getValue()).collect(Collectors.joining(", "));
    }

    static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
