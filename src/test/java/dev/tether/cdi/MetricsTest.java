package dev.tether.cdi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.MetricsCollector;
import com.rabbitmq.client.impl.OpenTelemetryMetricsCollector;
import dev.tether.Channels;
import dev.tether.Persistent;
import dev.tether.PersistentConnection;
import dev.tether.PublishException;
import dev.tether.Publisher;
import dev.tether.testing.Await;
import dev.tether.testing.FaultProxy;
import dev.tether.testing.InMemoryMetrics;
import dev.tether.testing.QpidBroker;
import io.opentelemetry.api.OpenTelemetry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.jboss.weld.junit5.EnableWeld;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tether's OpenTelemetry metrics under CDI: recorded with the application's {@code OpenTelemetry}
 * bean (a real SDK read in memory), per connection name, on an embedded broker behind a fault proxy.
 */
@EnableWeld
class MetricsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String NAME = "tether.connection.name";
    private static final String WRONG_PASSWORD = "not-the-password-" + UUID.randomUUID();

    private static QpidBroker broker;
    private static FaultProxy proxy;
    private static TetherCdi.ConfigScope config;
    /** This test's SDK, produced as the application's OpenTelemetry bean (a new one per test). */
    private static InMemoryMetrics current;

    /** The application's OpenTelemetry and the client's collector for "orders", as a runtime would offer them. */
    @Dependent
    static class Telemetry {
        @Produces
        @ApplicationScoped
        OpenTelemetry openTelemetry() {
            return current.openTelemetry();
        }

        @Produces
        @Persistent("orders")
        @ApplicationScoped
        MetricsCollector ordersCollector() {
            return new OpenTelemetryMetricsCollector(current.openTelemetry());
        }
    }

    private final InMemoryMetrics metrics = new InMemoryMetrics();

    {
        current = metrics;
    }

    @BeforeAll
    static void start() {
        broker = QpidBroker.start();
        proxy = FaultProxy.start(broker.port());
        config = TetherCdi.config(Map.of(
                "tether.orders.uri", proxy.uri(),
                "tether.orders.backoff.initial", "10ms",
                "tether.orders.backoff.max", "50ms",
                "tether.orders.backoff.refused-max", "50ms",
                "tether.orders.await-timeout", "300ms",
                "tether.orders.channels.max", "4",
                "tether.orders.publish.confirm-timeout", "1s",
                "tether.intruder.uri", broker.uri(),
                "tether.intruder.password", WRONG_PASSWORD,
                "tether.intruder.eager", "false"));
    }

    @AfterAll
    static void stop() {
        config.close();
        proxy.close();
        broker.close();
    }

    @AfterEach
    void healTheProxy() {
        proxy.blackHole(false);
        proxy.refuse(false);
        metrics.close();
    }

    @WeldSetup
    WeldInitiator weld = WeldInitiator.from(TetherCdi.weld(Telemetry.class)).build();

    @Inject @Persistent("orders") PersistentConnection orders;
    @Inject @Persistent("orders") Channels channels;
    @Inject @Persistent("orders") Publisher publisher;
    @Inject @Persistent("intruder") PersistentConnection intruder;

    @Test
    void aConnectionCutIsCountedAsALossAndItsOutageIsRecorded() throws Exception {
        orders.await(WAIT);
        assertEquals(1, metrics.count("tether.connection.connects", NAME, "orders"));
        assertEquals(1, metrics.count("tether.connection.state", NAME, "orders", "tether.connection.state", "connected"));
        assertEquals(0, metrics.count("tether.connection.state", NAME, "orders", "tether.connection.state", "connecting"));
        assertEquals(0, metrics.count("tether.connection.losses", NAME, "orders"));
        assertEquals(0, metrics.histogramCount("tether.connection.outage.duration", NAME, "orders"),
                "the first connection is no outage");

        proxy.cut();
        Await.until("the reconnect", WAIT, () -> metrics.count("tether.connection.connects", NAME, "orders") == 2);

        assertEquals(1, metrics.count("tether.connection.losses", NAME, "orders"));
        assertEquals(1, metrics.histogramCount("tether.connection.outage.duration", NAME, "orders"));
        assertTrue(metrics.histogramSum("tether.connection.outage.duration", NAME, "orders") > 0);
        assertEquals("s", metrics.unit("tether.connection.outage.duration"));
        assertEquals(0, metrics.count("tether.connection.blocked", NAME, "orders"));
    }

    @Test
    void failedAttemptsAreCountedByFailureKindAndNoCredentialIsAnAttribute() throws Exception {
        orders.await(WAIT);
        proxy.refuse(true);
        proxy.cut();
        Await.until("refused attempts", WAIT,
                () -> metrics.count("tether.connection.failed_attempts", NAME, "orders", "error.type", "refused") >= 2);
        assertEquals(1, metrics.count("tether.connection.state", NAME, "orders", "tether.connection.state", "connecting"));

        intruder.current(); // the lazy holder's first attempt: the broker refuses its password
        Await.until("an authentication failure", WAIT, () -> metrics.count("tether.connection.failed_attempts",
                NAME, "intruder", "error.type", "authentication") >= 1);
        assertEquals(0, metrics.count("tether.connection.connects", NAME, "intruder"));

        proxy.refuse(false);
        Await.until("the reconnect", WAIT, () -> metrics.count("tether.connection.connects", NAME, "orders") == 2);
        for (String value : metrics.attributeValues()) {
            assertFalse(value.contains(WRONG_PASSWORD) || value.contains("guest") || value.contains("amqp:"), value);
        }
    }

    @Test
    void thePoolsReportTheirSizesAndBorrowWaits() throws Exception {
        String queue = "metrics-" + UUID.randomUUID();
        channels.run(channel -> {
            channel.queueDeclare(queue, false, false, true, null);
            assertEquals(1, metrics.count("tether.channel.count", NAME, "orders", "tether.channel.pool", "channels",
                    "tether.channel.state", "used"));
        });
        assertEquals(1, metrics.histogramCount("tether.channel.wait_time", NAME, "orders", "tether.channel.pool", "channels"));
        assertEquals(1, metrics.count("tether.channel.count", NAME, "orders", "tether.channel.pool", "channels",
                "tether.channel.state", "idle"));
        assertEquals(0, metrics.count("tether.channel.count", NAME, "orders", "tether.channel.pool", "channels",
                "tether.channel.state", "used"));
        assertEquals(4, metrics.count("tether.channel.max", NAME, "orders", "tether.channel.pool", "channels"));
        assertEquals(4, metrics.count("tether.channel.max", NAME, "orders", "tether.channel.pool", "confirm"));
        assertEquals(0, metrics.count("tether.channel.pending_requests", NAME, "orders", "tether.channel.pool", "channels"));

        publisher.publish("", queue, null, new byte[] {1});
        assertEquals(1, metrics.histogramCount("tether.channel.wait_time", NAME, "orders", "tether.channel.pool", "confirm"));
        assertEquals(1, metrics.count("tether.channel.count", NAME, "orders", "tether.channel.pool", "confirm",
                "tether.channel.state", "idle"));
    }

    @Test
    void everyPublishOutcomeIsCountedWithItsErrorType() throws Exception {
        String queue = "metrics-" + UUID.randomUUID();
        channels.run(channel -> channel.queueDeclare(queue, false, false, true, null));
        publisher.publish("", queue, null, new byte[] {1});
        assertEquals(1, metrics.count("messaging.client.sent.messages", NAME, "orders", "messaging.system", "rabbitmq",
                "messaging.operation.name", "publish", "error.type", null));
        assertEquals(1, metrics.histogramCount("messaging.client.operation.duration", NAME, "orders", "error.type", null));

        // Qpid nacks an unroutable mandatory message (RabbitMQ returns it): either way its reason is the error.type
        PublishException unroutable = assertThrows(PublishException.class,
                () -> publisher.publish("", "no-such-queue-" + UUID.randomUUID(), true, null, new byte[0]));
        assertEquals(1, metrics.count("messaging.client.sent.messages", NAME, "orders", "error.type", type(unroutable)));

        proxy.blackHole(true); // sent, never confirmed
        assertEquals(PublishException.Reason.TIMED_OUT, failure(publisher.publishAsync("", queue, null, new byte[0])));
        assertEquals(1, metrics.count("messaging.client.sent.messages", NAME, "orders", "error.type", "timed_out"));
        assertEquals(PublishException.Reason.TIMED_OUT, assertThrows(PublishException.class,
                () -> publisher.publish("", queue, null, new byte[0])).reason());
        assertEquals(2, metrics.count("messaging.client.sent.messages", NAME, "orders", "error.type", "timed_out"),
                "the blocking timeout too, once");

        CompletionStage<Void> lost = publisher.publishAsync("", queue, null, new byte[0]);
        proxy.cut();
        assertEquals(PublishException.Reason.CONNECTION_LOST, failure(lost));
        assertEquals(1, metrics.count("messaging.client.sent.messages", NAME, "orders", "error.type", "connection_lost"));

        proxy.refuse(true); // no connection within await-timeout: nothing is sent
        PublishException notSent = assertThrows(PublishException.class,
                () -> publisher.publish("", queue, null, new byte[0]));
        assertEquals(PublishException.Reason.NOT_SENT, notSent.reason());
        assertEquals(1, metrics.count("tether.publish.unsent", NAME, "orders", "error.type", "not_sent"));
        assertEquals(0, metrics.count("messaging.client.sent.messages", NAME, "orders", "error.type", "not_sent"));
        assertEquals(5, metrics.count("messaging.client.sent.messages", NAME, "orders"), "one outcome per sent publish");
    }

    @Test
    void theClientsOwnCollectorCountsTheMessagesOfEveryConnection() throws Exception {
        String queue = "metrics-" + UUID.randomUUID();
        channels.run(channel -> channel.queueDeclare(queue, false, false, true, null));
        publisher.publish("", queue, null, new byte[] {1});
        assertEquals(1, metrics.count("rabbitmq.published"));
        assertEquals(1, metrics.count("rabbitmq.connections"));

        proxy.cut();
        Await.until("the reconnect", WAIT, () -> metrics.count("tether.connection.connects", NAME, "orders") == 2);
        publisher.publish("", queue, null, new byte[] {2});
        assertEquals(2, metrics.count("rabbitmq.published"), "the collector is set on the new connection too");
        Await.until("the old connection's close", WAIT, () -> metrics.count("rabbitmq.connections") == 1);
    }

    private static PublishException.Reason failure(CompletionStage<Void> publish) throws Exception {
        try {
            publish.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            return ((PublishException) e.getCause()).reason();
        }
        throw new AssertionError("the publish was confirmed");
    }

    private static String type(PublishException failure) {
        return failure.reason().name().toLowerCase(Locale.ROOT);
    }
}
