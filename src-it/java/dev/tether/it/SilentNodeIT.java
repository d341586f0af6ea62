package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.ConnectionEvent.ConnectFailed;
import dev.tether.ConnectionEvent.Connected;
import dev.tether.ConnectionEvent.Disconnected;
import dev.tether.ConnectionSettings;
import dev.tether.PersistentConnection;
import dev.tether.testing.FaultProxy;
import dev.tether.testing.RabbitMqCluster;
import dev.tether.testing.RabbitMqClusterExtension;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Row {@code silent-node}: three addresses, two cluster nodes and a "node" that accepts TCP but
 * never speaks AMQP (a {@link ServerSocket} that accepts and says nothing: what a hung node or a
 * dead listener behind a load balancer looks like). The two nodes are reached through
 * {@link FaultProxy}s, and the connection is reset again and again ({@link FaultProxy#cut()} on
 * the proxy it goes through), so each reconnect costs milliseconds, not a {@code rabbitmqctl} call. The first time the shuffle puts the
 * silent address first, the attempt gives up on it after {@code connection-timeout} and moves on
 * in the same attempt; after that, the silent address goes last, so no later reconnect waits on it.
 */
@ExtendWith(RabbitMqClusterExtension.class)
class SilentNodeIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    /** Reconnects until the shuffle has put the silent address first (1 in 3 each time). */
    private static final int MAX_RECONNECTS_TO_MEET_IT = 30;
    /** Reconnects after that, none of which may try it first. */
    private static final int RECONNECTS_AFTER = 12;

    @Test
    void theAttemptMovesOnWithinConnectionTimeoutAndLaterAttemptsTryTheSilentNodeLast(RabbitMqCluster cluster)
            throws Exception {
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        AtomicInteger accepts = new AtomicInteger();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
                FaultProxy first = FaultProxy.start(cluster.node(0).port());
                FaultProxy second = FaultProxy.start(cluster.node(1).port())) {
            List<FaultProxy> proxies = List.of(first, second);
            Thread acceptor = new Thread(() -> {
                while (!silent.isClosed()) {
                    try {
                        accepted.add(silent.accept()); // held open, never written to
                        accepts.incrementAndGet();
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "it-silent-node-acceptor");
            acceptor.start();
            Timeline timeline = new Timeline();
            String addresses = "127.0.0.1:" + silent.getLocalPort() + ",127.0.0.1:" + first.port()
                    + ",127.0.0.1:" + second.port();
            PersistentConnection holder = PersistentConnection.builder(ConnectionSettings.builder("it-silent")
                            .uri(cluster.uri()).addresses(addresses).connectionTimeout(TIMEOUT).build())
                    .listener(timeline).build();
            try {
                Connected initial = timeline.await(Connected.class, 1, WAIT);
                int connectedCount = 1;
                long metItMs = -1;
                int reconnectsToMeetIt = 0;
                if (accepts.get() > 0) { // the first connection already tried it first
                    metItMs = initial.downtime().toMillis();
                    assertMovedOn(initial, metItMs, timeline);
                }
                while (accepts.get() == 0) {
                    assertTrue(reconnectsToMeetIt < MAX_RECONNECTS_TO_MEET_IT,
                            "the shuffle never put the silent address first in " + MAX_RECONNECTS_TO_MEET_IT + " reconnects");
                    reconnect(proxies, timeline, connectedCount++);
                    reconnectsToMeetIt++;
                    if (accepts.get() > 0) {
                        Connected c = timeline.all(Connected.class).get(connectedCount - 1);
                        metItMs = timeline.millisBetween(lastDisconnected(timeline), c);
                        assertMovedOn(c, metItMs, timeline);
                    }
                }
                int acceptsAfterMeeting = accepts.get();
                List<Long> laterMs = new ArrayList<>();
                for (int i = 0; i < RECONNECTS_AFTER; i++) {
                    Connected c = reconnect(proxies, timeline, connectedCount++);
                    laterMs.add(timeline.millisBetween(lastDisconnected(timeline), c));
                }
                Survives.report("silent-node", "connection_timeout_ms", TIMEOUT.toMillis(),
                        "reconnects_until_shuffled_first", reconnectsToMeetIt, "first_meeting_reconnect_ms", metItMs,
                        "later_reconnects", RECONNECTS_AFTER, "later_tries_of_silent", accepts.get() - acceptsAfterMeeting,
                        "later_reconnect_max_ms", laterMs.stream().mapToLong(Long::longValue).max().orElse(-1));
                assertEquals(acceptsAfterMeeting, accepts.get(), "later attempts never tried the silent address first");
                assertTrue(laterMs.stream().allMatch(ms -> ms < TIMEOUT.toMillis()), "no later wait on it: " + laterMs);
                assertTrue(timeline.all(ConnectFailed.class).isEmpty(), "no attempt failed: " + timeline);
            } finally {
                holder.close().toCompletableFuture().get(30, TimeUnit.SECONDS);
                silent.close();
                acceptor.join(TimeUnit.SECONDS.toMillis(10));
                for (Socket s : accepted) {
                    s.close();
                }
            }
        }
    }

    private static void assertMovedOn(Connected c, long ms, Timeline timeline) {
        assertEquals(1, c.attempt(), "moved on within the same attempt: " + timeline);
        assertTrue(ms >= TIMEOUT.toMillis() - 100, "the silent address was tried first and waited on: " + ms + " ms");
        assertTrue(ms < TIMEOUT.toMillis() * 2, "gave up within connection-timeout: " + ms + " ms");
    }

    /** Resets the connection at the proxy it goes through; returns the next {@code Connected} (number {@code count + 1}). */
    private static Connected reconnect(List<FaultProxy> proxies, Timeline timeline, int count) {
        Connected current = timeline.all(Connected.class).get(count - 1);
        proxies.stream().filter(p -> p.port() == current.address().getPort()).findFirst().orElseThrow().cut();
        return timeline.await(Connected.class, count + 1, WAIT);
    }

    private static Disconnected lastDisconnected(Timeline timeline) {
        List<Disconnected> all = timeline.all(Disconnected.class);
        return all.get(all.size() - 1);
    }
}
