package dev.tether.bench;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.tether.ChannelSettings;
import dev.tether.Channels;
import dev.tether.ConnectionSettings;
import dev.tether.PersistentConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The pool's borrow/return overhead: {@code Channels.run} with a no-op, and with a
 * {@code basicPublish} of 256 B (no confirms, to a routing key no queue is bound to), against the
 * same publish on a channel each thread holds for the whole run, at 1, 8 and 64 threads. The pool
 * has Tether's default 16 channels, so at 64 threads borrowers wait for one another (its fair
 * semaphore hands each freed channel to the longest waiter); a second pool of 64 channels shows
 * the same publish without that wait. Cells interleave like the publish part's.
 */
final class PoolOverhead {

    private static final long WARMUP_MILLIS = 500;
    private static final long MEASURE_MILLIS = 2000;

    /** One thread's operation; opened on the thread. */
    private interface Op {
        void run() throws Exception;
    }

    private interface OpFactory {
        Op open(List<AutoCloseable> resources) throws Exception;
    }

    private PoolOverhead() {
    }

    static void run(Report report, String uri, PersistentConnection holder, Connection raw, ExecutorService threads)
            throws Exception {
        PersistentConnection wide = PersistentConnection.builder(ConnectionSettings.builder("bench-pool-64").uri(uri)
                .channels(ChannelSettings.DEFAULT.withMax(64)).build()).build();
        try {
            wide.await(Duration.ofSeconds(60));
            run(report, holder.channels(), wide.channels(), raw, threads);
        } finally {
            wide.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static void run(Report report, Channels channels, Channels wide, Connection raw, ExecutorService threads)
            throws Exception {
        byte[] body = new byte[256];
        Map<String, OpFactory> variants = new LinkedHashMap<>();
        variants.put("Channels.run(no-op)", resources -> () -> channels.run(ch -> { }));
        variants.put("Channels.run(basicPublish)", resources -> () -> channels.run(ch ->
                ch.basicPublish("", ChannelBench.NOWHERE, null, body)));
        variants.put("Channels.run(basicPublish), max 64", resources -> () -> wide.run(ch ->
                ch.basicPublish("", ChannelBench.NOWHERE, null, body)));
        variants.put("held channel basicPublish", resources -> {
            Channel channel = raw.createChannel();
            resources.add(channel);
            return () -> channel.basicPublish("", ChannelBench.NOWHERE, null, body);
        });
        int rounds = Math.min(4, PublishBench.Timing.fromEnvironment().rounds());
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        BenchMain.say("pool overhead: " + variants.keySet() + " x threads " + java.util.Arrays.toString(PublishBench.THREADS)
                + ", " + WARMUP_MILLIS + " + " + MEASURE_MILLIS + " ms per cell, " + rounds + " round(s)");
        for (int round = 0; round < rounds; round++) {
            for (int n : PublishBench.THREADS) {
                List<String> order = new ArrayList<>(variants.keySet());
                if (round % 2 == 1) {
                    java.util.Collections.reverse(order);
                }
                for (String name : order) {
                    double rate = cell(variants.get(name), n, threads);
                    rates.computeIfAbsent(PublishBench.key(name, n), k -> new ArrayList<>()).add(rate);
                    BenchMain.say(String.format(Locale.ROOT, "pool: round %d, %2d threads, %-28s %,12.0f ops/s",
                            round + 1, n, name, rate));
                }
            }
        }
        int cores = Runtime.getRuntime().availableProcessors();
        for (int n : PublishBench.THREADS) {
            double noop = median(rates.get(PublishBench.key("Channels.run(no-op)", n)));
            double pooled = median(rates.get(PublishBench.key("Channels.run(basicPublish)", n)));
            double held = median(rates.get(PublishBench.key("held channel basicPublish", n)));
            double pooledWide = median(rates.get(PublishBench.key("Channels.run(basicPublish), max 64", n)));
            double coreNanos = 1e9 * Math.min(n, cores) / noop;
            report.add(new Report.Row("publish", "pool: Channels.run(no-op), " + n + " threads", "ops/s", noop, Double.NaN,
                    "", Double.NaN, Double.NaN, "", null, String.format(Locale.ROOT,
                            "%s ns of CPU per borrow+return (%d busy cores / rate); rounds %s", Report.fmt(coreNanos),
                            Math.min(n, cores), rates.get(PublishBench.key("Channels.run(no-op)", n)).stream()
                                    .map(Report::fmt).toList())));
            report.add(new Report.Row("publish", "pool: Channels.run(basicPublish 256 B) vs held channel, " + n + " threads",
                    "msg/s", pooled, Double.NaN, "channel held per thread", held, Double.NaN, "", null, String.format(
                            Locale.ROOT, "rounds %s vs %s", rates.get(PublishBench.key("Channels.run(basicPublish)", n))
                                    .stream().map(Report::fmt).toList(),
                            rates.get(PublishBench.key("held channel basicPublish", n)).stream().map(Report::fmt).toList())));
            report.add(new Report.Row("publish", "pool: same with channels.max=64 vs held channel, " + n + " threads",
                    "msg/s", pooledWide, Double.NaN, "channel held per thread", held, Double.NaN, "", null, "rounds "
                            + rates.get(PublishBench.key("Channels.run(basicPublish), max 64", n)).stream()
                                    .map(Report::fmt).toList()));
        }
    }

    private static double cell(OpFactory factory, int n, ExecutorService threads) throws Exception {
        CountDownLatch ready = new CountDownLatch(n);
        CompletableFuture<long[]> window = new CompletableFuture<>();
        AtomicLong counted = new AtomicLong();
        List<Future<?>> running = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            running.add(threads.submit(() -> {
                List<AutoCloseable> resources = new ArrayList<>();
                try {
                    Op op = factory.open(resources);
                    ready.countDown();
                    long[] span = window.join();
                    long count = 0;
                    long now;
                    while ((now = System.nanoTime()) < span[1]) {
                        for (int k = 0; k < 8; k++) {
                            op.run();
                        }
                        if (now >= span[0]) {
                            count += 8;
                        }
                    }
                    counted.addAndGet(count);
                } finally {
                    for (AutoCloseable resource : resources) {
                        resource.close();
                    }
                }
                return null;
            }));
        }
        if (!ready.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("pool overhead: workers did not open within 60 s");
        }
        long from = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WARMUP_MILLIS);
        long end = from + TimeUnit.MILLISECONDS.toNanos(MEASURE_MILLIS);
        window.complete(new long[] {from, end});
        for (Future<?> thread : running) {
            thread.get(WARMUP_MILLIS + MEASURE_MILLIS + 60_000, TimeUnit.MILLISECONDS);
        }
        return counted.get() / ((end - from) / 1e9);
    }

    private static double median(List<Double> values) {
        return PublishBench.median(values);
    }
}
