package dev.tether.bench;

import dev.tether.testing.QpidBroker;
import dev.tether.testing.RabbitMqNode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Tether's benchmarks against the raw RabbitMQ client and its own automatic recovery, side by side
 * in one run. Not a test: it runs on demand, prints a table and never fails on a timing.
 *
 * <pre>./mvnw -Pbench</pre>
 *
 * <ol>
 *   <li>hot: {@code holder.get()} and {@code current()} at 1, 2 and 8 threads (JMH, GC profiler);
 *   <li>channel: {@code createChannel()} and publishing through the injected proxy against a raw
 *       connection (JMH, then the same interleaved in one JVM; RabbitMQ);
 *   <li>recovery: recovery latency after {@code close_all_connections}, after a ~3 s outage, and
 *       for the first connection when the application starts before the broker (RabbitMQ);
 *   <li>waiters: 10,000 threads in {@code await()} released when the connection is established;
 *   <li>cost: threads and heap per idle connection, CDI container start with and without Tether;
 *   <li>publish: confirmed publishing of 1 KiB persistent messages at 1, 8 and 64 threads, Tether's
 *       {@code Publisher} beside Spring AMQP's {@code RabbitTemplate} and the raw client's
 *       {@code waitForConfirms} per message, and the pool's borrow/return overhead (RabbitMQ;
 *       {@link PublishBench});
 *   <li>consume: consuming 1 KiB messages with manual acks at prefetch 50 and 250 with 1 and 8
 *       handlers, Tether's {@code Consumers.subscribe} beside the raw client's {@code basicConsume} and
 *       Spring AMQP's {@code SimpleMessageListenerContainer}, then the time consuming takes to resume
 *       after {@code Connected} (RabbitMQ; {@link ConsumeBench}).
 * </ol>
 *
 * <p>The RabbitMQ parts use a private node ({@code src/test-support/java/dev/tether/testing/RabbitMqNode.java}) and
 * are skipped, saying so, when RabbitMQ is not installed. Output: the table on standard output,
 * and under {@code target/bench/}: one CSV file per part ({@code hot.csv}, {@code channel.csv},
 * {@code recovery.csv}, {@code waiters.csv}, {@code cost.csv}, {@code publish.csv}
 * with the publish part's cells in {@code publish-cells.csv}, {@code consume.csv} with its rounds in
 * {@code consume-cells.csv}), all rows in {@code summary.csv},
 * the printed table in {@code summary.txt}, the machine in {@code machine.txt}, raw samples in
 * {@code recovery-samples.csv} and {@code channel-paired-samples.csv}, and JMH's own CSV results
 * in {@code jmh-hot.csv} and {@code jmh-channel.csv}.
 *
 * <p>Options: {@code -Dbench.parts=hot,channel,recovery,waiters,cost,publish,consume} (default {@code all}) and
 * {@code -Dbench.java=/path/to/bin/java} on the Maven command line; the environment variables
 * {@code BENCH_QUICK=1} (short JMH iterations, 3 rounds, for development) and
 * {@code BENCH_ROUNDS=<n>} (recovery rounds, default 20), {@code BENCH_PUBLISH_ROUNDS=<n>} (publish rounds,
 * default 6), {@code BENCH_PUBLISH_THREADS=1,8,64} (the publish part's thread counts) and
 * {@code BENCH_PUBLISH_TIMER=1} (the publish part compares only the blocking publish with
 * {@code publishAsync().get()}, which schedules a timer per publish), {@code BENCH_CONSUME_MESSAGES=<n>}
 * (preloaded messages per consume cell, default 50,000), {@code BENCH_CONSUME_ROUNDS=<n>} (default 3)
 * {@code BENCH_CONSUME_PREFETCH=50,250} and {@code BENCH_CONSUME_HANDLERS=1,8} (the consume part's cells)
 * and {@code BENCH_RESUME_ROUNDS=<n>} (resume measurements, default 20).
 */
public final class BenchMain {

    /** System property telling the JMH forks the private RabbitMQ node's URI. */
    static final String URI_PROPERTY = "bench.rabbitmq-uri";

    static final List<String> ALL_PARTS = List.of("hot", "channel", "recovery", "waiters", "cost", "publish", "consume");

    /** Pollers and background calls of the recovery part. */
    static final ExecutorService THREADS = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "bench-worker");
        thread.setDaemon(true);
        return thread;
    });

    private static final long START = System.nanoTime();
    /** Kept so that the level set below is not lost with a collected logger. */
    private static final List<Logger> QUIET = new ArrayList<>();

    /**
     * How long and how often things run.
     *
     * @param out where the CSV files go
     * @param warmupIterations JMH warm-up iterations
     * @param measurementIterations JMH measurement iterations
     * @param hotIterationTime JMH iteration time for the hot path
     * @param channelIterationTime JMH iteration time for createChannel and publish
     * @param rounds recovery rounds per scenario
     * @param outageMillis broker outage, from stop_app returning to start_app
     * @param cdiBoots measured CDI boots in this JVM, each way
     * @param coldBoots CDI boots in fresh JVMs, each way
     * @param waiterRounds rounds of 10,000 waiters, each way
     * @param pairedOperations createChannel() pairs in the interleaved comparison
     * @param pairedWindows publishing windows each way in the interleaved comparison
     */
    record Settings(Path out, int warmupIterations, int measurementIterations, TimeValue hotIterationTime,
            TimeValue channelIterationTime, int rounds, long outageMillis, int cdiBoots, int coldBoots,
            int waiterRounds, int pairedOperations, int pairedWindows) {

        static Settings fromEnvironment(Path out) {
            boolean quick = "1".equals(System.getenv("BENCH_QUICK"));
            int rounds = Integer.parseInt(System.getenv().getOrDefault("BENCH_ROUNDS", quick ? "3" : "20"));
            return quick
                    ? new Settings(out, 1, 2, TimeValue.milliseconds(500), TimeValue.milliseconds(500), rounds, 3000, 3, 1, 1, 400, 20)
                    : new Settings(out, 3, 5, TimeValue.seconds(1), TimeValue.seconds(2), rounds, 3000, 10, 3, 4, 4000, 80);
        }
    }

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        quietLogs();
        Path out = Path.of(System.getProperty("bench.out", "target/bench")).toAbsolutePath();
        Files.createDirectories(out);
        Settings settings = Settings.fromEnvironment(out);
        Set<String> parts = parts(System.getProperty("bench.parts", "all"));
        String header = header(parts, settings);
        System.out.println(header);
        Files.writeString(out.resolve("machine.txt"), header + "\n", StandardCharsets.UTF_8);
        Report report = new Report(out, header);

        RabbitMqNode node = null;
        String noRabbit = RabbitMqNode.whyUnavailable();
        if (noRabbit == null) {
            say("starting a private RabbitMQ node");
            try {
                node = RabbitMqNode.start();
                say("RabbitMQ node up: " + node.uri());
                String broker = "broker: RabbitMQ " + node.version() + RabbitMqNode.root().map(r -> " (from the root " + r + ")")
                        .orElse("");
                System.out.println(broker);
                Files.writeString(out.resolve("machine.txt"), broker + "\n", StandardCharsets.UTF_8,
                        java.nio.file.StandardOpenOption.APPEND);
            } catch (RuntimeException e) {
                noRabbit = "the RabbitMQ node did not start: " + e.getMessage();
            }
        }
        String skip = noRabbit == null || noRabbit.startsWith("RabbitMQ is not installed")
                ? "RabbitMQ not installed" : noRabbit;
        if (node == null) {
            say("skipped: " + skip + "; the RabbitMQ-based parts are skipped, the rest runs");
        }
        try {
            String uri = node == null ? null : node.uri();
            if (parts.contains("hot")) {
                part("hot", report, () -> JmhParts.hot(report, settings, uri));
            }
            if (parts.contains("channel")) {
                if (node == null) {
                    skipped(report, "channel", "createChannel() and publish", skip);
                } else {
                    part("channel", report, () -> {
                        JmhParts.channel(report, settings, uri);
                        ChannelPaired.run(report, settings, uri);
                        report.writeCsv("channel");
                    });
                }
            }
            if (parts.contains("recovery")) {
                if (node == null) {
                    skipped(report, "recovery", "recovery latency", skip);
                } else {
                    RabbitMqNode n = node;
                    part("recovery", report, () -> RecoveryBench.run(report, settings, n));
                }
            }
            if (parts.contains("waiters")) {
                RabbitMqNode n = node;
                part("waiters", report, () -> waiters(report, settings, n));
            }
            if (parts.contains("cost")) {
                RabbitMqNode n = node;
                part("cost", report, () -> CostBench.run(report, settings, n,
                        n == null ? "amqp://guest:guest@127.0.0.1:1" : n.uri()));
            }
            if (parts.contains("publish")) {
                if (node == null) {
                    skipped(report, "publish", "confirmed publishing", skip);
                } else {
                    part("publish", report, () -> PublishBench.run(report, settings, uri));
                }
            }
            if (parts.contains("consume")) {
                if (node == null) {
                    skipped(report, "consume", "managed consumers", skip);
                } else {
                    RabbitMqNode n = node;
                    part("consume", report, () -> ConsumeBench.run(report, settings, n));
                }
            }
        } finally {
            if (node != null) {
                node.stop();
            }
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - START);
        System.out.println();
        report.print(System.out, String.format(Locale.ROOT,
                "Ratio = Tether / peer (medians or scores). Total run time %d min %02d s; load average at the end %s."
                        + " CSV files in %s", seconds / 60, seconds % 60, loadAverage(), out));
        THREADS.shutdownNow();
        System.exit(0); // the JMH and client libraries may leave non-daemon threads
    }

    /** Part 3, in this JVM and, on Java 17-20 with a newer JDK installed, again there with virtual threads. */
    private static void waiters(Report report, Settings settings, RabbitMqNode node) throws Exception {
        QpidBroker qpid = null;
        int port;
        String broker;
        if (node != null) {
            port = node.port();
            broker = "RabbitMQ";
        } else {
            qpid = QpidBroker.start();
            port = qpid.port();
            broker = "embedded Qpid (RabbitMQ not installed)";
        }
        try {
            List<WaitersBench.Result> results = new ArrayList<>();
            results.add(WaitersBench.run(port, WaitersBench.COUNT, settings.waiterRounds()));
            if (!WaitersBench.virtualThreadsAvailable()) {
                Path newer = newerJava();
                if (newer == null) {
                    say("waiters: no JDK 21+ under /usr/lib/jvm; virtual threads not measured");
                } else {
                    say("waiters: again with virtual threads on " + newer);
                    WaitersBench.Result result = WaitersBench.runIn(newer, port, settings.waiterRounds(),
                            settings.out().resolve("waiters-vt.tmp"));
                    if (result == null) {
                        report.skipped("waiters", "await() release, virtual threads", "the JVM at " + newer + " failed");
                    } else {
                        results.add(result);
                    }
                }
            }
            for (WaitersBench.Result r : results) {
                Stats t = r.tether();
                Stats b = r.baseline();
                report.add(new Report.Row("waiters", String.format(Locale.ROOT, "%,d %s threads in await() (%s)",
                        r.count(), r.threads(), r.jvm()), "ms", t.median(), t.p90(), "CompletableFuture loop",
                        b.median(), b.p90(), "p99 < 50 ms after Connected", t.p99() < 50,
                        String.format(Locale.ROOT, "wake minus Connected, %d rounds pooled: p99 %s, max %s ms (peer p99 %s,"
                                + " max %s); %s; widest first-to-last wake %s ms; %s", r.rounds(), Report.fmt(t.p99()),
                                Report.fmt(t.max()), Report.fmt(b.p99()), Report.fmt(b.max()), r.perRound(),
                                Report.fmt(r.spreadMillis()), broker)));
            }
            report.writeCsv("waiters");
        } finally {
            if (qpid != null) {
                qpid.close();
            }
        }
    }

    /** The newest JDK of version 21 or later under /usr/lib/jvm. */
    private static Path newerJava() throws IOException {
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return null;
        }
        Path best = null;
        int bestVersion = 20;
        try (Stream<Path> dirs = Files.list(jvms)) {
            for (Path dir : dirs.toList()) {
                Path release = dir.resolve("release");
                Path java = dir.resolve("bin/java");
                if (!Files.isRegularFile(release) || !Files.isExecutable(java)) {
                    continue;
                }
                for (String line : Files.readAllLines(release, StandardCharsets.UTF_8)) {
                    if (line.startsWith("JAVA_VERSION=")) {
                        String version = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                        int feature = Integer.parseInt(version.split("[.+-]")[0]);
                        if (feature > bestVersion) {
                            bestVersion = feature;
                            best = java;
                        }
                    }
                }
            }
        }
        return best;
    }

    interface Part {
        void run() throws Exception;
    }

    /** Runs a part; a part that fails is reported as such and the others still run. */
    private static void part(String name, Report report, Part part) {
        long start = System.nanoTime();
        say("=== part " + name + " ===");
        try {
            part.run();
        } catch (Exception | Error e) {
            e.printStackTrace(System.out);
            report.add(new Report.Row(name, "(part failed)", "", Double.NaN, Double.NaN, "", Double.NaN, Double.NaN,
                    "", null, "FAILED: " + e));
            report.writeCsv(name);
        }
        say("=== part " + name + " took " + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) + " s ===");
    }

    private static void skipped(Report report, String part, String measure, String reason) {
        say(part + ": skipped: " + reason);
        report.skipped(part, measure, reason);
        report.writeCsv(part);
    }

    private static Set<String> parts(String spec) {
        if (spec.isBlank() || spec.strip().equals("all")) {
            return new LinkedHashSet<>(ALL_PARTS);
        }
        Set<String> parts = new LinkedHashSet<>();
        for (String part : spec.split(",")) {
            String p = part.strip();
            if (!ALL_PARTS.contains(p)) {
                throw new IllegalArgumentException("unknown part '" + p + "'; parts: " + ALL_PARTS);
            }
            parts.add(p);
        }
        return parts;
    }

    private static String header(Set<String> parts, Settings settings) throws IOException, InterruptedException {
        StringBuilder command = new StringBuilder("./mvnw -Pbench");
        if (!parts.equals(new LinkedHashSet<>(ALL_PARTS))) {
            command.append(" -Dbench.parts=").append(String.join(",", parts));
        }
        String env = Stream.of("BENCH_QUICK", "BENCH_ROUNDS", "BENCH_PUBLISH_ROUNDS", "BENCH_PUBLISH_THREADS",
                "BENCH_PUBLISH_TIMER", "BENCH_CONSUME_MESSAGES", "BENCH_CONSUME_ROUNDS", "BENCH_CONSUME_PREFETCH", "BENCH_CONSUME_HANDLERS",
                "BENCH_RESUME_ROUNDS").filter(k -> System.getenv(k) != null)
                .map(k -> k + "=" + System.getenv(k) + " ").reduce("", String::concat);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return String.join("\n",
                "Tether benchmarks, " + Instant.now().truncatedTo(ChronoUnit.SECONDS),
                "command: " + env + command + "   (forked JVM: " + java + ")",
                "machine: nproc " + Runtime.getRuntime().availableProcessors() + "; CPU " + cpuModel()
                        + "; memory " + memory() + "; load average at start " + loadAverage(),
                "java -version: " + javaVersion(java),
                "settings: JMH forks 1, warm-up " + settings.warmupIterations() + " x " + settings.hotIterationTime()
                        + " (channel " + settings.channelIterationTime() + "), measurement " + settings.measurementIterations()
                        + " x " + settings.hotIterationTime() + " (channel " + settings.channelIterationTime()
                        + "); recovery " + settings.rounds() + " rounds per scenario; " + WaitersBench.COUNT
                        + " waiters; publish " + PublishBench.Timing.fromEnvironment() + "; JVM args " + String.join(" ",
                                ManagementFactory.getRuntimeMXBean().getInputArguments()
                                        .stream().filter(a -> a.startsWith("-X")).toList()));
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private static String memory() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                    .map(l -> l.replaceAll("\\D+", "")).map(kb -> Long.parseLong(kb) / 1024 / 1024 + " GiB")
                    .findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The 1, 5 and 15 minute load averages: other work on the machine shows here. */
    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String javaVersion(String java) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(java, "-version").redirectErrorStream(true).start();
        String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(30, TimeUnit.SECONDS);
        return String.join(" | ", Arrays.stream(text.split("\n")).map(String::strip).filter(s -> !s.isEmpty()).toList());
    }

    /** Tether's own log lines (a loss and a recovery per round) would drown the progress lines. */
    private static void quietLogs() {
        for (String name : List.of("dev.tether", "")) {
            Logger logger = Logger.getLogger(name);
            logger.setLevel(name.isEmpty() ? Level.WARNING : Level.SEVERE);
            QUIET.add(logger);
        }
    }

    static void say(String message) {
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - START);
        System.out.printf(Locale.ROOT, "[bench %4d.%01d s] %s%n", millis / 1000, (millis % 1000) / 100, message);
        System.out.flush();
    }
}
