package dev.tether.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.tether.ConnectionSettings;
import dev.tether.PersistentConnection;
import dev.tether.bench.ConsumeContenders.Contender;
import dev.tether.bench.ConsumeContenders.Running;
import dev.tether.bench.ConsumeContenders.Tally;
import dev.tether.testing.RabbitMqNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

/**
 * The consume part: consuming 1 KiB messages with manual acks from a preloaded durable queue on the
 * private RabbitMQ node, at prefetch 50 and 250 with one and eight handlers, Tether's
 * {@code Consumers.subscribe} beside the raw client's {@code basicConsume} and Spring AMQP's
 * {@code SimpleMessageListenerContainer} ({@link ConsumeContenders}); then the time consuming takes
 * to resume after {@code Connected} ({@link ResumeBench}).
 *
 * <p>Each cell (a contender at a prefetch and a handler count) starts with the queue holding
 * {@code messages} messages, published before the consumer starts (so the cell measures consuming
 * alone, not a publisher racing it on 2 cores), and consumes them all; its rate runs from the
 * warm-up count (a fifth of them) to the last one. Rounds interleave the contenders, the order
 * reversing every round, so a load that drifts on the shared machine weighs on all alike; a cell's
 * figure is the median of its rounds.
 */
final class ConsumeBench {

    static final String QUEUE = "tether-bench-consume";
    static final int BODY_BYTES = 1024;
    /** Prefetches and handler counts of the cells; {@code BENCH_CONSUME_PREFETCH=50}, {@code BENCH_CONSUME_HANDLERS=1} narrow them. */
    static final int[] PREFETCHES = ints("BENCH_CONSUME_PREFETCH", "50,250");
    static final int[] HANDLERS = ints("BENCH_CONSUME_HANDLERS", "1,8");
    private static final AMQP.BasicProperties TRANSIENT = new AMQP.BasicProperties.Builder().deliveryMode(1).build();

