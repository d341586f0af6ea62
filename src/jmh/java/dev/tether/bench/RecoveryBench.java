package dev.tether.bench;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.tether.ConnectionSettings;
import dev.tether.internal.cdi.BenchProxies;
import dev.tether.testing.RabbitMqNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Part 2: recovery latency against the private RabbitMQ node, Tether with its defaults (through the
 * injected {@code Connection} proxy) against a raw client connection with the client's defaults
 * (automatic recovery on, 5 s network recovery interval). Both are connected to the same node at
 * the same time and suffer the same fault; each is then polled with {@code createChannel()} until
 * it succeeds ("usable").
 *
 * <ul>
 *   <li>close_all_connections: the broker stays up; latency from the moment the client library
 *       saw the connection close (its shutdown listener) until usable.
 *   <li>outage: {@code stop_app}, ~3 s, {@code start_app}; latency from the moment the AMQP port
 *       accepts a plain TCP connection again until usable.
 *   <li>first connection: during the same outage, 2 s before {@code start_app}, a new holder is
 *       built and {@code ConnectionFactory.newConnection()} is tried; the holder's latency is
 *       measured from the port opening like the outage's.
 * </ul>
 */
final class RecoveryBench {

    private static final long POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(200);
    private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final RabbitMqNode node;
    private final BenchMain.Settings settings;
    private final List<String> samples = new ArrayList<>();

    private RecoveryBench(RabbitMqNode node, BenchMain.Settings settings) {
        this.node = node;
        this.settings = settings;
    }

    static void run(Report report, BenchMain.Settings settings, RabbitMqNode node) throws Exception {
        new RecoveryBench(node, settings).run(report);
    }

    /** A connection under test: Tether's proxy or a raw client connection. */
    private static final class Subject {
        final String name;
        final Connection connection;
        final AtomicLong down = new AtomicLong();
        final List<Double> millis = new ArrayList<>();

        Subject(String name, Connection connection) {
            this.name = name;
            this.connection = connection;
            connection.addShutdownListener(cause -> down.compareAndSet(0, System.nanoTime()));
        }

        void arm() {
            down.set(0);
        }

        long awaitDown() {
            long deadline = System.nanoTime() + TIMEOUT_NANOS;
            while (down.get() == 0) {
                check(deadline, "the connection to close");
                LockSupport.parkNanos(POLL_NANOS);
            }
            return down.get();
        }

        /** Polls {@code createChannel()} until it succeeds; returns when it did (nanoTime). */
        long awaitUsable() {
            long deadline = System.nanoTime() + TIMEOUT_NANOS;
            while (true) {
                try {
                    Channel channel = connection.createChannel();
                    long usable = System.nanoTime();
                    closeQuietly(channel);
                    return usable;
                } catch (IOException | RuntimeException e) {
                    check(deadline, "createChannel() to succeed (last: " + e + ")");
                    LockSupport.parkNanos(POLL_NANOS);
                }
            }
        }

