package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import dev.tether.ConnectionEvent.Blocked;
import dev.tether.ConnectionEvent.ConnectFailed;
import dev.tether.ConnectionEvent.Connected;
import dev.tether.ConnectionEvent.Disconnected;
import dev.tether.ConnectionEvent.Unblocked;
import dev.tether.ConnectionSettings;
import dev.tether.ConnectionState;
import dev.tether.FailureKind;
import dev.tether.PersistentConnection;
import dev.tether.testing.Await;
import dev.tether.testing.RabbitMq;
import dev.tether.testing.RabbitMqNode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The broker itself misbehaving, with the holder connected straight to the shared node: rows
 * {@code stop-start}, {@code close-all} and {@code memory-alarm} of the reliability table. Each
 * test puts the node back as it found it (application started, default memory watermark).
 */
@ExtendWith(RabbitMq.class)
class BrokerFaultsIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    /** RabbitMQ's default {@code vm_memory_high_watermark}. */
    private static final double DEFAULT_WATERMARK = 0.4;

    private final Timeline timeline = new Timeline();
    private PersistentConnection holder;

    @AfterEach
    void closeHolder() throws Exception {
        if (holder != null) {
            holder.close().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void afterStopAppItRetriesAtMostEveryRefusedMaxAndReconnectsWithinOneStepOfStartApp(RabbitMqNode node)
            throws Exception {
        ConnectionSettings settings = ConnectionSettings.builder("it-stop-start").uri(node.uri())
                .connectionTimeout(Duration.ofSeconds(2)).build();
        Duration refusedMax = settings.backoff().refusedMax();
        holder = PersistentConnection.builder(settings).listener(timeline).build();
        holder.await(WAIT);

        long startAppReturned;
        long startAppMs;
        boolean stopped = false;
        StaleWindow stale = StaleWindow.watch(holder);
        try {
            node.stopApp();
            stopped = true;
            timeline.await(Disconnected.class, 1, WAIT);
            // A few refused attempts, so that the backoff has grown to its refused-max cap.
            Await.until("four refused attempts", WAIT, () -> timeline.all(ConnectFailed.class).stream()
                    .filter(f -> f.kind() == FailureKind.REFUSED).count() >= 4);
            long begin = System.nanoTime();
            node.startApp(); // returns once a probe's AMQP connection succeeded: the port is open
            startAppReturned = System.nanoTime();
            stopped = false;
            startAppMs = TimeUnit.NANOSECONDS.toMillis(startAppReturned - begin);
        } finally {
            if (stopped) {
                node.startApp();
            }
        }
        Connected again;
        try {
            again = timeline.await(Connected.class, 2, WAIT);
        } finally {
            stale.close();
        }
        long afterStartApp = timeline.millisFrom(startAppReturned, again);

        List<ConnectFailed> failures = timeline.all(ConnectFailed.class);
        long refused = failures.stream().filter(f -> f.kind() == FailureKind.REFUSED).count();
        long maxDelay = failures.stream().mapToLong(f -> f.nextDelay().toMillis()).max().orElse(0);
        for (ConnectFailed failed : failures) {
            assertTrue(failed.kind() == FailureKind.REFUSED || failed.kind() == FailureKind.HANDSHAKE_FAILED,
                    "a stopped application refuses, a stopping one ends the handshake: " + failed);
            assertTrue(failed.nextDelay().compareTo(refusedMax) <= 0,
                    "every retry while the broker is down waits at most refused-max: " + failed);
        }
        // One step: at most one delay (refused-max), then one attempt, bounded by connection-timeout; far
        // below backoff.max, which a holder that lost track of the refusals would wait.
        long oneStepMs = refusedMax.plus(settings.connectionTimeout()).toMillis();
        assertTrue(afterStartApp <= oneStepMs,
                "reconnected within refused-max (" + refusedMax.toMillis() + " ms) + connection-timeout ("
                        + settings.connectionTimeout().toMillis() + " ms) after start_app returned; took "
                        + afterStartApp + " ms\n" + timeline);
        holder.await(WAIT);
        try (Channel channel = holder.get().createChannel()) {
            assertTrue(channel.isOpen());
        }

        Survives.report("stop-start", "refused_attempts", refused, "failed_attempts", failures.size(),
                "max_delay_ms", maxDelay, "refused_max_ms", refusedMax.toMillis(),
                "start_app_ms", startAppMs, "reconnect_after_start_app_ms", afterStartApp,
                "downtime_ms", again.downtime().toMillis(), "closed_but_still_handed_out_ms", stale.checkedLongestMillis());
    }

    @Test
    void closeAllConnectionsIsRecoveredInTheFirstAttemptWithinOneSecond(RabbitMqNode node) throws Exception {
        holder = PersistentConnection.builder(ConnectionSettings.builder("it-close-all-row").uri(node.uri()).build())
                .listener(timeline).build();
        holder.await(WAIT);

        StaleWindow stale = StaleWindow.watch(holder);
        long callAt = System.nanoTime();
        Connected again;
        try {
            node.closeAllConnections("tether reliability test");
            again = timeline.await(Connected.class, 2, WAIT);
        } finally {
            stale.close();
        }
        Disconnected lost = timeline.all(Disconnected.class).get(0);

        assertFalse(lost.applicationInitiated());
        assertTrue(String.valueOf(lost.cause()).contains("320"), "CONNECTION_FORCED: " + lost);
        assertEquals(1, again.attempt(), again.toString());
        assertEquals(List.of(), timeline.all(ConnectFailed.class));
        long reconnectMs = timeline.millisBetween(lost, again);
        assertTrue(reconnectMs <= 1000, "reconnected within 1 s of the forced close; took " + reconnectMs + " ms");
        holder.await(WAIT);
        assertEquals(ConnectionState.CONNECTED, holder.state());

        // From the application's point of view the outage starts when the client marks the connection closed.
        long outageMs = stale.firstStaleAt() < 0 ? reconnectMs : timeline.millisFrom(stale.firstStaleAt(), again);

        Survives.report("close-all", "reconnect_ms", reconnectMs, "attempt", again.attempt(),
                "closed_but_still_handed_out_ms", stale.checkedLongestMillis(), "outage_seen_by_callers_ms", outageMs,
                "since_rabbitmqctl_call_ms", timeline.millisFrom(callAt, again));
    }

    @Test
    void aMemoryAlarmIsReportedAsBlockedInEventsAndStatusUntilItClears(RabbitMqNode node) throws Exception {
        holder = PersistentConnection.builder(ConnectionSettings.builder("it-memory-alarm").uri(node.uri()).build())
                .listener(timeline).build();
        holder.await(WAIT);
        Channel channel = holder.get().createChannel();
        assertFalse(holder.status().blocked());

        long publishAt;
        long blockedMs;
        String reason;
        boolean blockedInStatus;
        long restoreAt;
        try {
            node.setMemoryHighWatermark(0.0001);
            publishAt = System.nanoTime();
            // RabbitMQ blocks a connection (and says so) when it next publishes under the alarm.
            channel.basicPublish("", "tether-it-memory-alarm-nowhere", null, new byte[] {1});
            Blocked blocked = timeline.await(Blocked.class, 1, WAIT);
            blockedMs = timeline.millisFrom(publishAt, blocked);
            reason = blocked.reason();
            blockedInStatus = holder.status().blocked();
            assertNotNull(reason);
            assertTrue(reason.contains("memory"), blocked.toString());
            assertTrue(blockedInStatus, "status() reports the block the event announced: " + holder.status());
            assertEquals(reason, holder.status().blockedReason());
            assertEquals(ConnectionState.CONNECTED, holder.state(), "a blocked connection is still connected");
        } finally {
            restoreAt = System.nanoTime();
            node.setMemoryHighWatermark(DEFAULT_WATERMARK);
        }
        Unblocked unblocked = timeline.await(Unblocked.class, 1, WAIT);
        assertFalse(holder.status().blocked(), "unblocked in status(): " + holder.status());
        channel.close();

        Survives.report("memory-alarm", "blocked_after_publish_ms", blockedMs,
                "status_blocked", blockedInStatus, "reason", "'" + reason + "'",
                "unblocked_after_restore_call_ms", timeline.millisFrom(restoreAt, unblocked),
                "status_blocked_after", holder.status().blocked());
    }
}
