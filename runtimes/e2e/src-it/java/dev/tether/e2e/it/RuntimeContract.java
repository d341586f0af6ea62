package dev.tether.e2e.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.e2e.it.Http.Reply;
import dev.tether.testing.Await;
import dev.tether.testing.RabbitMq;
import dev.tether.testing.RabbitMqNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What every runtime of the matrix must do with the test application (runtimes/app), checked in
 * order on one server start: it deploys with the broker down and turns ready when the broker
 * starts; messages make the round trip on the default and the named connection, and the subscription
 * the application made at startup through {@code Consumers} consumes; readiness follows
 * {@code stop_app} / {@code start_app}; {@code close_all_connections} is recovered within 1 s and
 * consuming resumes; and a clean shutdown leaves no broker connection, after the application's
 * {@code @PreDestroy} published its last message and the handler in flight at SIGTERM finished and
 * was acked. A subclass says how its runtime starts.
 *
 * <p>The default connection uses the broker's virtual host {@code /}; the named connection
 * {@code audit} has its own URI, on virtual host {@value #AUDIT_VHOST}. Each timing is printed as it
 * is measured ({@code E2E <runtime> <what>: <ms> ms}).
 */
@ExtendWith({RabbitMq.class, RequireServer.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class RuntimeContract {

    static final String AUDIT_VHOST = "e2e-audit";
    static final List<String> CONNECTIONS = List.of("default", "audit");

    private RabbitMqNode node;
    private AppServer server;

    /**
     * @return the runtime's short name, in client names and timings: {@code payara}, {@code wildfly},
     *     {@code quarkus}, {@code helidon}, {@code liberty}
     */
    abstract String runtime();

    /**
     * Starts the runtime with the application; returns once the application answers.
     *
     * @param war the application as a war (runtimes that run their own build of it ignore it)
     * @param work a fresh folder for the server's files
     * @param environment the application's configuration, as environment variables
     */
    abstract AppServer start(Path war, Path work, Map<String, String> environment) throws Exception;

    @BeforeAll
    void startTheServerWithTheBrokerDown(RabbitMqNode shared) throws Exception {
        node = shared;
        if (!node.rabbitmqctl("list_vhosts", "--quiet", "--no-table-headers", "name").lines()
                .anyMatch(AUDIT_VHOST::equals)) {
            node.addVhost(AUDIT_VHOST);
        }
        node.setPermissions(AUDIT_VHOST, "guest");
        Path work = Files.createDirectories(Path.of(System.getProperty("tether.e2e.work", "target/e2e-work")))
                .resolve(runtime() + "-" + System.currentTimeMillis());
        Files.createDirectories(work);
        Map<String, String> environment = Map.of(
                "TETHER_URI", node.uri(),
                "TETHER_CLIENT_NAME", clientName("default"),
                "TETHER_AUDIT_URI", node.uri() + "/" + AUDIT_VHOST,
                "TETHER_AUDIT_CLIENT_NAME", clientName("audit"));
        node.stopApp();
        long begin = System.nanoTime();
        try {
            server = start(Path.of(System.getProperty(RequireServer.WAR_PROPERTY)), work, environment);
        } catch (Exception | Error e) {
            node.startApp();
            throw e;
        }
        Timings.record(runtime(), "start and deploy (broker down)", Timings.millisSince(begin));
    }

    /** @return the shared broker */
    RabbitMqNode node() {
        return node;
    }

    @AfterAll
    void stopTheServer() {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            if (node != null) {
                node.startApp(); // idempotent: leaves the shared node running for the next class
            }
        }
    }

    @Test
    @Order(1)
    void deploysWithTheBrokerDownAndTurnsReadyWhenTheBrokerStarts() {
        Reply status = get("/api/status");
        assertEquals(200, status.status(), "the application deployed: " + status);
        assertTrue(status.body().contains("\"default\":{\"state\":\"CONNECTING\""), status.body());
        assertTrue(status.body().contains("\"audit\":{\"state\":\"CONNECTING\""), status.body());
        Reply ready = ready();
        assertEquals(503, ready.status(), ready.toString());
        assertTrue(ready.body().contains("\"tether\""), "Tether's readiness check is registered: " + ready);
        assertEquals("WAITING", Consumed.of(server).state(), "the subscription made at startup waits for the broker");

        node.startApp();
        long started = System.nanoTime();
        Await.until("readiness UP once the broker is up", Duration.ofSeconds(15), () -> ready().status() == 200);
        Timings.record(runtime(), "start_app after a start with the broker down -> ready 200",
                Timings.millisSince(started));
        Reply up = ready();
        String upBody = up.body().replaceAll("\\s", ""); // Quarkus indents its JSON
        for (String name : CONNECTIONS) {
            assertTrue(upBody.contains("\"" + name + ".state\":\"CONNECTED\""), up.body());
        }
        Await.until("the subscription consuming", Duration.ofSeconds(10),
                () -> "CONSUMING".equals(Consumed.of(server).state()));
        Timings.record(runtime(), "start_app after a start with the broker down -> consuming",
                Timings.millisSince(started));
    }

    @Test
    @Order(2)
    void messagesMakeTheRoundTripOnTheDefaultAndTheNamedConnection() {
        assertRoundTrip("default");
        assertRoundTrip("audit");
        // and published through the injected Publisher (mandatory, confirmed)
        assertRoundTrip("default", "/publisher");
        assertRoundTrip("audit", "/publisher");
        // the Connected observers declared each queue through the injected proxy, on its own virtual host
        assertTrue(queues("/").contains("tether.e2e"), queues("/").toString());
        assertTrue(queues(AUDIT_VHOST).contains("tether.e2e.audit"), queues(AUDIT_VHOST).toString());
        assertEquals(CONNECTIONS.stream().map(this::clientName).sorted().toList(),
                node.connectionNames().stream().sorted().toList(), "one broker connection per name");
    }

    @Test
    @Order(3)
    void theSubscriptionMadeThroughConsumersConsumes() {
        Timings.record(runtime(), "published -> consumed through Consumers", assertConsumed());
        assertEquals(1, Consumed.of(server).started(), "one Started event, on the first connection");
    }

    @Test
    @Order(4)
    void readinessIsDownWithin2sOfStopAppAndUpWithin3sOfStartApp() {
        // Measured from when rabbitmqctl returns, as in the Liberty sample's test and BrokerFaultsIT; the
        // time from the call (the CLI's own start included) is recorded too.
        assertEquals(200, ready().status());
        long stopCalled = System.nanoTime();
        node.stopApp();
        long stopped = System.nanoTime();
        long downMillis;
        try {
            Await.until("readiness DOWN after stop_app", Duration.ofSeconds(10), () -> ready().status() == 503);
            downMillis = Timings.millisSince(stopped);
            Timings.record(runtime(), "stop_app returned -> ready 503", downMillis);
            Timings.record(runtime(), "stop_app called -> ready 503", Timings.millisSince(stopCalled));
        } finally {
            long startCalled = System.nanoTime();
            node.startApp();
            Timings.record(runtime(), "start_app call (rabbitmqctl until the broker accepts connections)",
                    Timings.millisSince(startCalled));
        }
        long started = System.nanoTime();
        Await.until("readiness UP after start_app", Duration.ofSeconds(15), () -> ready().status() == 200);
        long upMillis = Timings.millisSince(started);
        Timings.record(runtime(), "start_app returned -> ready 200", upMillis);

        assertTrue(downMillis <= 2_000, "DOWN took " + downMillis + " ms (limit 2 s)");
        assertTrue(upMillis <= 3_000, "UP took " + upMillis + " ms (limit 3 s)");
        assertRoundTrip("default");
        assertRoundTrip("audit");
        assertConsumed();
    }

    @Test
    @Order(5)
    void closeAllConnectionsIsRecoveredWithin1sAndConsumingResumes() {
        Map<String, Integer> before = connectedCounts();
        int startedBefore = Consumed.of(server).started();
        // --global: without it, close_all_connections closes only the connections of virtual host /
        node.rabbitmqctl("close_all_connections", "--global", "tether end-to-end test");
        long closed = System.nanoTime();
        try {
            Await.until("both connections back and readiness UP", Duration.ofSeconds(10), () -> {
                Map<String, Integer> now = connectedCounts();
                return CONNECTIONS.stream().allMatch(name -> now.get(name) > before.get(name))
                        && ready().status() == 200;
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; before: " + before + ", status now: " + get("/api/status")
                    + ", readiness now: " + ready() + "\n" + server.logTail(), e);
        }
        long millis = Timings.millisSince(closed);
        Timings.record(runtime(), "close_all_connections -> both reconnected and ready 200", millis);
        assertTrue(millis <= 1_000, "recovery took " + millis + " ms (limit 1 s)");
        Await.until("the subscription started again", Duration.ofSeconds(10),
                () -> Consumed.of(server).started() > startedBefore);
        Timings.record(runtime(), "close_all_connections -> subscription started again", Timings.millisSince(closed));
        assertRoundTrip("default");
        assertRoundTrip("audit");
        assertConsumed();
    }

    @Test
    @Order(6)
    void aCleanShutdownDrainsTheHandlerInFlightAndLeavesNoBrokerConnection() {
        // the test's own connections (publishing to the consumed queue) are closed, but may still be listed
        Await.until("only the application's connections", Duration.ofSeconds(5), () -> node.connectionCount() <= 2);
        assertEquals(2, node.connectionCount(), node.connectionNames().toString());
        // a handler in flight at SIGTERM: it must finish and be acked before the connection closes
        Consumed.publish(node, Consumed.SLOW + UUID.randomUUID());
        Await.until("the slow message's handler running", Duration.ofSeconds(10),
                () -> Consumed.of(server).inFlight() == 1);
        long logMark = BrokerLog.length(node);
        int serverLogMark = server.process().output().length();
        long begin = System.nanoTime();
        boolean exited = server.stopCleanly();
        Timings.record(runtime(), "shutdown (SIGTERM until the process exited)", Timings.millisSince(begin));
        assertTrue(exited, "the server did not shut down within " + AppServer.STOP_TIMEOUT + "\n" + server.logTail());

        Await.until("no connection left on the broker", Duration.ofSeconds(5), () -> node.connectionCount() == 0);
        // The process is gone, so its sockets are closed anyway: the broker's log tells whether the
        // application closed its connections (AMQP connection.close) before the JVM exited.
        String log = BrokerLog.since(node, logMark);
        for (String name : CONNECTIONS) {
            assertTrue(BrokerLog.closedCleanly(log, clientName(name)),
                    clientName(name) + " was not closed by the application before the JVM exited; broker log:\n"
                            + log + "\n" + server.logTail());
        }
        // The application's @PreDestroy published a last message (LastWords): the holders closed after it.
        List<String> lastWords = Consumed.drain(node, "tether.e2e.last-words");
        assertEquals(List.of("last words from " + clientName("default")), lastWords,
                "the message LastWords published in its @PreDestroy\n" + server.logTail());
        // The subscription was cancelled and drained: the handler in flight was acked (else its message
        // would be back in the queue), and Tether logged no lost consumer, drain timeout or failure.
        assertEquals(List.of(), Consumed.drain(node, Consumed.QUEUE),
                "the message whose handler ran at SIGTERM was acked before the connection closed\n" + server.logTail());
        String shutdownLog = server.process().output().substring(serverLogMark);
        for (String trouble : List.of("'" + Consumed.QUEUE + "' lost", "drain timeout", "a consumer task failed")) {
            assertFalse(shutdownLog.contains(trouble), "'" + trouble + "' in the server's log at shutdown:\n" + shutdownLog);
        }
    }

    /**
     * Publishes a message to the queue the application consumes and waits until its handler handled it.
     *
     * @return the milliseconds from the publish's confirm until the application reported it
     */
    private long assertConsumed() {
        String text = "consumed-" + UUID.randomUUID();
        Consumed.publish(node, text);
        long published = System.nanoTime();
        try {
            Await.until("'" + text + "' consumed", Duration.ofSeconds(10), () -> Consumed.of(server).texts().contains(text));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; now: " + Consumed.of(server) + "\n" + server.logTail(), e);
        }
        return Timings.millisSince(published);
    }

    private String clientName(String connection) {
        return "tether-e2e-" + runtime() + ("default".equals(connection) ? "" : "-" + connection);
    }

    private Reply get(String path) {
        return Http.get(server.appUrl() + path);
    }

    private Reply ready() {
        return Http.get(server.readinessUrl());
    }

    private void assertRoundTrip(String connection) {
        assertRoundTrip(connection, "");
    }

    /** Publishes through the injected proxy ({@code via} empty) or {@code /publisher}, then reads it back. */
    private void assertRoundTrip(String connection, String via) {
        String text = connection + via + "-" + UUID.randomUUID();
        Reply published = Http.postText(server.appUrl() + "/api/messages/" + connection + via, text);
        assertEquals(200, published.status(), "publish on " + connection + ": " + published);
        assertEquals("confirmed", published.body());
        // basic.get until this message comes back (a message left by an earlier test is skipped)
        Await.until("'" + text + "' read back on " + connection, Duration.ofSeconds(10), () -> {
            Reply taken = get("/api/messages/" + connection);
            assertTrue(taken.status() == 200 || taken.status() == 204, "basic.get on " + connection + ": " + taken);
            return taken.body().equals(text);
        });
    }

    private static final Pattern CONNECTED_COUNT = Pattern.compile("\"(\\w+)\":\\{\"state\":\"\\w+\",\"connected\":(\\d+)\\}");

    private Map<String, Integer> connectedCounts() {
        Reply status = get("/api/status");
        assertEquals(200, status.status(), status.toString());
        Map<String, Integer> counts = new HashMap<>();
        Matcher m = CONNECTED_COUNT.matcher(status.body());
        while (m.find()) {
            counts.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        assertEquals(CONNECTIONS.size(), counts.size(), status.body());
        return counts;
    }

    private List<String> queues(String vhost) {
        return node.rabbitmqctl("list_queues", "-p", vhost, "--quiet", "--no-table-headers", "name").lines()
                .map(String::strip).toList();
    }
}