        private void check(long deadline, String what) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(name + ": gave up waiting for " + what);
            }
        }
    }

    private void run(Report report) throws Exception {
        int rounds = settings.rounds();
        ConnectionSettings tetherSettings = ConnectionSettings.builder("bench-recovery").uri(node.uri()).build();
        BenchProxies.Managed managed = BenchProxies.create(tetherSettings);
        ConnectionFactory clientFactory = node.connectionFactory(); // client defaults: recovery on, 5 s
        Connection raw = clientFactory.newConnection("bench-client-recovery");
        try {
            Subject tether = new Subject("tether", managed.proxy());
            Subject client = new Subject("client", raw);
            BenchMain.say("recovery: holder and raw client connection on " + node.uri() + "; client recovery interval "
                    + clientFactory.getNetworkRecoveryInterval() + " ms, automatic recovery "
                    + clientFactory.isAutomaticRecoveryEnabled());

            for (int round = 1; round <= rounds; round++) {
                closeAllRound(round, tether, client);
            }
            addRows(report, "after close_all_connections (broker up)", tether, client,
                    "Tether median < 50 ms", tether.millis, 50, "from the client seeing the close until createChannel() succeeds");

            List<Double> first = new ArrayList<>();
            List<String> clientFirst = new ArrayList<>();
            List<Double> outages = new ArrayList<>();
            List<Double> tetherDowntime = new ArrayList<>();
            List<Double> clientDowntime = new ArrayList<>();
            tether.millis.clear();
            client.millis.clear();
            for (int round = 1; round <= rounds; round++) {
                outageRound(round, tether, client, first, clientFirst, outages, tetherDowntime, clientDowntime);
            }
            Stats outage = Stats.of(outages);
            addRows(report, "after a ~3 s outage (stop_app/start_app)", tether, client, "Tether median < 1 s",
                    tether.millis, 1000, "from the AMQP port accepting TCP until createChannel() succeeds; stop_app to port"
                            + " open " + Report.fmt(outage.median() / 1000) + " s; whole downtime (loss to usable) Tether "
                            + Report.fmt(Stats.of(tetherDowntime).median()) + " ms, client "
                            + Report.fmt(Stats.of(clientDowntime).median()) + " ms (medians)");
            Stats firstStats = Stats.of(first);
            long distinct = clientFirst.stream().distinct().count();
            report.add(new Report.Row("recovery", "first connection, app starts 2 s before broker", "ms",
                    firstStats.median(), firstStats.p90(), "client newConnection()", Double.NaN, Double.NaN,
                    "Tether connects once the broker is up", firstStats.count() == rounds,
                    "client: throws, no retry (" + clientFirst.size() + "/" + rounds + " threw: "
                            + (distinct == 1 ? clientFirst.get(0) : String.join(" | ", clientFirst.stream().distinct().toList()))
                            + "); Tether from the port opening, max " + Report.fmt(firstStats.max()) + " ms"));
            report.writeCsv("recovery");
            Files.writeString(settings.out().resolve("recovery-samples.csv"),
                    "scenario,round,subject,millis\n" + String.join("\n", samples) + "\n", StandardCharsets.UTF_8);
        } finally {
            closeQuietly(raw);
            managed.holder().close().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private void closeAllRound(int round, Subject tether, Subject client) throws Exception {
        awaitUsable(tether, client);
        tether.arm();
        client.arm();
        CompletableFuture<Double> t = measureFromDown(tether);
        CompletableFuture<Double> c = measureFromDown(client);
        node.closeAllConnections("tether-bench round " + round);
        record("close_all", round, tether.name, tether.millis, t.get(90, TimeUnit.SECONDS));
        record("close_all", round, client.name, client.millis, c.get(90, TimeUnit.SECONDS));
        BenchMain.say(String.format(Locale.ROOT, "recovery close_all %2d/%d: tether %8.1f ms, client %8.1f ms",
                round, settings.rounds(), last(tether.millis), last(client.millis)));
    }

    private void outageRound(int round, Subject tether, Subject client, List<Double> first, List<String> clientFirst,
            List<Double> outages, List<Double> tetherDowntime, List<Double> clientDowntime) throws Exception {
        awaitUsable(tether, client);
        tether.arm();
        client.arm();
        node.rabbitmqctl("stop_app");
        long stopped = System.nanoTime();
        tether.awaitDown();
        client.awaitDown();
        CompletableFuture<Long> t = CompletableFuture.supplyAsync(tether::awaitUsable, BenchMain.THREADS);
        CompletableFuture<Long> c = CompletableFuture.supplyAsync(client::awaitUsable, BenchMain.THREADS);

        sleepUntil(stopped + TimeUnit.MILLISECONDS.toNanos(settings.outageMillis() - 2000));
        // The application starts 2 s before the broker: a new holder, and the client's newConnection().
        BenchProxies.Managed app = BenchProxies.create(
                ConnectionSettings.builder("bench-first-" + round).uri(node.uri()).build());
        Subject firstRound = new Subject("tether-first", app.proxy());
        CompletableFuture<Long> f = CompletableFuture.supplyAsync(firstRound::awaitUsable, BenchMain.THREADS);
        try {
            Connection unexpected = node.connectionFactory().newConnection("bench-client-first");
            clientFirst.add("connected (broker up?)");
            closeQuietly(unexpected);
        } catch (IOException | java.util.concurrent.TimeoutException e) {
            clientFirst.add(e.getClass().getSimpleName() + ": " + e.getMessage());
        }

        sleepUntil(stopped + TimeUnit.MILLISECONDS.toNanos(settings.outageMillis()));
        CompletableFuture<String> starting = CompletableFuture.supplyAsync(() -> node.rabbitmqctl("start_app"),
                BenchMain.THREADS);
        long open = awaitPortOpen(node.port());
        outages.add((open - stopped) / 1e6);
        try {
            long tetherUp = t.get(90, TimeUnit.SECONDS);
            long clientUp = c.get(90, TimeUnit.SECONDS);
            record("outage", round, tether.name, tether.millis, (tetherUp - open) / 1e6);
            record("outage", round, client.name, client.millis, (clientUp - open) / 1e6);
            tetherDowntime.add((tetherUp - tether.down.get()) / 1e6);
            clientDowntime.add((clientUp - client.down.get()) / 1e6);
            record("first", round, "tether", first, (f.get(90, TimeUnit.SECONDS) - open) / 1e6);
            starting.get(90, TimeUnit.SECONDS);
        } finally {
            app.holder().close().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        BenchMain.say(String.format(Locale.ROOT,
                "recovery outage %2d/%d: port closed %5.0f ms; after it opened: tether %7.1f ms, client %7.1f ms,"
                        + " first-connection holder %7.1f ms",
                round, settings.rounds(), (open - stopped) / 1e6, last(tether.millis), last(client.millis), last(first)));
    }

    private void addRows(Report report, String scenario, Subject tether, Subject client, String goal,
            List<Double> goalSample, double goalMillis, String note) {
        Stats t = Stats.of(tether.millis);
        Stats c = Stats.of(client.millis);
        report.add(new Report.Row("recovery", scenario, "ms", t.median(), t.p90(), "client auto-recovery",
                c.median(), c.p90(), goal, Stats.of(goalSample).median() < goalMillis,
                note + "; " + t.count() + " rounds; max tether " + Report.fmt(t.max()) + ", client " + Report.fmt(c.max())));
    }

    private void record(String scenario, int round, String subject, List<Double> into, double millis) {
        into.add(millis);
        samples.add(scenario + "," + round + "," + subject + "," + String.format(Locale.ROOT, "%.3f", millis));
    }

    private static double last(List<Double> millis) {
        return millis.get(millis.size() - 1);
    }

    private static CompletableFuture<Double> measureFromDown(Subject subject) {
        return CompletableFuture.supplyAsync(() -> {
            long down = subject.awaitDown();
            return (subject.awaitUsable() - down) / 1e6;
        }, BenchMain.THREADS);
    }

    private static void awaitUsable(Subject... subjects) {
        for (Subject subject : subjects) {
            subject.awaitUsable();
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
    }

    /** Polls the port with plain TCP connects until one succeeds; returns when (nanoTime). */
    static long awaitPortOpen(int port) {
        long deadline = System.nanoTime() + TIMEOUT_NANOS;
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return System.nanoTime();
            } catch (IOException refused) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("port " + port + " did not open");
                }
                LockSupport.parkNanos(POLL_NANOS);
            }
        }
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left = nanoTime - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // measuring, not testing the close
        }
    }
}
