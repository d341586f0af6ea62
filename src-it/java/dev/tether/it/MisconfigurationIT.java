package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.Backoff;
import dev.tether.ConnectionEvent.ConnectFailed;
import dev.tether.ConnectionEvent.Connecting;
import dev.tether.ConnectionSettings;
import dev.tether.ConnectionState;
import dev.tether.ConnectionStatus;
import dev.tether.FailureKind;
import dev.tether.NotConnectedException;
import dev.tether.PersistentConnection;
import dev.tether.testing.RabbitMq;
import dev.tether.testing.RabbitMqNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Row {@code misconfig} of the reliability table: a wrong password, an unknown virtual host and a
 * virtual host the user has no permission on are classified as misconfiguration, retried at the
 * maximum delay, shown as a connecting holder with that failure, and the password appears nowhere
 * (events, status, exceptions, log). Their transient counterparts are in {@link BrokerRefusalsIT}.
 *
 * <p>{@code backoff.max} is 2 s here instead of 30 s, so that the retry itself is seen.
 */
@ExtendWith(RabbitMq.class)
class MisconfigurationIT {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final Duration MAX = Duration.ofSeconds(2);

    private final Timeline timeline = new Timeline();
    private final List<String> logged = new ArrayList<>();
    private final Logger root = Logger.getLogger("");
    private final Handler capture = new Handler() {
        private final SimpleFormatter format = new SimpleFormatter();

        @Override
        public void publish(LogRecord record) {
            synchronized (logged) {
                logged.add(format.format(record));
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
        root.addHandler(capture);
    }

    @AfterEach
    void closeHolder() throws Exception {
        root.removeHandler(capture);
        if (holder != null) {
            holder.close().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aWrongPasswordIsAnAuthenticationMisconfigurationRetriedAtTheMaximumDelayAndNeverShown(RabbitMqNode node)
            throws Exception {
        String secret = "Wr0ng-" + UUID.randomUUID();
        holder = start(ConnectionSettings.builder("it-misconfig-password").uri(node.uri()).password(secret));
        checkMisconfiguration("wrong-password", FailureKind.AUTHENTICATION, secret);
    }

    @Test
    void anUnknownVirtualHostIsAVirtualHostMisconfigurationRetriedAtTheMaximumDelayAndNeverShowsThePassword(
            RabbitMqNode node) throws Exception {
        String user = "tether-it-" + UUID.randomUUID().toString().substring(0, 8);
        String secret = "S3cret-" + UUID.randomUUID();
        node.addUser(user, secret);
        try {
            holder = start(ConnectionSettings.builder("it-misconfig-vhost").uri(node.uri()).username(user)
                    .password(secret).virtualHost("tether-it-no-such-vhost"));
            checkMisconfiguration("unknown-virtual-host", FailureKind.VIRTUAL_HOST, secret);
        } finally {
            node.rabbitmqctl("delete_user", user);
        }
    }

    @Test
    void aVirtualHostTheUserHasNoPermissionOnIsAVirtualHostMisconfigurationNotCapacity(RabbitMqNode node)
            throws Exception {
        String user = "tether-it-" + UUID.randomUUID().toString().substring(0, 8);
        String secret = "S3cret-" + UUID.randomUUID();
        node.addUser(user, secret); // no permission anywhere: 530 "access to vhost '/' refused for user"
        try {
            holder = start(ConnectionSettings.builder("it-misconfig-permission").uri(node.uri()).username(user)
                    .password(secret));
            checkMisconfiguration("no-permission-on-virtual-host", FailureKind.VIRTUAL_HOST, secret);
            String cause = String.valueOf(timeline.all(ConnectFailed.class).get(0).cause().getCause());
            assertTrue(cause.contains("reply-code=530") && cause.contains("refused for user"), cause);
        } finally {
            node.rabbitmqctl("delete_user", user);
        }
    }

    private void checkMisconfiguration(String scenario, FailureKind expected, String secret) throws Exception {
        Backoff backoff = holder.settings().backoff();
        timeline.await(Connecting.class, 3, WAIT);
        List<ConnectFailed> failed = timeline.all(ConnectFailed.class);
        List<Connecting> attempts = timeline.all(Connecting.class);
        assertTrue(failed.size() >= 2, timeline.toString());
        long floor = (long) Math.floor(MAX.toMillis() * (1 - backoff.jitter()));
        List<Long> delays = new ArrayList<>();
        List<Long> gaps = new ArrayList<>();
        for (int n = 1; n <= 2; n++) {
            ConnectFailed failure = failed.get(n - 1);
            assertEquals(expected, failure.kind(), failure.toString());
            assertTrue(failure.kind().misconfiguration());
            long delay = failure.nextDelay().toMillis();
            assertTrue(delay >= floor && delay <= MAX.toMillis(),
                    "misconfiguration is retried at backoff.max less the jitter, from the first failure: [" + floor
                            + ", " + MAX.toMillis() + "] ms, was " + delay + " ms");
            Duration gap = Duration.between(failure.at(), attempts.get(n).at());
            assertTrue(gap.compareTo(failure.nextDelay().minusMillis(1)) >= 0,
                    "the next attempt waited the announced delay: " + gap.toMillis() + " ms < " + delay + " ms");
            delays.add(delay);
            gaps.add(gap.toMillis());
        }

        ConnectionStatus status = holder.status();
        assertEquals(ConnectionState.CONNECTING, status.state(), status.toString());
        assertNotNull(status.lastFailure(), status.toString());
        assertEquals(expected, status.lastFailure().kind());
        assertTrue(status.attempts() >= 1, status.toString());
        NotConnectedException notConnected = assertThrows(NotConnectedException.class, holder::get);
        assertTrue(notConnected.getMessage().contains(expected.name()), notConnected.getMessage());
        TimeoutException timedOut = assertThrows(TimeoutException.class, () -> holder.await(Duration.ofMillis(50)));

        StringBuilder shown = new StringBuilder();
        timeline.entries().forEach(e -> shown.append(e.event()).append('\n'));
        shown.append(status).append('\n').append(holder).append('\n').append(holder.settings()).append('\n');
        shown.append(stackTrace(notConnected)).append(stackTrace(timedOut));
        failed.forEach(f -> shown.append(f.describe()).append('\n').append(stackTrace(f.cause())));
        synchronized (logged) {
            logged.forEach(shown::append);
        }
        boolean secretShown = shown.indexOf(secret) >= 0;
        assertFalse(secretShown, "the password appears in:\n" + shown);
        assertFalse(logged.isEmpty(), "the misconfiguration was logged (and checked for the password)");

        Survives.report("misconfig", "case", scenario, "kind", expected, "misconfiguration", true,
                "next_delay_ms", delays, "next_attempt_after_ms", gaps, "max_ms", MAX.toMillis(),
                "jitter", backoff.jitter(), "state", status.state(),
                "last_failure", status.lastFailure().kind(), "password_shown", secretShown);
    }

    private PersistentConnection start(ConnectionSettings.Builder settings) {
        ConnectionSettings built = settings.connectionTimeout(Duration.ofSeconds(5))
                .backoff(Backoff.DEFAULT.withMax(MAX)).build();
        return PersistentConnection.builder(built).listener(timeline).build();
    }

    private static String stackTrace(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}
