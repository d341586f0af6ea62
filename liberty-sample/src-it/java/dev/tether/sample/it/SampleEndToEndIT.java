package dev.tether.sample.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.Await;
import dev.tether.testing.RabbitMq;
import dev.tether.testing.RabbitMqNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The sample on a real Open Liberty against a private RabbitMQ node: readiness follows the broker,
 * recovery needs no restart of Liberty, and messages flow again after recovery. Each timing is
 * printed as it is measured ({@code E2E <what>: <ms> ms}).
 */
@ExtendWith({RabbitMq.class, RequireLiberty.class})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SampleEndToEndIT {

    static final String USER = "sample-app";
    static final String PASSWORD = "E2e-S3cret-Pa55";

    private static RabbitMqNode node;
    private static LibertyServer liberty;

    @BeforeAll
    static void start(RabbitMqNode shared) throws Exception {
        node = shared;
        node.addUser(USER, PASSWORD);
        node.setPermissions("/", USER);
        liberty = LibertyServer.start("amqp://" + USER + ":" + PASSWORD + "@127.0.0.1:" + node.port());
    }

    @AfterAll
    static void stop() throws Exception {
        if (liberty != null) {
            liberty.close();
        }
    }

    @Test
    @Order(1)
    void readinessIsUpWithTheConnectionsDataAndNoPassword() {
        Await.until("readiness UP", Duration.ofSeconds(15), () -> liberty.get("/health/ready").statusCode() == 200);
        HttpResponse<String> ready = liberty.get("/health/ready");
        assertEquals(200, ready.statusCode(), ready.body());
        assertTrue(ready.body().contains("\"default.state\":\"CONNECTED\""), ready.body());
        assertTrue(ready.body().contains("\"default.address\":\"127.0.0.1:" + node.port() + "\""), ready.body());
        assertFalse(ready.body().contains(PASSWORD), ready.body());
        assertFalse(liberty.get("/api/status").body().contains(PASSWORD));
        assertFalse(liberty.get("/health/live").body().contains("tether"),
                "no liveness check: a broker outage must not restart the pod");
    }

    @Test
    @Order(2)
    void aServletInjectsTheNamedConnectionItsKeysDeclare() {
        Await.until("the audit connection", Duration.ofSeconds(15), () -> liberty.get("/audit").statusCode() == 200);
        HttpResponse<String> audit = liberty.get("/audit");
        assertEquals("audit connection open: tether-liberty-sample-audit", audit.body());
        assertTrue(node.connectionNames().contains("tether-liberty-sample-audit"), node.connectionNames().toString());
    }

    @Test
    @Order(3)
    void stopAppTurnsReadinessDownAndStartAppBringsItBackWithoutRestartingLiberty() {
        node.rabbitmqctl("stop_app");
        long stopped = System.nanoTime();
        Await.until("readiness DOWN after stop_app", Duration.ofSeconds(10),
                () -> liberty.get("/health/ready").statusCode() == 503);
        long downMillis = (System.nanoTime() - stopped) / 1_000_000;
        System.out.println("E2E stop_app -> /health/ready 503: " + downMillis + " ms");
        assertEquals(200, liberty.get("/health/live").statusCode(), "liveness stays UP during the outage");

        node.rabbitmqctl("start_app");
        long started = System.nanoTime();
        Await.until("readiness UP after start_app", Duration.ofSeconds(15),
                () -> liberty.get("/health/ready").statusCode() == 200);
        long upMillis = (System.nanoTime() - started) / 1_000_000;
        System.out.println("E2E start_app -> /health/ready 200: " + upMillis + " ms");

        assertTrue(downMillis <= 2_000, "DOWN took " + downMillis + " ms (limit 2 s)");
        assertTrue(upMillis <= 3_000, "UP took " + upMillis + " ms (limit 3 s)");
        assertPublishedMessageIsConsumed("after-restart-" + UUID.randomUUID());
    }

    @Test
    @Order(4)
    void closeAllConnectionsIsRecoveredWithinOneSecond() {
        int connectedBefore = count(liberty.get("/api/status").body(), "\"type\":\"Connected\"");
        int subscribedBefore = count(liberty.get("/api/status").body(), "\"type\":\"SubscriptionStarted\"");
        node.closeAllConnections("tether end-to-end test");
        long closed = System.nanoTime();
        Await.until("a new connection and readiness UP", Duration.ofSeconds(10),
                () -> count(liberty.get("/api/status").body(), "\"type\":\"Connected\"") > connectedBefore
                        && liberty.get("/health/ready").statusCode() == 200);
        long millis = (System.nanoTime() - closed) / 1_000_000;
        System.out.println("E2E close_all_connections -> reconnected and UP: " + millis + " ms");
        assertTrue(millis <= 1_000, "recovery took " + millis + " ms (limit 1 s)");
        assertPublishedMessageIsConsumed("after-close-all-" + UUID.randomUUID());
        String events = liberty.get("/api/status").body();
        assertTrue(events.contains("\"type\":\"SubscriptionLost\""), "the page's log shows the subscription lost: " + events);
        assertTrue(count(events, "\"type\":\"SubscriptionStarted\"") > subscribedBefore,
                "and started again on the new connection: " + events);
    }

    @Test
    @Order(5)
    void tetherMetricsAreExportedThroughMicroProfileTelemetryWithoutThePassword() {
        // the console exporter writes every 10 s, one line per metric: wait for every line asserted,
        // as a read can come in the middle of an export; the cuts above made a loss and its outage
        List<String> expected = List.of("name=tether.connection.connects", "name=tether.connection.losses",
                "name=tether.connection.outage.duration", "name=tether.channel.count",
                "name=messaging.client.sent.messages",
                "tether.connection.name=\"default\", tether.connection.state=\"connected\"");
        Await.until("Tether's metrics in messages.log: " + expected, Duration.ofSeconds(30),
                () -> expected.stream().allMatch(liberty.messagesLog()::contains));
        String log = liberty.messagesLog();
        for (String line : expected) {
            assertTrue(log.contains(line), line + " missing\n" + liberty.messagesTail());
        }
        assertFalse(log.contains(PASSWORD));
    }

    static void assertPublishedMessageIsConsumed(String text) {
        HttpResponse<String> published = liberty.postText("/api/messages", text);
        assertEquals(200, published.statusCode(), published.body());
        assertTrue(published.body().contains("\"outcome\":\"confirmed\""), published.body());
        Await.until("'" + text + "' consumed", Duration.ofSeconds(10),
                () -> liberty.get("/api/messages").body().contains(text));
    }

    static int count(String text, String needle) {
        int count = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
            count++;
        }
        return count;
    }
}
