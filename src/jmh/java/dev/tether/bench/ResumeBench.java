package dev.tether.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.tether.ConnectionEvent;
import dev.tether.ConnectionSettings;
import dev.tether.DeliveredMessage;
import dev.tether.PersistentConnection;
import dev.tether.Subscription;
import dev.tether.SubscriptionOptions;
import dev.tether.testing.RabbitMqNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * How long consuming takes to resume after {@code Connected}: a subscription holds messages when the
 * broker closes every connection ({@code close_all_connections}); the figure is the time from the
 * holder's {@code Connected} event (taken in the application's listener, which runs before Tether's
 * consumers subscribe) until the handler is called for the first message redelivered on the new
 * connection. Also noted: the time from the loss ({@code Disconnected}) to that delivery.
 *
 * <p>A round: {@value #MESSAGES} messages are published; the handler holds the first one (the others
 * wait, prefetched on the channel) while the broker closes the connection; the {@code Disconnected}
 * listener releases it (its ack is dropped: its channel is closed). All {@value #MESSAGES} are back in
 * the queue when the holder reconnects. A round ends once they were all handled again.
 */
final class ResumeBench {

    static final String QUEUE = "tether-bench-resume";
    static final int MESSAGES = 20;
    private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final AtomicLong lostAt = new AtomicLong();
    private final AtomicLong connectedAt = new AtomicLong();
    private final AtomicLong firstAt = new AtomicLong();
    private final AtomicInteger redelivered = new AtomicInteger();
    private volatile CountDownLatch hold = new CountDownLatch(0);
    private volatile CountDownLatch held = new CountDownLatch(0);

    private ResumeBench() {
    }

    static void run(Report report, RabbitMqNode node) throws Exception {
        int rounds = Integer.parseInt(System.getenv().getOrDefault("BENCH_RESUME_ROUNDS",
                "1".equals(System.getenv("BENCH_QUICK")) ? "5" : "20"));
        if (rounds == 0) {
            report.skipped("consume", "resume after Connected", "BENCH_RESUME_ROUNDS=0");
            return;
        }
        new ResumeBench().run(report, node, rounds);
    }

    private void run(Report report, RabbitMqNode node, int rounds) throws Exception {
        try (Connection admin = node.connectionFactory().newConnection("bench-resume-admin")) {
            Channel channel = admin.createChannel();
            channel.queueDeclare(QUEUE, true, false, false, null);
            channel.queuePurge(QUEUE);
        }
        PersistentConnection holder = PersistentConnection.builder(ConnectionSettings.builder("bench-resume")
                .uri(node.uri()).build()).listener(this::onEvent).build();
        List<Double> fromConnected = new ArrayList<>();
        List<Double> fromLoss = new ArrayList<>();
        try {
            holder.await(Duration.ofSeconds(60));
            Subscription subscription = holder.consumers().subscribe(QUEUE,
                    SubscriptionOptions.builder().prefetch(50).concurrency(1).build(), this::handle);
            byte[] body = new byte[1024];
            AMQP.BasicProperties transientMessage = new AMQP.BasicProperties.Builder().deliveryMode(1).build();
            for (int round = 1; round <= rounds; round++) {
                await(() -> subscription.state() == Subscription.State.CONSUMING, "the subscription to consume");
                lostAt.set(0);
                connectedAt.set(0);
                firstAt.set(0);
                redelivered.set(0);
                hold = new CountDownLatch(1);
                held = new CountDownLatch(1);
                for (int i = 0; i < MESSAGES; i++) {
                    holder.publisher().publish("", QUEUE, transientMessage, body);
                }
                CountDownLatch entered = held;
                await(() -> entered.getCount() == 0, "the handler to hold the first message");
                node.closeAllConnections("tether-bench resume round " + round);
                await(() -> firstAt.get() != 0, "the first delivery on the new connection");
                await(() -> redelivered.get() >= MESSAGES, "every message handled again");
                fromConnected.add((firstAt.get() - connectedAt.get()) / 1e6);
                fromLoss.add((firstAt.get() - lostAt.get()) / 1e6);
                BenchMain.say(String.format(Locale.ROOT, "consume resume %2d/%d: first delivery %6.1f ms after Connected,"
                        + " %6.1f ms after the loss", round, rounds, last(fromConnected), last(fromLoss)));
            }
        } finally {
            hold.countDown();
            holder.close().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        Stats c = Stats.of(fromConnected);
        Stats l = Stats.of(fromLoss);
        report.add(new Report.Row("consume", "resume after Connected (close_all_connections), first delivery", "ms",
                c.median(), c.p90(), "", Double.NaN, Double.NaN, "p90 < 50 ms", c.p90() < 50, String.format(Locale.ROOT,
                        "%d rounds; max %s ms; from the loss (Disconnected) to the first delivery: median %s, p90 %s,"
                                + " max %s ms; samples %s", c.count(), Report.fmt(c.max()), Report.fmt(l.median()),
                        Report.fmt(l.p90()), Report.fmt(l.max()), fromConnected.stream().map(Report::fmt).toList())));
    }

    /** On the holder's thread: stamps the loss and the new connection, and releases the held handler. */
    private void onEvent(ConnectionEvent event) {
        if (event instanceof ConnectionEvent.Connected) {
            connectedAt.compareAndSet(0, System.nanoTime());
        } else if (event instanceof ConnectionEvent.Disconnected) {
            lostAt.compareAndSet(0, System.nanoTime());
            hold.countDown();
        }
    }

    /**
     * Holds the round's first message until the loss; on the new connection every message is a
     * redelivery, so the first redelivered one after {@code Connected} is the resume.
     */
    private void handle(DeliveredMessage message) throws InterruptedException {
        long now = System.nanoTime();
        if (message.redelivered() && connectedAt.get() != 0) {
            firstAt.compareAndSet(0, now);
            redelivered.incrementAndGet();
            return;
        }
        CountDownLatch release = hold;
        if (held.getCount() > 0) {
            held.countDown();
            release.await(60, TimeUnit.SECONDS);
        }
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TIMEOUT_NANOS;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("resume: gave up waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
        }
    }

    private static double last(List<Double> values) {
        return values.get(values.size() - 1);
    }
}
