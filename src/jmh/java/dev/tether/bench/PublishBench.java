package dev.tether.bench;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.tether.ConnectionSettings;
import dev.tether.PersistentConnection;
import dev.tether.Setting;
import dev.tether.bench.PublishContenders.Contender;
import dev.tether.bench.PublishContenders.Recorder;
import dev.tether.bench.PublishContenders.Worker;
import dev.tether.bench.Report.Row;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/**
 * The publish part: confirmed publishing of 1 KiB persistent messages to a durable queue on the
 * private RabbitMQ node, at 1, 8 and 64 publishing threads, Tether's {@code Publisher} (blocking and
 * asynchronous) beside Spring AMQP's {@code RabbitTemplate} with correlated confirms, the raw
 * client's {@code waitForConfirms} per message, and the raw client's own asynchronous confirms with
 * the same window as Tether's (the ceiling of this machine and broker); then the pool's
 * borrow/return overhead ({@link PoolOverhead}).
 *
 * <p>Each cell (a contender at a thread count) starts with a purged queue, publishes for a warm-up
 * and then for a measured span; throughput counts the publishes started in the measured span and
 * confirmed. Rounds interleave the contenders (the order reverses every round), so a load that drifts
 * on the shared machine weighs on all alike; a cell's throughput is the median of its rounds, its
 * latencies are those of all rounds pooled. Spring's channel cache holds 64 channels, so it never
 * closes a channel at 64 threads; Tether runs with its defaults (16 channels).
 */
final class PublishBench {

    static final String QUEUE = "tether-bench-publish";
    /** Publishing threads per cell; {@code BENCH_PUBLISH_THREADS=1,8} narrows them (also for the pool overhead). */
    static final int[] THREADS = java.util.Arrays.stream(System.getenv().getOrDefault("BENCH_PUBLISH_THREADS", "1,8,64")
            .split(",")).map(String::strip).mapToInt(Integer::parseInt).toArray();
    static final int BODY_BYTES = 1024;
    /** The asynchronous contender's publishes awaiting a confirm, over all its threads. */
    static final int ASYNC_IN_FLIGHT = 256;
    private static final int SPRING_CHANNEL_CACHE = 64;