    /** Messages per cell and rounds ({@code BENCH_CONSUME_MESSAGES}, {@code BENCH_CONSUME_ROUNDS} override them). */
    record Timing(int messages, int rounds) {
        static Timing fromEnvironment() {
            boolean quick = "1".equals(System.getenv("BENCH_QUICK"));
            return new Timing(Integer.parseInt(System.getenv().getOrDefault("BENCH_CONSUME_MESSAGES", quick ? "20000" : "50000")),
                    Integer.parseInt(System.getenv().getOrDefault("BENCH_CONSUME_ROUNDS", quick ? "1" : "3")));
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%,d preloaded messages per cell (rate over the last %,d), %d round(s)",
                    messages, messages - messages / 5, rounds);
        }
    }

    private ConsumeBench() {
    }

    static void run(Report report, BenchMain.Settings settings, RabbitMqNode node) throws Exception {
        Timing timing = Timing.fromEnvironment();
        String uri = node.uri();
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(uri);
        PersistentConnection holder = PersistentConnection.builder(ConnectionSettings.builder("bench-consume").uri(uri)
                .build()).build();
        holder.await(Duration.ofSeconds(60));
        Connection admin = factory.newConnection("bench-consume-admin");
        Connection raw = factory.newConnection("bench-consume-raw");
        CachingConnectionFactory spring = new CachingConnectionFactory(factory);
        spring.setConnectionNameStrategy(f -> "bench-consume-spring");
        Map<String, List<Double>> cells = new LinkedHashMap<>();
        Map<String, List<Double>> cpu = new LinkedHashMap<>();
        StringBuilder csv = new StringBuilder("round,prefetch,handlers,contender,msg_per_s,client_cpu_us_per_msg\n");
        try {
            Channel channel = admin.createChannel();
            channel.queueDeclare(QUEUE, true, false, false, null);
            channel.queuePurge(QUEUE);
            channel.confirmSelect();
            List<Contender> contenders = ConsumeContenders.all(holder, raw, spring);
            BenchMain.say("consume: " + contenders.size() + " contenders x prefetch " + java.util.Arrays.toString(PREFETCHES)
                    + " x handlers " + java.util.Arrays.toString(HANDLERS) + "; " + timing);
            byte[] body = new byte[BODY_BYTES];
            for (int round = 1; round <= timing.rounds(); round++) {
                for (int prefetch : PREFETCHES) {
                    for (int handlers : HANDLERS) {
                        List<Contender> order = new ArrayList<>(contenders);
                        if (round % 2 == 0) {
                            Collections.reverse(order);
                        }
                        for (Contender contender : order) {
                            if (!contender.runs(handlers)) {
                                continue;
                            }
                            preload(channel, body, timing.messages());
                            Tally tally = cell(contender, prefetch, handlers, timing.messages());
                            awaitEmpty(channel);
                            String key = key(contender.name(), prefetch, handlers);
                            cells.computeIfAbsent(key, k -> new ArrayList<>()).add(tally.rate());
                            cpu.computeIfAbsent(key, k -> new ArrayList<>()).add(tally.cpuMicrosPerMessage());
                            csv.append(String.format(Locale.ROOT, "%d,%d,%d,%s,%.1f,%.2f%n", round, prefetch, handlers,
                                    contender.name(), tally.rate(), tally.cpuMicrosPerMessage()));
                            BenchMain.say(String.format(Locale.ROOT, "consume: round %d, prefetch %3d, %d handler(s), %-40s"
                                    + " %,9.0f msg/s, client CPU %5.1f us/msg", round, prefetch, handlers, contender.name(),
                                    tally.rate(), tally.cpuMicrosPerMessage()));
                        }
                    }
                }
            }
            results(report, contenders, cells, cpu);
            Files.writeString(settings.out().resolve("consume-cells.csv"), csv, StandardCharsets.UTF_8);
            report.writeCsv("consume");
        } finally {
            spring.destroy();
            raw.close();
            admin.close();
            holder.close().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        ResumeBench.run(report, node);
        report.writeCsv("consume");
    }

    /** Publishes {@code count} transient 1 KiB messages with confirms and checks that the queue holds them. */
    private static void preload(Channel channel, byte[] body, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            channel.basicPublish("", QUEUE, TRANSIENT, body);
        }
        channel.waitForConfirmsOrDie(TimeUnit.SECONDS.toMillis(120));
        int ready = channel.queueDeclarePassive(QUEUE).getMessageCount();
        if (ready != count) {
            throw new IllegalStateException("preloaded " + count + " messages but the queue holds " + ready);
        }
    }

    private static Tally cell(Contender contender, int prefetch, int handlers, int messages) throws Exception {
        Tally tally = new Tally(messages, messages / 5);
        try (Running running = contender.start(prefetch, handlers, tally)) {
            if (!tally.await(300, TimeUnit.SECONDS)) {
                throw new IllegalStateException(contender.name() + ": handled " + tally.handledCount() + " of "
                        + messages + " in 300 s");
            }
        }
        if (tally.failures() > 0) {
            throw new IllegalStateException(contender.name() + ": " + tally.failures() + " acks failed, first: "
                    + tally.firstFailure());
        }
        return tally;
    }

    /** Waits until no message and no consumer is left on the queue (every ack arrived, the consumer is gone). */
    private static void awaitEmpty(Channel channel) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            AMQP.Queue.DeclareOk state = channel.queueDeclarePassive(QUEUE);
            if (state.getMessageCount() == 0 && state.getConsumerCount() == 0) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("the queue still holds " + state.getMessageCount() + " messages and "
                        + state.getConsumerCount() + " consumers after the cell");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    private static void results(Report report, List<Contender> contenders, Map<String, List<Double>> cells,
            Map<String, List<Double>> cpu) {
        String tether = contenders.get(0).name();
        String raw = contenders.get(1).name();
        String spring = contenders.get(2).name();
        for (int prefetch : PREFETCHES) {
            for (int handlers : HANDLERS) {
                String cell = "prefetch " + prefetch + ", " + handlers + " handler" + (handlers > 1 ? "s" : "");
                for (Contender c : contenders) {
                    if (!c.runs(handlers)) {
                        continue;
                    }
                    List<Double> rates = cells.get(key(c.name(), prefetch, handlers));
                    report.add(new Report.Row("consume", c.name() + ", " + cell, "msg/s", PublishBench.median(rates),
                            Double.NaN, "", Double.NaN, Double.NaN, "", null, "rounds " + rates.stream().map(Report::fmt).toList()
                                    + "; client CPU " + Report.fmt(PublishBench.median(cpu.get(key(c.name(), prefetch, handlers))))
                                    + " us/msg"));
                }
                double t = PublishBench.median(cells.get(key(tether, prefetch, handlers)));
                double r = PublishBench.median(cells.get(key(raw, prefetch, handlers)));
                double s = PublishBench.median(cells.get(key(spring, prefetch, handlers)));
                report.add(new Report.Row("consume", "Tether vs raw, " + cell, "msg/s", t, Double.NaN, "raw basicConsume",
                        r, Double.NaN, ">= 0.9 x raw", t >= 0.9 * r, "medians of the rounds"));
                report.add(new Report.Row("consume", "Tether vs Spring, " + cell, "msg/s", t, Double.NaN,
                        "Spring SMLC, AUTO ack", s, Double.NaN, ">= Spring", t >= s, "medians of the rounds"));
                if (contenders.get(3).runs(handlers)) {
                    double h = PublishBench.median(cells.get(key(contenders.get(3).name(), prefetch, handlers)));
                    report.add(new Report.Row("consume", "Tether vs raw hand-off, " + cell, "msg/s", t, Double.NaN,
                            "raw, 1 worker thread", h, Double.NaN, "", null, "reference: the cost of handlers off the"
                                    + " client's thread"));
                }
            }
        }
    }

    private static int[] ints(String variable, String defaults) {
        return java.util.Arrays.stream(System.getenv().getOrDefault(variable, defaults).split(",")).map(String::strip)
                .mapToInt(Integer::parseInt).toArray();
    }

    private static String key(String contender, int prefetch, int handlers) {
        return contender + "|" + prefetch + "|" + handlers;
    }
}
