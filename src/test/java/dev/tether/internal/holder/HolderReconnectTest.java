package dev.tether.internal.holder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Address;
import com.rabbitmq.client.AddressResolver;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import dev.tether.Backoff;
import dev.tether.ConnectionEvent;
import dev.tether.ConnectionEvent.ConnectFailed;
import dev.tether.ConnectionEvent.Connected;
import dev.tether.ConnectionEvent.Connecting;
import dev.tether.ConnectionEvent.Disconnected;
import dev.tether.ConnectionSettings;
import dev.tether.ConnectionState;
import dev.tether.FailureKind;
import dev.tether.internal.threads.ManualScheduler;
import dev.tether.testing.EmbeddedBroker;
import dev.tether.testing.FaultProxy;
import dev.tether.testing.FixedRandom;
import dev.tether.testing.QpidBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EmbeddedBroker.class)
class HolderReconnectTest {

    private static final Duration REAL_DEADLINE = Duration.ofSeconds(10);

    private final ManualScheduler scheduler = new ManualScheduler();
    private final Recorder events = new Recorder();

    @Test
    void afterAConnectionResetTheNextAttemptStartsWithNoDelay(QpidBroker broker) throws Exception {
        try (FaultProxy proxy = FaultProxy.start(broker.port())) {
            ConnectionHolder holder = connectedHolder(proxy.uri());
            Connection first = holder.get();

            proxy.cut();
            scheduler.awaitAndRunDue(REAL_DEADLINE);

            Disconnected lost = events.last(Disconnected.class);
            assertFalse(lost.applicationInitiated());
            Connecting next = events.last(Connecting.class);
            assertEquals(lost.at(), next.at(), "the first attempt after a loss must not wait");
            assertEquals(1, next.attempt());
            Connected again = events.last(Connected.class);
            assertEquals(Duration.ZERO, again.downtime());
            assertNotSame(first, holder.get());
            assertEquals(ConnectionState.CONNECTED, holder.state());
            holder.close();
            scheduler.runDue();
        }
    }

    @Test
    void afterTheBrokerStopsTheNextAttemptStartsAtOnceThenBacksOffUntilItIsBack() throws Exception {
        try (QpidBroker own = QpidBroker.start()) {
            ConnectionHolder holder = connectedHolder(own.uri());
            CountDownLatch clientNotified = new CountDownLatch(1); // added after the holder's own listener
            holder.get().addShutdownListener(cause -> clientNotified.countDown());

            own.stop();
            scheduler.awaitAndRunDue(REAL_DEADLINE);
            assertTrue(clientNotified.await(REAL_DEADLINE.toSeconds(), TimeUnit.SECONDS));
            // Two notices of the one loss (the closure-signalling channel and the client's shutdown
            // listener) must give one task: nothing else is queued but the next attempt.
            // Requested so far: the first attempt, the loss, the immediate attempt, and the next one.
            assertEquals(List.of(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ofMillis(100)),
                    scheduler.delays(), "one task for the loss, however many notices");

            Disconnected lost = events.last(Disconnected.class);
            Connecting immediate = events.last(Connecting.class);
            assertEquals(lost.at(), immediate.at());
            ConnectFailed refused = events.last(ConnectFailed.class);
            assertEquals(FailureKind.REFUSED, refused.kind());
            assertEquals(Duration.ofMillis(100), refused.nextDelay());
            assertEquals(ConnectionState.CONNECTING, holder.state());
            assertEquals(1, holder.status().attempts());

            own.restart();
            assertEquals(Duration.ofMillis(100), scheduler.advanceToNext());
            Connected back = events.last(Connected.class);
            assertEquals(2, back.attempt());
            assertEquals(Duration.ofMillis(100), back.downtime());
            assertEquals(ConnectionState.CONNECTED, holder.state());
            assertEquals(0, holder.status().attempts());
            holder.close();
            scheduler.runDue();
        }
    }

