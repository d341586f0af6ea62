package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import dev.tether.ConnectionEvent;
import dev.tether.ConnectionEvent.ConnectFailed;
import dev.tether.ConnectionEvent.Connected;
import dev.tether.ConnectionEvent.Disconnected;
import dev.tether.ConnectionSettings;
import dev.tether.ConnectionState;
import dev.tether.FailureKind;
import dev.tether.PersistentConnection;
import dev.tether.testing.Await;
import dev.tether.testing.FaultProxy;
import dev.tether.testing.RabbitMq;
import dev.tether.testing.RabbitMqNode;
import dev.tether.testing.ThreadLeaks;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The holder against a real RabbitMQ node. */
@ExtendWith(RabbitMq.class)
class PersistentConnectionIT {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String SECRET = "It-S3cret-Never-Shown";

    private final List<ConnectionEvent> events = new CopyOnWriteArrayList<>();
    private PersistentConnection holder;

    @AfterEach
    void closeHolder() throws Exception {
        if (holder != null) {
            holder.close().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void connectsWithItsClientNameAndReconnectsAtOnceAfterCloseAllConnections(RabbitMqNode node) throws Exception {
        holder = start(ConnectionSettings.builder("it-close-all").uri(node.uri()));
        holder.await(WAIT);
        Await.slowly("the broker to list tether-it-close-all", WAIT,
                () -> node.connectionNames().contains("tether-it-close-all"));

        node.closeAllConnections("tether integration test");

        Connected again = await(Connected.class, 2);
        Disconnected lost = last(Disconnected.class);
        assertFalse(lost.applicationInitiated());
        assertTrue(String.valueOf(lost.cause().getMessage()).contains("320"), lost.toString());
        assertEquals(1, again.attempt(), "the first attempt after the loss connects, with no backoff");
        assertEquals(0, all(ConnectFailed.class).size());
        assertEquals(ConnectionState.CONNECTED, holder.state());
    }

    @Test
    void whileTheBrokerIsStoppedAttemptsAreRefusedAndCappedThenItReconnectsWhenItIsBack(RabbitMqNode node)
            throws Exception {
        holder = start(ConnectionSettings.builder("it-stop").uri(node.uri()));
        holder.await(WAIT);
        try {
            node.stopApp();
            Await.until("three refused attempts", WAIT, () -> all(ConnectFailed.class).size() >= 3);
        } finally {
            node.startApp();
        }
        holder.await(WAIT);
        for (ConnectFailed failed : all(ConnectFailed.class)) {
            assertTrue(failed.kind() == FailureKind.REFUSED || failed.kind() == FailureKind.HANDSHAKE_FAILED,
                    failed.toString());
            assertTrue(failed.nextDelay().compareTo(Duration.ofSeconds(1)) <= 0 || failed.kind() != FailureKind.REFUSED,
                    "refused attempts wait at most backoff.refused-max: " + failed);
        }
        assertTrue(all(ConnectFailed.class).stream().anyMatch(f -> f.kind() == FailureKind.REFUSED),
                "a stopped RabbitMQ application refuses connections: " + all(ConnectFailed.class));
        try (Channel channel = holder.get().createChannel()) {
            assertTrue(channel.isOpen());
        }
    }

    @Test
    void aWrongPasswordIsClassifiedAsMisconfigurationAndNeverShown(RabbitMqNode node) throws Exception {
        holder = start(ConnectionSettings.builder("it-password").uri(node.uri()).password(SECRET));
        ConnectFailed failed = await(ConnectFailed.class, 1);
        assertEquals(FailureKind.AUTHENTICATION, failed.kind(), failed.toString());
        assertEquals(Duration.ofSeconds(30).toMillis(), failed.nextDelay().toMillis(), 30_000 * 0.3 + 1);
        String shown = events + " " + holder.status() + " " + holder.settings();
        assertFalse(shown.contains(SECRET), shown);
    }

    @Test
    void anUnknownVirtualHostIsClassifiedAsMisconfiguration(RabbitMqNode node) throws Exception {
        holder = start(ConnectionSettings.builder("it-vhost").uri(node.uri()).virtualHost("no-such-vhost"));
        ConnectFailed failed = await(ConnectFailed.class, 1);
        assertEquals(FailureKind.VIRTUAL_HOST, failed.kind(), failed.toString());
    }

    @Test
    void twoHundredConnectDropCyclesLeaveNoThreadAndAtMostOneBrokerConnection(RabbitMqNode node) throws Exception {
        try (FaultProxy proxy = FaultProxy.start(node.port())) {
            ThreadLeaks.Baseline baseline = ThreadLeaks.baseline();
            holder = start(ConnectionSettings.builder("it-cycles").uri(proxy.uri()));
            holder.await(WAIT);
            int maxListed = 0;
            for (int cycle = 1; cycle <= 200; cycle++) {
                proxy.cut();
                await(Connected.class, cycle + 1);
                if (cycle % 25 == 0) {
                    Await.slowly("one connection named tether-it-cycles after cycle " + cycle, WAIT,
                            () -> named(node, "tether-it-cycles") == 1);
                    maxListed = Math.max(maxListed, named(node, "tether-it-cycles"));
                }
            }
            assertEquals(1, maxListed);
            holder.close().toCompletableFuture().get(30, TimeUnit.SECONDS);
            Await.slowly("no connection named tether-it-cycles", WAIT, () -> named(node, "tether-it-cycles") == 0);
            baseline.awaitNoNewThreads(WAIT, "fault-proxy", "ForkJoinPool");
        }
    }

    private static int named(RabbitMqNode node, String name) {
        return (int) node.connectionNames().stream().filter(name::equals).count();
    }

    private PersistentConnection start(ConnectionSettings.Builder settings) {
        return PersistentConnection.builder(settings.connectionTimeout(Duration.ofSeconds(5)).build())
                .listener(events::add).build();
    }

    private <T extends ConnectionEvent> List<T> all(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).collect(Collectors.toList());
    }

    private <T extends ConnectionEvent> T last(Class<T> type) {
        List<T> all = all(type);
        return all.get(all.size() - 1);
    }

    private <T extends ConnectionEvent> T await(Class<T> type, int count) {
        Await.until(count + " " + type.getSimpleName() + " events in " + events, WAIT, () -> all(type).size() >= count);
        return last(type);
    }
}
