package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.PossibleAuthenticationFailureException;
import dev.tether.Backoff;
import dev.tether.ConnectionEvent.ConnectFailed;
import dev.tether.ConnectionEvent.Connected;
import dev.tether.ConnectionSettings;
import dev.tether.FailureKind;
import dev.tether.PersistentConnection;
import dev.tether.testing.Await;
import dev.tether.testing.RabbitMq;
import dev.tether.testing.RabbitMqNode;
import java.io.EOFException;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Broker replies that refuse a connection for a reason that goes away by itself: a reached
 * connection limit ({@code CAPACITY}), a virtual host that is down (541), the handshake ended by
 * the network or by the node stopping. Each must be reported as transient, retried with the
 * normal exponential backoff (not {@code backoff.max}, which misconfiguration gets), logged at
 * WARNING, and connect again soon after the cause is gone. Row {@code capacity} of the reliability
 * table. The misconfiguration counterparts (wrong password, unknown virtual host, no permission on
 * it) are in {@link MisconfigurationIT}.
 *
 * <p>Each test works in a virtual host or with a user of its own and deletes it; the one that
 * stops the node's application starts it again.
 */
@ExtendWith(RabbitMq.class)
class BrokerRefusalsIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    /** The defaults: 100 ms doubling, ±30 %, capped at 30 s (misconfiguration: 21-30 s from the first failure). */
    private static final Backoff BACKOFF = Backoff.DEFAULT;

    private final Timeline timeline = new Timeline();
    private final List<LogRecord> logged = new ArrayList<>();
    private final Logger log = Logger.getLogger("dev.tether");
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            synchronized (logged) {
                logged.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private PersistentConnection holder;

    @BeforeEach
    void captureLog() {
        log.addHandler(capture);
    }

    @AfterEach
    void closeHolder() throws Exception {
        log.removeHandler(capture);
        closeHolderNow();
    }

    @Test
    void aReachedVirtualHostConnectionLimitIsCapacityRetriedWithTheNormalBackoffAndConnectsSoonAfterItIsLifted(
            RabbitMqNode node) throws Exception {
        String vhost = "tether-it-limit-" + UUID.randomUUID().toString().substring(0, 8);
        node.addVhost(vhost);
        try {
            node.setPermissions(vhost, "guest");
            node.rabbitmqctl("set_vhost_limits", "-p", vhost, "{\"max-connections\": 0}");
            holder = start("it-capacity-vhost", node.uri() + "/" + vhost);
            checkRetriedWithTheNormalBackoff(FailureKind.CAPACITY, "connection limit (0) is reached", 5);

            long liftBegin = System.nanoTime();
            node.rabbitmqctl("clear_vhost_limits", "-p", vhost);
            long lifted = System.nanoTime();
            Connected connected = timeline.await(Connected.class, 1, WAIT);
            report("vhost-connection-limit", "clear_vhost_limits -p " + vhost, liftBegin, lifted, connected);
        } finally {
            closeHolderNow();
            node.rabbitmqctl("delete_vhost", vhost);
        }
    }

    @Test
    void aReachedUserConnectionLimitIsCapacityAndConnectsAfterItIsLifted(RabbitMqNode node) throws Exception {
        String user = "tether-it-limited-" + UUID.randomUUID().toString().substring(0, 8);
        node.addUser(user, "limited");
        try {
            node.setPermissions("/", user);
            node.rabbitmqctl("set_user_limits", user, "{\"max-connections\": 0}");
            holder = start("it-capacity-user", node.uri().replace("guest:guest", user + ":limited"));
            checkRetriedWithTheNormalBackoff(FailureKind.CAPACITY, "user connection limit (0) is reached", 4);

            long liftBegin = System.nanoTime();
            node.rabbitmqctl("clear_user_limits", user, "all");
            long lifted = System.nanoTime();
            Connected connected = timeline.await(Connected.class, 1, WAIT);
            report("user-connection-limit", "clear_user_limits <user> all", liftBegin, lifted, connected);
        } finally {
            closeHolderNow();
            node.rabbitmqctl("delete_user", user);
        }
    }

    @Test
    void aChannelLimitThatRefusesTheClosureSignalIsCapacityNotAReconnectLoop(RabbitMqNode node) throws Exception {
        String user = "tether-it-channels-" + UUID.randomUUID().toString().substring(0, 8);
        node.addUser(user, "limited");
        try {
            node.setPermissions("/", user);
            // The broker accepts the connection, then closes it (530) when its first channel opens.
            node.rabbitmqctl("set_user_limits", user, "{\"max-channels\": 0}");
            holder = start("it-capacity-channels", node.uri().replace("guest:guest", user + ":limited"));
            checkRetriedWithTheNormalBackoff(FailureKind.CAPACITY, "number of channels opened", 4);
            assertEquals(0, timeline.all(Connected.class).size(), "no connection looked established");

            long liftBegin = System.nanoTime();
            node.rabbitmqctl("clear_user_limits", user, "all");
            long lifted = System.nanoTime();
            Connected connected = timeline.await(Connected.class, 1, WAIT);
            report("user-channel-limit", "clear_user_limits <user> all", liftBegin, lifted, connected);
        } finally {
            closeHolderNow();
            node.rabbitmqctl("delete_user", user);
        }
    }

    @Test
    void aVirtualHostThatIsDownIsTransientAndConnectsOnceItIsRestarted(RabbitMqNode node) throws Exception {
        String vhost = "tether-it-down-" + UUID.randomUUID().toString().substring(0, 8);
        node.addVhost(vhost);
        try {
            node.setPermissions(vhost, "guest");
            // Stops the vhost's supervision tree (what a crashed message store leaves behind): the
            // vhost still exists, but rabbit_reader answers connection.open with 541 "vhost ... is down".
            String stopped = node.rabbitmqctl("eval",
                    "rabbit_vhost_sup_sup:stop_and_delete_vhost(<<\"" + vhost + "\">>).").strip();
            assertEquals("ok", stopped);
            holder = start("it-vhost-down", node.uri() + "/" + vhost);
            checkRetriedWithTheNormalBackoff(FailureKind.HANDSHAKE_FAILED, "vhost '" + vhost + "' is down", 4);
            assertTrue(chain(timeline.all(ConnectFailed.class).get(0).cause()).contains("reply-code=541"),
                    timeline.toString());

            long liftBegin = System.nanoTime();
            node.rabbitmqctl("restart_vhost", "-p", vhost);
            long lifted = System.nanoTime();
            Connected connected = timeline.await(Connected.class, 1, WAIT);
            report("vhost-down", "restart_vhost -p " + vhost, liftBegin, lifted, connected);
        } finally {
            closeHolderNow();
            node.rabbitmqctl("delete_vhost", vhost);
        }
    }

    @Test
    void aHandshakeCutAfterTheCredentialsIsTransientNotAnAuthenticationFailure(RabbitMqNode node) throws Exception {
        try (StartOkProxy proxy = StartOkProxy.start(node.port())) {
            proxy.arm(StartOkProxy.Fault.CUT);
            holder = start("it-handshake-cut", proxy.uri("guest", "guest"));
            Connected connected = timeline.await(Connected.class, 1, WAIT);
            assertEquals(1, proxy.faulted());
            List<ConnectFailed> failures = timeline.all(ConnectFailed.class);
            assertEquals(1, failures.size(), timeline.toString());
            ConnectFailed cut = failures.get(0);
            checkEndedAfterTheCredentials(cut);
            assertEquals(2, connected.attempt(), connected.toString());
            Survives.report("capacity", "case", "handshake-cut-after-start-ok", "kind", cut.kind(),
                    "cause", chain(cut.cause()), "next_delay_ms", cut.nextDelay().toMillis(),
                    "connected_after_failure_ms", timeline.millisBetween(cut, connected));
            closeHolderNow();
        }
    }

    @Test
    void aNodeStoppingDuringTheHandshakeIsTransientNotAnAuthenticationFailure(RabbitMqNode node) throws Exception {
        try (StartOkProxy proxy = StartOkProxy.start(node.port())) {
            proxy.arm(StartOkProxy.Fault.HOLD);
            // The client then waits 2 × connection-timeout for connection.tune: far longer than stop_app takes.
            holder = PersistentConnection.builder(ConnectionSettings.builder("it-handshake-node-stop")
                    .uri(proxy.uri("guest", "guest")).connectionTimeout(Duration.ofSeconds(15)).build())
                    .listener(timeline).build();
            Await.slowly("the client's start-ok held by the proxy", WAIT, () -> proxy.faulted() == 1);
            long stopBegin = System.nanoTime();
            long stopReturned;
            boolean stopped = false;
            ConnectFailed ended;
            try {
                node.stopApp();
                stopped = true;
                stopReturned = System.nanoTime();
                ended = timeline.await(ConnectFailed.class, 1, WAIT);
                assertTrue(timeline.nanosOf(ended) >= stopBegin, "ended by stop_app, not before: " + ended);
                checkEndedAfterTheCredentials(ended);
                node.startApp();
                stopped = false;
            } finally {
                if (stopped) {
                    node.startApp();
                }
            }
            Connected connected = timeline.await(Connected.class, 1, WAIT);
            for (ConnectFailed failed : timeline.all(ConnectFailed.class)) {
                assertFalse(failed.kind().misconfiguration(), failed.toString());
            }
            Survives.report("capacity", "case", "node-stop-during-handshake", "kind", ended.kind(),
                    "cause", chain(ended.cause()), "next_delay_ms", ended.nextDelay().toMillis(),
                    "failed_after_stop_app_began_ms", timeline.millisFrom(stopBegin, ended),
                    "stop_app_ms", TimeUnit.NANOSECONDS.toMillis(stopReturned - stopBegin),
                    "failed_attempts", timeline.all(ConnectFailed.class).size(),
                    "connected_attempt", connected.attempt());
            closeHolderNow();
        }
    }

    /** The client reported a possible authentication failure; its cause shows the stream ended: transient. */
    private void checkEndedAfterTheCredentials(ConnectFailed failed) {
        assertTrue(holds(failed.cause(), PossibleAuthenticationFailureException.class),
                "the client reports an end after start-ok as a possible authentication failure: "
                        + chain(failed.cause()));
        assertTrue(holds(failed.cause(), EOFException.class) || holds(failed.cause(), SocketException.class),
                "ended by the end of the stream: " + chain(failed.cause()));
        assertEquals(FailureKind.HANDSHAKE_FAILED, failed.kind(), failed.toString());
        assertFalse(failed.kind().misconfiguration());
        long ceiling = (long) Math.ceil(BACKOFF.initial().toMillis() * (1 + BACKOFF.jitter()));
        assertTrue(failed.nextDelay().toMillis() <= ceiling,
                "first failure: the initial delay, not backoff.max: " + failed.nextDelay().toMillis() + " ms");
    }

    /**
     * Waits for {@code count} failures and checks each: the expected kind, transient, the broker's
     * reply text, the n-th delay on the normal curve {@code initial × multiplier^(n-1) ± jitter}
     * (far below the {@code backoff.max × (1 − jitter)} = 21 s misconfiguration gets), logged at
     * WARNING and never at ERROR.
     */
    private void checkRetriedWithTheNormalBackoff(FailureKind expected, String replyText, int count) {
        timeline.await(ConnectFailed.class, count, WAIT);
        List<ConnectFailed> failures = timeline.all(ConnectFailed.class);
        for (int n = 1; n <= count; n++) {
            ConnectFailed failed = failures.get(n - 1);
            assertEquals(expected, failed.kind(), failed.toString());
            assertFalse(failed.kind().misconfiguration());
            assertTrue(chain(failed.cause()).contains(replyText), chain(failed.cause()));
            double base = Math.min(BACKOFF.max().toMillis(),
                    BACKOFF.initial().toMillis() * Math.pow(BACKOFF.multiplier(), n - 1));
            long delay = failed.nextDelay().toMillis();
            assertTrue(delay >= Math.floor(base * (1 - BACKOFF.jitter())) - 1 && delay <= base * (1 + BACKOFF.jitter()),
                    "failure " + n + ": delay " + delay + " ms is not " + base + " ms ± jitter");
        }
        synchronized (logged) {
            assertFalse(logged.stream().anyMatch(r -> r.getLevel() == Level.SEVERE), messages());
            assertTrue(logged.stream().anyMatch(r -> r.getLevel() == Level.WARNING
                    && r.getMessage().contains(expected.name())), messages());
        }
    }

    private void report(String scenario, String command, long liftBegin, long lifted, Connected connected) {
        List<ConnectFailed> failures = timeline.all(ConnectFailed.class);
        ConnectFailed last = failures.get(failures.size() - 1);
        long afterLift = timeline.millisFrom(lifted, connected);
        // The attempt after the lift waits at most the delay announced by the last failure.
        assertTrue(afterLift <= last.nextDelay().toMillis() + 1_000,
                "connected within the announced delay (" + last.nextDelay().toMillis() + " ms) + 1 s after "
                        + command + " returned; took " + afterLift + " ms\n" + timeline);
        List<Long> delays = failures.stream().map(f -> f.nextDelay().toMillis()).collect(Collectors.toList());
        Survives.report("capacity", "case", scenario, "kind", last.kind(), "command", "'" + command + "'",
                "failed_attempts", failures.size(), "next_delay_ms", delays,
                "command_ms", TimeUnit.NANOSECONDS.toMillis(lifted - liftBegin),
                "connected_after_command_returned_ms", afterLift,
                "connected_after_command_began_ms", timeline.millisFrom(liftBegin, connected),
                "connected_attempt", connected.attempt());
    }

    private PersistentConnection start(String name, String uri) {
        ConnectionSettings settings = ConnectionSettings.builder(name).uri(uri)
                .connectionTimeout(Duration.ofSeconds(5)).backoff(BACKOFF).build();
        return PersistentConnection.builder(settings).listener(timeline).build();
    }

    private void closeHolderNow() throws Exception {
        if (holder != null) {
            holder.close().toCompletableFuture().get(30, TimeUnit.SECONDS);
            holder = null;
        }
    }

    private String messages() {
        synchronized (logged) {
            return logged.stream().map(r -> r.getLevel() + " " + r.getMessage()).collect(Collectors.joining("\n"));
        }
    }

    private static boolean holds(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String chain(Throwable failure) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            text.append(text.length() == 0 ? "" : " <- ").append(t.getClass().getSimpleName()).append(": ")
                    .append(t.getMessage());
        }
        return text.toString();
    }
}
