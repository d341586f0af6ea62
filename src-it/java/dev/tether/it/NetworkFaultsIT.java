package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.Backoff;
import dev.tether.ConnectionEvent.ConnectFailed;
import dev.tether.ConnectionEvent.Connected;
import dev.tether.ConnectionEvent.Connecting;
import dev.tether.ConnectionEvent.Disconnected;
import dev.tether.ConnectionSettings;
import dev.tether.ConnectionState;
import dev.tether.FailureKind;
import dev.tether.PersistentConnection;
import dev.tether.testing.FaultProxy;
import dev.tether.testing.RabbitMq;
import dev.tether.testing.RabbitMqNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Network faults between the holder and a real RabbitMQ node, injected by {@link FaultProxy}:
 * rows {@code reset}, {@code partition} and {@code handshake} of the reliability table.
 */
@ExtendWith(RabbitMq.class)
class NetworkFaultsIT {

    private static final Duration WAIT = Duration.ofSeconds(15);

    private final Timeline timeline = new Timeline();
    private FaultProxy proxy;
    private PersistentConnection holder;

    @AfterEach
    void closeHolderThenProxy() throws Exception {
        try {
            if (holder != null) {
                holder.close().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
        } finally {
            if (proxy != null) {
                proxy.close();
            }
        }
    }

    @Test
    void aResetConnectionIsRetriedAtOnceAndReconnectsInTheFirstAttempt(RabbitMqNode node) throws Exception {
        proxy = FaultProxy.start(node.port());
        // A backoff far longer than any scheduling delay: a first attempt made after one is told
        // apart from one made at once by seconds, not by milliseconds a loaded machine may add.
        Backoff backoff = Backoff.DEFAULT.withMax(Duration.ofSeconds(10)).withInitial(Duration.ofSeconds(5));
        holder = start(ConnectionSettings.builder("it-reset").uri(proxy.uri()).backoff(backoff));
        holder.await(WAIT);

        int cuts = 5;
        List<Long> detect = new ArrayList<>();
        List<Double> restart = new ArrayList<>();
        List<Long> recover = new ArrayList<>();
        StaleWindow stale = StaleWindow.watch(holder);
        try {
            for (int cut = 1; cut <= cuts; cut++) {
                long cutAt = System.nanoTime();
                proxy.cut();
                Connected again = timeline.await(Connected.class, cut + 1, WAIT);
                Disconnected lost = timeline.await(Disconnected.class, cut, WAIT);

                assertFalse(lost.applicationInitiated(), lost.toString());
                Connecting retry = assertInstanceOf(Connecting.class, timeline.following(lost),
                        "the event right after the loss is a new attempt: " + timeline);
                assertEquals(1, retry.attempt(), retry.toString());
                Duration gap = Duration.between(lost.at(), retry.at());
                assertTrue(gap.compareTo(Duration.ofSeconds(1)) <= 0,
                        "the new attempt starts at once after the loss, not after the 5 s backoff: "
                                + gap.toMillis() + " ms");
                assertEquals(List.of(retry), timeline.between(lost, again),
                        "only one attempt, no failure: " + timeline);
                assertEquals(1, again.attempt(), again.toString());
                long recoverMs = timeline.millisFrom(cutAt, again);
                assertTrue(recoverMs <= 2000, "reconnected within 2 s of the reset (no backoff), took " + recoverMs
                        + " ms");

                detect.add(timeline.millisFrom(cutAt, lost));
                restart.add(gap.toNanos() / 1e6);
                recover.add(recoverMs);
            }
        } finally {
            stale.close();
        }
        holder.await(WAIT);
        assertEquals(ConnectionState.CONNECTED, holder.state());
        Survives.report("reset", "cuts", cuts,
                "detect_ms", median(detect), "detect_max_ms", Collections.max(detect),
                "restart_gap_ms", String.format(Locale.ROOT, "%.1f", Collections.max(restart)),
                "recover_ms", median(recover), "recover_max_ms", Collections.max(recover),
                "attempt", 1, "closed_but_still_handed_out_max_ms", stale.checkedLongestMillis());
    }

    @Test
    void aSilentPartitionIsNoticedWithinTwoHeartbeatsAndHealsOnceTheNetworkIsBack(RabbitMqNode node)
            throws Exception {
        Duration heartbeat = Duration.ofSeconds(2);
        Duration limit = heartbeat.multipliedBy(2).plusSeconds(1);
        proxy = FaultProxy.start(node.port());
        holder = start(ConnectionSettings.builder("it-partition").uri(proxy.uri()).heartbeat(heartbeat)
                .connectionTimeout(Duration.ofSeconds(1)));
        holder.await(WAIT);

        long partitionAt = System.nanoTime();
        proxy.blackHole(true);
        Disconnected lost = timeline.await(Disconnected.class, 1, limit.plusSeconds(5));
        long detectMs = timeline.millisFrom(partitionAt, lost);
        assertTrue(detectMs <= limit.toMillis(), "a partition is noticed within 2 x heartbeat + 1 s = "
                + limit.toMillis() + " ms; took " + detectMs + " ms (" + lost + ")");
        assertFalse(lost.applicationInitiated());

        ConnectFailed whilePartitioned = timeline.await(ConnectFailed.class, 1, WAIT);
        assertEquals(FailureKind.TIMED_OUT, whilePartitioned.kind(),
                "a handshake into the partition times out: " + whilePartitioned);
        assertEquals(ConnectionState.CONNECTING, holder.state());

        long healAt = System.nanoTime();
        proxy.blackHole(false);
        Connected again = timeline.await(Connected.class, 2, WAIT);
        long healMs = timeline.millisFrom(healAt, again);
        assertTrue(healMs <= 3000, "reconnected within 3 s once the network is back; took " + healMs + " ms");
        holder.await(WAIT); // Connected listeners run before the state changes: wait for it to be published
        assertEquals(ConnectionState.CONNECTED, holder.state());

        Survives.report("partition", "heartbeat_s", heartbeat.toSeconds(), "detect_ms", detectMs,
                "limit_ms", limit.toMillis(), "detected_by", causeName(lost),
                "reconnect_after_heal_ms", healMs, "attempts", again.attempt());
    }

    @Test
    void aHandshakeThatNeverFinishesTimesOutAfterConnectionTimeoutAndIsRetriedPerBackoff(RabbitMqNode node)
            throws Exception {
        Duration timeout = Duration.ofSeconds(1);
        proxy = FaultProxy.start(node.port());
        proxy.blackHole(true); // every new connection is accepted, and nothing ever answers
        ConnectionSettings settings = ConnectionSettings.builder("it-handshake").uri(proxy.uri())
                .connectionTimeout(timeout).build();
        holder = PersistentConnection.builder(settings).listener(timeline).build();

        int failures = 3;
        timeline.await(Connecting.class, failures + 1, WAIT);
        List<Connecting> attempts = timeline.all(Connecting.class);
        List<ConnectFailed> failed = timeline.all(ConnectFailed.class);
        List<Long> attemptMs = new ArrayList<>();
        List<Long> delayMs = new ArrayList<>();
        List<Long> nextStartMs = new ArrayList<>();
        for (int n = 1; n <= failures; n++) {
            Connecting began = attempts.get(n - 1);
            ConnectFailed end = failed.get(n - 1);
            Connecting next = attempts.get(n);
            assertEquals(n, began.attempt());
            assertEquals(n, end.attempt());
            assertEquals(FailureKind.TIMED_OUT, end.kind(), end.toString());

            Duration elapsed = Duration.between(began.at(), end.at());
            // The RabbitMQ client times its wait in whole milliseconds: allow that one millisecond.
            assertTrue(elapsed.compareTo(timeout.minusMillis(1)) >= 0,
                    "the attempt is given up no earlier than connection-timeout: " + elapsed.toMillis() + " ms");
            assertTrue(elapsed.compareTo(timeout.multipliedBy(2).plusMillis(500)) <= 0,
                    "and no later than twice connection-timeout: " + elapsed.toMillis() + " ms");

            double base = settings.backoff().initial().toMillis() * Math.pow(settings.backoff().multiplier(), n - 1);
            double jitter = settings.backoff().jitter();
            long delay = end.nextDelay().toMillis();
            assertTrue(delay >= Math.floor(base * (1 - jitter)) && delay <= Math.ceil(base * (1 + jitter)),
                    "delay after failure " + n + " is " + base + " ms +/- " + jitter + ": " + end);
            Duration gap = Duration.between(end.at(), next.at());
            assertTrue(gap.compareTo(end.nextDelay().minusMillis(1)) >= 0
                    && gap.compareTo(end.nextDelay().plusMillis(250)) <= 0,
                    "attempt " + (n + 1) + " starts after the announced delay " + delay + " ms: " + gap.toMillis()
                            + " ms");

            attemptMs.add(elapsed.toMillis());
            delayMs.add(delay);
            nextStartMs.add(gap.toMillis());
        }
        ConnectFailed lastFailure = holder.status().lastFailure();
        assertNotNull(lastFailure);
        assertEquals(FailureKind.TIMED_OUT, lastFailure.kind());

        proxy.blackHole(false);
        Connected connected = timeline.await(Connected.class, 1, WAIT);
        assertTrue(connected.attempt() > failures, connected.toString());

        Survives.report("handshake", "connection_timeout_ms", timeout.toMillis(), "kind", FailureKind.TIMED_OUT,
                "attempt_ms", attemptMs, "next_delay_ms", delayMs, "next_attempt_after_ms", nextStartMs);
    }

    private PersistentConnection start(ConnectionSettings.Builder settings) {
        return PersistentConnection.builder(settings.build()).listener(timeline).build();
    }

    private static String causeName(Disconnected lost) {
        return lost.cause() == null ? "none" : lost.cause().getClass().getSimpleName()
                + (lost.cause().getCause() == null ? "" : "/" + lost.cause().getCause().getClass().getSimpleName());
    }

    static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
