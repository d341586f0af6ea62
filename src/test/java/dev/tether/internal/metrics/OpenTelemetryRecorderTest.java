package dev.tether.internal.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.tether.ConnectionEvent;
import dev.tether.ConnectionState;
import dev.tether.FailureKind;
import dev.tether.PublishException;
import dev.tether.testing.EmbeddedBroker;
import dev.tether.testing.InMemoryMetrics;
import dev.tether.testing.QpidBroker;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One holder's recorder fed with the holder's events as records (events RabbitMQ alone sends, such
 * as {@code Blocked}, included) and read through the SDK's in-memory reader.
 */
@ExtendWith(EmbeddedBroker.class)
class OpenTelemetryRecorderTest {

    private static final String NAME = "tether.connection.name";
    private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");

    private final InMemoryMetrics metrics = new InMemoryMetrics();
    private final AtomicReference<ConnectionState> state = new AtomicReference<>(ConnectionState.CONNECTING);
    private final Recorder recorder = OpenTelemetryRecorders.of(metrics.openTelemetry()).create("orders", state::get);

    @AfterEach
    void close() {
        metrics.close();
    }

    @Test
    void blockedFollowsTheBrokerAndEndsWithTheConnection(QpidBroker broker) throws Exception {
        try (Connection connection = connect(broker)) {
            recorder.onEvent(connected(connection, Duration.ofMillis(20)));
            assertEquals(0, metrics.count("tether.connection.blocked", NAME, "orders"));
            recorder.onEvent(new ConnectionEvent.Blocked("orders", AT, "low on memory"));
            assertEquals(1, metrics.count("tether.connection.blocked", NAME, "orders"));
            recorder.onEvent(new ConnectionEvent.Unblocked("orders", AT));
            assertEquals(0, metrics.count("tether.connection.blocked", NAME, "orders"));
            recorder.onEvent(new ConnectionEvent.Blocked("orders", AT, "low on disk"));
            recorder.onEvent(new ConnectionEvent.Disconnected("orders", AT, new IOException("reset"), false));
            assertEquals(0, metrics.count("tether.connection.blocked", NAME, "orders"), "a new connection starts unblocked");
        }
    }

    @Test
    void anOutageIsTheDowntimeOfTheConnectionAfterALossOnly(QpidBroker broker) throws Exception {
        try (Connection connection = connect(broker)) {
            recorder.onEvent(connected(connection, Duration.ofSeconds(7))); // the first connection: no outage
            recorder.onEvent(new ConnectionEvent.Disconnected("orders", AT, null, true)); // reconnect(): no loss
            recorder.onEvent(connected(connection, Duration.ofMillis(3)));
            assertEquals(0, metrics.histogramCount("tether.connection.outage.duration", NAME, "orders"));
            assertEquals(0, metrics.count("tether.connection.losses", NAME, "orders"));

            recorder.onEvent(new ConnectionEvent.Disconnected("orders", AT, new IOException("reset"), false));
            recorder.onEvent(failed(FailureKind.REFUSED));
            recorder.onEvent(failed(FailureKind.REFUSED));
            recorder.onEvent(failed(FailureKind.TIMED_OUT));
            recorder.onEvent(connected(connection, Duration.ofMillis(1500)));

            assertEquals(1, metrics.count("tether.connection.losses", NAME, "orders"));
            assertEquals(3, metrics.count("tether.connection.connects", NAME, "orders"));
            assertEquals(2, metrics.count("tether.connection.failed_attempts", NAME, "orders", "error.type", "refused"));
            assertEquals(1, metrics.count("tether.connection.failed_attempts", NAME, "orders", "error.type", "timed_out"));
            assertEquals(1, metrics.histogramCount("tether.connection.outage.duration", NAME, "orders"));
            assertEquals(1.5, metrics.histogramSum("tether.connection.outage.duration", NAME, "orders"), 1e-9);
        }
    }

    @Test
    void theStateGaugeShowsOneStateAtATimeUntilClosed() {
        assertEquals(1, metrics.count("tether.connection.state", NAME, "orders", "tether.connection.state", "connecting"));
        state.set(ConnectionState.CONNECTED);
        assertEquals(1, metrics.count("tether.connection.state", NAME, "orders", "tether.connection.state", "connected"));
        assertEquals(0, metrics.count("tether.connection.state", NAME, "orders", "tether.connection.state", "connecting"));
        assertEquals(1, metrics.count("tether.connection.state", NAME, "orders"), "four states, one of them 1");

        recorder.published(null, 2_000_000);
        recorder.published(PublishException.Reason.NACKED, 1_000_000);
        recorder.close();
        assertTrue(metrics.sum("tether.connection.state", NAME, "orders").isEmpty(), "no callback after close");
        assertEquals(1, metrics.count("messaging.client.sent.messages", NAME, "orders", "error.type", "nacked"),
                "counters recorded stay");
        assertEquals(0.003, metrics.histogramSum("messaging.client.operation.duration", NAME, "orders"), 1e-9);
    }

    private static Connection connect(QpidBroker broker) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(broker.uri());
        factory.setAutomaticRecoveryEnabled(false);
        return factory.newConnection();
    }

    private static ConnectionEvent.Connected connected(Connection connection, Duration downtime) {
        return new ConnectionEvent.Connected("orders", AT, connection, new Address("127.0.0.1", 5672), 1, downtime);
    }

    private static ConnectionEvent.ConnectFailed failed(FailureKind kind) {
        return new ConnectionEvent.ConnectFailed("orders", AT, null, new ConnectException("refused"), kind, 1,
                Duration.ofMillis(10));
    }
}