    /** Warm-up and measured span per cell, and rounds ({@code BENCH_PUBLISH_ROUNDS=n} overrides the rounds). */
    record Timing(long warmupMillis, long measureMillis, int rounds) {
        static Timing fromEnvironment() {
            boolean quick = "1".equals(System.getenv("BENCH_QUICK"));
            int rounds = Integer.parseInt(System.getenv().getOrDefault("BENCH_PUBLISH_ROUNDS", quick ? "1" : "6"));
            return quick ? new Timing(1000, 2000, rounds) : new Timing(1000, 2500, rounds);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "warm-up %.1f s + measured %.1f s per cell, %d round(s)",
                    warmupMillis / 1e3, measureMillis / 1e3, rounds);
        }
    }

    /** A contender's results at one thread count, over all rounds. */
    private static final class Cell {
        final List<Double> rates = new ArrayList<>();
        final List<long[]> latencies = new ArrayList<>();
        int failures;
        String firstFailure;

        /** The median of the rounds' rates: one round under a burst of other work on the machine weighs little. */
        double rate() {
            return median(rates);
        }

        Stats millis() {
            int n = latencies.stream().mapToInt(a -> a.length).sum();
            double[] all = new double[n];
            int i = 0;
            for (long[] part : latencies) {
                for (long nanos : part) {
                    all[i++] = nanos / 1e6;
                }
            }
            return Stats.of(all);
        }
    }

    private PublishBench() {
    }

    static void run(Report report, BenchMain.Settings settings, String uri) throws Exception {
        Timing timing = Timing.fromEnvironment();
        byte[] body = new byte[BODY_BYTES];
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(uri);
        PersistentConnection holder = PersistentConnection.builder(ConnectionSettings.builder("bench-publish").uri(uri)
                .build()).build();
        holder.await(Duration.ofSeconds(60));
        PersistentConnection bounded = PersistentConnection.builder(ConnectionSettings.builder("bench-publish-bound")
                .uri(uri).set(Setting.PUBLISH_MAX_OUTSTANDING, ASYNC_IN_FLIGHT).build()).build();
        bounded.await(Duration.ofSeconds(60));
        Connection admin = factory.newConnection("bench-publish-admin");
        Connection raw = factory.newConnection("bench-publish-raw");
        CachingConnectionFactory springFactory = new CachingConnectionFactory(factory);
        springFactory.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
        springFactory.setChannelCacheSize(SPRING_CHANNEL_CACHE);
        springFactory.setConnectionNameStrategy(f -> "bench-publish-spring");
        RabbitTemplate spring = new RabbitTemplate(springFactory);
        ExecutorService threads = Executors.newFixedThreadPool(64, r -> {
            Thread thread = new Thread(r, "bench-publisher");
            thread.setDaemon(true);
            return thread;
        });
        try {
            Channel adminChannel = admin.createChannel();
            adminChannel.queueDeclare(QUEUE, true, false, false, null);
            boolean timerOnly = "1".equals(System.getenv("BENCH_PUBLISH_TIMER"));
            List<Contender> contenders = timerOnly ? PublishContenders.timerComparison(holder, body)
                    : PublishContenders.all(holder, bounded, spring, raw, body);
            Map<String, Cell> cells = new LinkedHashMap<>();
            BenchMain.say("publish: " + contenders.size() + " contenders x threads " + java.util.Arrays.toString(THREADS)
                    + ", " + timing);
            for (int round = 0; round < timing.rounds(); round++) {
                for (int n : THREADS) {
                    List<Contender> order = new ArrayList<>(contenders);
                    if (round % 2 == 1) {
                        java.util.Collections.reverse(order);
                    }
                    for (Contender contender : order) {
                        adminChannel.queuePurge(QUEUE);
                        Cell cell = cells.computeIfAbsent(key(contender.name(), n), k -> new Cell());
                        cell(contender, n, timing, threads, cell);
                        BenchMain.say(String.format(Locale.ROOT, "publish: round %d, %2d threads, %-48s %,9.0f msg/s",
                                round + 1, n, contender.name(), cell.rates.get(cell.rates.size() - 1)));
                    }
                }
            }
            adminChannel.queuePurge(QUEUE);
            if (timerOnly) {
                timerResults(report, contenders, cells);
                report.writeCsv("publish");
                return;
            }
            results(report, settings, contenders, cells, timing);
            PoolOverhead.run(report, uri, holder, raw, threads);
            report.writeCsv("publish");
        } finally {
            threads.shutdownNow();
            springFactory.destroy();
            raw.close();
            admin.close();
            holder.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
            bounded.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    /** The median, the mean of the middle two for an even count. */
    static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    static String key(String contender, int threads) {
        return contender + "|" + threads;
    }

    private static void cell(Contender contender, int n, Timing timing, ExecutorService threads, Cell cell)
            throws Exception {
        CountDownLatch ready = new CountDownLatch(n);
        CompletableFuture<long[]> window = new CompletableFuture<>();
        List<Recorder> recorders = new ArrayList<>();
        List<Future<?>> running = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Recorder recorder = new Recorder();
            recorders.add(recorder);
            running.add(threads.submit(() -> {
                try (Worker worker = contender.worker(n)) {
                    ready.countDown();
                    long[] span = window.join();
                    worker.loop(span[0], span[1], recorder);
                }
                return null;
            }));
        }
        if (!ready.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException(contender.name() + ": workers did not open within 60 s");
        }
        long from = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timing.warmupMillis());
        long end = from + TimeUnit.MILLISECONDS.toNanos(timing.measureMillis());
        window.complete(new long[] {from, end});
        for (Future<?> thread : running) {
            thread.get(timing.measureMillis() + timing.warmupMillis() + 120_000, TimeUnit.MILLISECONDS);
        }
        long count = 0;
        for (Recorder recorder : recorders) {
            long[] latencies = recorder.latencies();
            count += latencies.length;
            cell.latencies.add(latencies);
            if (recorder.failures() > 0 && cell.failures == 0) {
                cell.firstFailure = recorder.firstFailure();
            }
            cell.failures += recorder.failures();
        }
        cell.rates.add(count / ((end - from) / 1e9));
    }

    private static void results(Report report, BenchMain.Settings settings, List<Contender> contenders,
            Map<String, Cell> cells, Timing timing) throws Exception {
        String tether = contenders.get(0).name();
        String async = contenders.get(1).name();
        String spring = contenders.get(2).name();
        String raw = contenders.get(3).name();
        String rawAsync = contenders.get(4).name();
        String bound = contenders.get(5).name();
        StringBuilder csv = new StringBuilder("threads,contender,msg_per_s,rounds_msg_per_s,p50_ms,p90_ms,p99_ms,"
                + "confirmed,failures,first_failure\n");
        for (int n : THREADS) {
            for (Contender c : contenders) {
                Cell cell = cells.get(key(c.name(), n));
                Stats ms = cell.millis();
                csv.append(String.format(Locale.ROOT, "%d,\"%s\",%.1f,\"%s\",%.3f,%.3f,%.3f,%d,%d,\"%s\"%n", n, c.name(),
                        cell.rate(), cell.rates.stream().map(r -> String.format(Locale.ROOT, "%.0f", r)).toList(),
                        ms.median(), ms.p90(), ms.p99(), ms.count(), cell.failures,
                        cell.firstFailure == null ? "" : cell.firstFailure.replace("\"", "'")));
                report.add(new Report.Row("publish", c.name() + ", " + n + " thread" + (n > 1 ? "s" : ""), "msg/s",
                        cell.rate(), Double.NaN, "", Double.NaN, Double.NaN, "", null, String.format(Locale.ROOT,
                                "latency p50 %s ms, p99 %s ms; rounds %s msg/s; %d confirmed, %d failed%s",
                                Report.fmt(ms.median()), Report.fmt(ms.p99()), cell.rates.stream().map(Report::fmt).toList(),
                                ms.count(), cell.failures, cell.firstFailure == null ? "" : " (" + cell.firstFailure + ")")));
            }
            for (String ours : List.of(tether, async)) {
                Cell t = cells.get(key(ours, n));
                Cell s = cells.get(key(spring, n));
                Cell r = cells.get(key(raw, n));
                String label = ours.equals(tether) ? "publish()" : "publishAsync";
                report.add(goal(label + " vs Spring, " + n + " threads", t, "Spring RabbitTemplate", s, 1, ">= Spring"));
                report.add(goal(label + " vs waitForConfirms, " + n + " threads", t, "waitForConfirms loop", r, 10,
                        ">= 10x waitForConfirms"));
            }
            Row ceiling = goal("publishAsync vs raw async confirms, " + n + " threads", cells.get(key(async, n)),
                    "raw ConfirmListener, same window", cells.get(key(rawAsync, n)), 1, "");
            report.add(new Row(ceiling.part(), ceiling.measure(), ceiling.unit(), ceiling.median(), ceiling.p90(),
                    ceiling.peer(), ceiling.peerMedian(), ceiling.peerP90(), "", null, ceiling.note()));
            Row byTheBound = goal("publishAsync held by publish.max-outstanding vs raw async confirms, " + n + " threads",
                    cells.get(key(bound, n)), "raw ConfirmListener, same window", cells.get(key(rawAsync, n)), 1, "");
            report.add(new Row(byTheBound.part(), byTheBound.measure(), byTheBound.unit(), byTheBound.median(),
                    byTheBound.p90(), byTheBound.peer(), byTheBound.peerMedian(), byTheBound.peerP90(), "", null,
                    byTheBound.note()));
        }
        Files.writeString(settings.out().resolve("publish-cells.csv"), csv, StandardCharsets.UTF_8);
        BenchMain.say("publish: cells written to publish-cells.csv (" + timing + ")");
    }

    private static void timerResults(Report report, List<Contender> contenders, Map<String, Cell> cells) {
        for (int n : THREADS) {
            Row row = goal("timer per publish: " + contenders.get(0).name() + ", " + n + " threads",
                    cells.get(key(contenders.get(0).name(), n)), contenders.get(1).name(),
                    cells.get(key(contenders.get(1).name(), n)), 1, "");
            report.add(new Row(row.part(), row.measure(), row.unit(), row.median(), row.p90(), row.peer(),
                    row.peerMedian(), row.peerP90(), "", null, row.note() + "; rounds "
                            + cells.get(key(contenders.get(0).name(), n)).rates.stream().map(Report::fmt).toList() + " vs "
                            + cells.get(key(contenders.get(1).name(), n)).rates.stream().map(Report::fmt).toList()));
        }
    }

    private static Report.Row goal(String measure, Cell ours, String peer, Cell theirs, double factor, String goal) {
        Stats a = ours.millis();
        Stats b = theirs.millis();
        return new Report.Row("publish", measure, "msg/s", ours.rate(), Double.NaN, peer, theirs.rate(), Double.NaN,
                goal, ours.rate() >= factor * theirs.rate() && ours.failures == 0, String.format(Locale.ROOT,
                        "p50/p99 %s/%s ms vs %s/%s ms", Report.fmt(a.median()), Report.fmt(a.p99()),
                        Report.fmt(b.median()), Report.fmt(b.p99())));
    }
}