    @Test
    void failedAttemptsWaitAccordingToThePolicyWithinTheJitterBounds() {
        FixedRandom random = new FixedRandom(0.5);
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(3), 2, 0.3, Duration.ofSeconds(3));
        ConnectionSettings settings = ConnectionSettings.builder()
                .uri("amqp://127.0.0.1:" + Ports.closed()).backoff(backoff).build();
        ConnectionHolder holder = Holders.manual(settings, scheduler, random, null, events);
        holder.start();
        scheduler.runDue();

        double[] draws = {0.0, 0.999, 0.5, 0.25, 0.75, 0.1, 0.9};
        long[] bases = {200, 400, 800, 1600, 3000, 3000, 3000};
        for (int i = 0; i < draws.length; i++) {
            random.set(draws[i]);
            Duration waited = scheduler.advanceToNext();
            ConnectFailed failed = events.last(ConnectFailed.class);
            assertEquals(i + 2, failed.attempt());
            long expected = bases[i] >= 3000
                    ? (long) (3e9 * (1 - 0.3 * draws[i]))  // at the cap: jitter downward only
                    : (long) Math.min(3e9, bases[i] * 1e6 * (1 + 0.3 * (2 * draws[i] - 1)));
            assertEquals(expected, failed.nextDelay().toNanos(), "delay after failure " + (i + 2));
            assertTrue(failed.nextDelay().toMillis() >= Math.min(3000, bases[i]) * 0.7 - 1
                    && failed.nextDelay().toMillis() <= Math.min(3000, bases[i] * 1.3));
            assertEquals(events.all(ConnectFailed.class).get(i).nextDelay(), waited,
                    "the holder waited exactly the announced delay");
        }
        holder.close();
        scheduler.runDue();
    }

    @Test
    void randomJitterKeepsEveryDelayWithinBounds() {
        Backoff backoff = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(2), 1.5, 0.3, Duration.ofSeconds(2));
        ConnectionSettings settings = ConnectionSettings.builder()
                .uri("amqp://127.0.0.1:" + Ports.closed()).backoff(backoff).build();
        ConnectionHolder holder = Holders.manual(settings, scheduler, new SplittableRandom(7), null, events);
        holder.start();
        scheduler.runDue();
        for (int i = 0; i < 25; i++) {
            scheduler.advanceToNext();
        }
        List<ConnectFailed> failures = events.all(ConnectFailed.class);
        assertEquals(26, failures.size());
        for (ConnectFailed failed : failures) {
            double base = Math.min(2000, 50 * Math.pow(1.5, failed.attempt() - 1));
            long millis = failed.nextDelay().toMillis();
            assertTrue(millis >= (long) (base * 0.7) - 1 && millis <= Math.min(2000, base * 1.3),
                    millis + " ms after attempt " + failed.attempt());
        }
        holder.close();
    }

    @Test
    void theResolverIsAskedOnceEveryAttemptAndARefusingFirstAddressFallsThroughToTheSecond(QpidBroker broker) {
        AtomicInteger calls = new AtomicInteger();
        AtomicReference<List<Address>> answer = new AtomicReference<>(
                List.of(new Address("127.0.0.1", Ports.closed()), new Address("127.0.0.1", Ports.closed())));
        AddressResolver resolver = () -> {
            calls.incrementAndGet();
            return answer.get();
        };
        ConnectionHolder holder = Holders.manual(ConnectionSettings.builder().build(), scheduler, new FixedRandom(0.5),
                resolver, events);
        holder.start();
        scheduler.runDue();
        scheduler.advanceToNext();
        scheduler.advanceToNext();
        assertEquals(3, calls.get());
        assertEquals(3, events.all(ConnectFailed.class).size());

        Address refusing = new Address("127.0.0.1", Ports.closed());
        Address alive = new Address("127.0.0.1", broker.port());
        answer.set(List.of(refusing, alive)); // FixedRandom keeps the order: the refusing one is tried first
        scheduler.advanceToNext();

        assertEquals(4, calls.get());
        Connected connected = events.last(Connected.class);
        assertEquals(alive, connected.address());
        assertEquals(4, connected.attempt(), "connected within the same attempt");
        assertEquals(3, events.all(ConnectFailed.class).size());
        holder.close();
        scheduler.runDue();
    }

    @Test
    void updatedUriTimeoutAndBackoffTakeEffectOnTheNextAttempt(QpidBroker broker) throws Exception {
        ConnectionSettings refused = ConnectionSettings.builder().uri("amqp://127.0.0.1:" + Ports.closed()).build();
        ConnectionHolder holder = Holders.manual(refused, scheduler, new FixedRandom(0.5), null, events);
        holder.start();
        scheduler.runDue();
        assertEquals(Duration.ofMillis(100), events.last(ConnectFailed.class).nextDelay());

        holder.update(s -> s.toBuilder().backoff(Backoff.DEFAULT.withInitial(Duration.ofMillis(700))
                .withRefusedMax(Duration.ofSeconds(30))).build());
        scheduler.advanceToNext();
        assertEquals(Duration.ofMillis(1400), events.last(ConnectFailed.class).nextDelay(), "new backoff");

        try (FaultProxy silent = FaultProxy.start(broker.port())) {
            silent.blackHole(true);
            holder.update(s -> s.toBuilder().uri(silent.uri()).connectionTimeout(Duration.ofMillis(300)).build());
            long start = System.nanoTime();
            scheduler.advanceToNext();
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
            ConnectFailed timedOut = events.last(ConnectFailed.class);
            assertEquals(FailureKind.TIMED_OUT, timedOut.kind());
            assertEquals(silent.port(), timedOut.address().getPort(), "new URI");
            assertTrue(elapsedMillis >= 300 && elapsedMillis < 5_000, "new timeout, took " + elapsedMillis + " ms");
        }

        holder.update(s -> s.toBuilder().uri(broker.uri()).build());
        assertEquals(broker.port(), holder.settings().addresses().get(0).getPort());
        scheduler.advanceToNext();
        assertEquals(ConnectionState.CONNECTED, holder.state());
        assertEquals(broker.port(), events.last(Connected.class).address().getPort());
        holder.close();
        scheduler.runDue();
    }

    @Test
    void reconnectReplacesTheLiveConnectionAtOnce(QpidBroker broker) throws Exception {
        ConnectionHolder holder = connectedHolder(broker.uri());
        Connection first = holder.get();
        holder.reconnect();
        scheduler.runDue();
        Disconnected requested = events.last(Disconnected.class);
        assertTrue(requested.applicationInitiated());
        assertFalse(first.isOpen());
        assertNotSame(first, holder.get());
        assertEquals(List.of("Connecting", "Connected", "Disconnected", "Connecting", "Connected"), events.names());
        holder.close();
        scheduler.runDue();
    }

    @Test
    void aLazyHolderConnectsOnFirstUse(QpidBroker broker) throws Exception {
        ConnectionSettings lazy = ConnectionSettings.builder().uri(broker.uri()).eager(false).build();
        ConnectionHolder holder = Holders.manual(lazy, scheduler, new FixedRandom(0.5), null, events);
        assertEquals(0, scheduler.queued(), "nothing starts before first use");
        assertTrue(holder.current().isEmpty());
        scheduler.runDue();
        assertTrue(holder.get().isOpen());
        holder.close();
        scheduler.runDue();
    }

    @Test
    void aConnectedListenerRefusedADeprecatedFeatureIsMisconfigurationRetriedAtTheMaximumDelay(QpidBroker broker)
            throws Exception {
        // What queueDeclare throws on RabbitMQ 4.x when the broker denies non-durable, non-exclusive
        // queues: the whole connection closed with 541 (the real broker is in RejectingObserverIT).
        IOException refused = new IOException(new ShutdownSignalException(true, false, new AMQP.Connection.Close.Builder()
                .replyCode(541).replyText("INTERNAL_ERROR - Feature `transient_nonexcl_queues` is deprecated.")
                .classId(50).methodId(10).build(), null));
        ConnectionSettings settings = HolderAccessTest.settings(broker.uri());
        ConnectionHolder holder = Holders.manual(settings, scheduler, new FixedRandom(0.5), null, events, event -> {
            if (event instanceof Connected) {
                throw new UncheckedIOException(refused);
            }
        });
        holder.start();
        scheduler.runDue();

        ConnectFailed rejected = events.last(ConnectFailed.class);
        assertEquals(FailureKind.DEPRECATED_FEATURE, rejected.kind());
        assertTrue(rejected.kind().misconfiguration());
        assertTrue(rejected.describe().contains("transient_nonexcl_queues")
                && rejected.describe().contains("durable or exclusive"), rejected.describe());
        Backoff backoff = settings.backoff();
        assertEquals(Duration.ofNanos((long) (backoff.max().toNanos() * (1 - backoff.jitter() * 0.5))),
                rejected.nextDelay(), "at backoff.max (jittered downward), not the transient backoff");
        holder.close();
        scheduler.runDue();
    }

    @Test
    void aThrowingConnectedListenerRejectsTheConnectionAndTheHolderRetriesAfterTheBackoff(QpidBroker broker)
            throws Exception {
        AtomicInteger calls = new AtomicInteger();
        IllegalStateException boom = new IllegalStateException("topology declaration failed");
        ConnectionHolder holder = Holders.manual(HolderAccessTest.settings(broker.uri()), scheduler,
                new FixedRandom(0.5), null, events, event -> {
                    if (event instanceof Connected && calls.incrementAndGet() == 1) {
                        throw boom;
                    }
                });
        holder.start();
        scheduler.runDue();

        ConnectFailed rejected = events.last(ConnectFailed.class);
        assertEquals(FailureKind.APPLICATION, rejected.kind());
        assertEquals(boom, rejected.cause());
        Connection discarded = events.all(Connected.class).get(0).connection();
        assertFalse(discarded.isOpen(), "the rejected connection is closed");
        assertEquals(ConnectionState.CONNECTING, holder.state());
        assertEquals(Duration.ofMillis(100), rejected.nextDelay());

        scheduler.advanceToNext();
        assertEquals(ConnectionState.CONNECTED, holder.state());
        assertEquals(2, events.all(Connected.class).size());
        holder.close();
        scheduler.runDue();
    }

    @Test
    void aListenerMeetingALockedExclusiveQueueIsAResourceLockedFailureRetriedWithinRefusedMax(QpidBroker broker)
            throws Exception {
        AtomicInteger calls = new AtomicInteger();
        com.rabbitmq.client.ShutdownSignalException locked = new com.rabbitmq.client.ShutdownSignalException(false, false,
                new com.rabbitmq.client.AMQP.Channel.Close.Builder().replyCode(405)
                        .replyText("RESOURCE_LOCKED - cannot obtain exclusive access to locked queue 'q' in vhost '/'")
                        .classId(50).methodId(10).build(), null);
        ConnectionHolder holder = Holders.manual(HolderAccessTest.settings(broker.uri()), scheduler,
                new FixedRandom(0.5), null, events, event -> {
                    if (event instanceof Connected && calls.incrementAndGet() <= 12) {
                        throw new java.io.UncheckedIOException(new java.io.IOException(locked));
                    }
                });
        holder.start();
        scheduler.runDue();
        for (int i = 1; i < 12; i++) {
            scheduler.advanceToNext();
        }

        ConnectFailed last = events.last(ConnectFailed.class);
        assertEquals(FailureKind.RESOURCE_LOCKED, last.kind(), last.toString());
        assertTrue(last.describe().contains("RESOURCE_LOCKED - cannot obtain exclusive access to locked queue 'q'"),
                last.describe());
        assertEquals(Duration.ofMillis(850), last.nextDelay(),
                "capped at backoff.refused-max (1 s, less the jitter), not backoff.max (30 s)");
        scheduler.advanceToNext();
        assertEquals(ConnectionState.CONNECTED, holder.state());
        holder.close();
        scheduler.runDue();
    }

    private ConnectionHolder connectedHolder(String uri) {
        ConnectionHolder holder =
                Holders.manual(HolderAccessTest.settings(uri), scheduler, new FixedRandom(0.5), null, events);
        holder.start();
        scheduler.runDue();
        assertEquals(ConnectionState.CONNECTED, holder.state(), () -> "events: " + events.events());
        return holder;
    }

    static boolean isConnected(ConnectionEvent event) {
        return event instanceof Connected;
    }
}
