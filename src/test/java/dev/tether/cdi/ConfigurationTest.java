package dev.tether.cdi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Connection;
import dev.tether.ConnectionEvent.ConnectFailed;
import dev.tether.ConnectionEvent.Connected;
import dev.tether.ConnectionEvent.Connecting;
import dev.tether.ConnectionState;
import dev.tether.FailureKind;
import dev.tether.NotConnectedException;
import dev.tether.PersistentConnection;
import dev.tether.internal.cdi.ConnectionRegistry;
import dev.tether.testing.Await;
import dev.tether.testing.FaultProxy;
import dev.tether.testing.QpidBroker;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every key takes effect: one container, one named connection per key (the global keys make the
 * others lazy and point them at the broker), and the fallback from named to global keys.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConfigurationTest {

    private static final List<String> LOGGED = new CopyOnWriteArrayList<>();
    /** Held: java.util.logging keeps loggers weakly, and a new one would have no handler. */
    private static final Logger LOGGER = Logger.getLogger("dev.tether");
    private static final Handler CAPTURE = new Handler() {
        @Override
        public void publish(LogRecord record) {
            LOGGED.add(record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private QpidBroker broker;
    private FaultProxy viaUri;
    private FaultProxy silent;
    private TetherCdi.ConfigScope config;
    private int closedPort;

    @BeforeAll
    void configure() throws IOException {
        broker = QpidBroker.start();
        viaUri = FaultProxy.start(broker.port());
        silent = FaultProxy.start(broker.port());
        silent.blackHole(true);
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        String refused = "amqp://guest:guest@127.0.0.1:" + closedPort;
        Map<String, String> properties = new HashMap<>();
        properties.put("tether.uri", broker.uri());
        properties.put("tether.eager", "false");
        properties.put("tether.heartbeat", "7s");
        properties.put("tether.conection-timeout", "5s"); // a typo: reported, ignored
        properties.put("tether.eg.eager", "true");
        properties.put("tether.viauri.uri", viaUri.uri());
        properties.put("tether.addr.addresses", "127.0.0.1:" + closedPort + ", 127.0.0.1:" + broker.port());
        properties.put("tether.user.username", "nobody");
        properties.put("tether.pw.password", "not-the-password");
        properties.put("tether.vh.virtual-host", "no-such-vhost");
        properties.put("tether.cn.client-name", "custom-client");
        properties.put("tether.ct.uri", silent.uri());
        properties.put("tether.ct.connection-timeout", "300ms");
        properties.put("tether.hb.heartbeat", "3s");
        properties.put("tether.aw.uri", refused);
        properties.put("tether.aw.await-timeout", "200ms");
        properties.put("tether.bo.uri", refused);
        properties.put("tether.bo.backoff.initial", "50ms");
        properties.put("tether.bo.backoff.multiplier", "3");
        properties.put("tether.bo.backoff.jitter", "0");
        properties.put("tether.bo.backoff.max", "400ms");
        properties.put("tether.bo.backoff.refused-max", "10s");
        properties.put("tether.rm.uri", refused);
        properties.put("tether.rm.backoff.initial", "5s");
        properties.put("tether.rm.backoff.jitter", "0");
        properties.put("tether.rm.backoff.refused-max", "200ms");
        properties.put("tether.tlsv.tls.verify-hostname", "false");
        config = TetherCdi.config(properties);
        LOGGER.addHandler(CAPTURE);
        container = TetherCdi.weld(EventLog.class).initialize();
        registry = container.select(ConnectionRegistry.class).get();
        events = container.select(EventLog.class).get();
    }

    @AfterAll
    void release() {
        container.close();
        LOGGER.removeHandler(CAPTURE);
        config.close();
        silent.close();
        viaUri.close();
        broker.close();
    }

    private WeldContainer container;
    private ConnectionRegistry registry;
    private EventLog events;

    private PersistentConnection holder(String name) {
        return registry.holder(name);
    }

    private Connection connect(String name) throws Exception {
        return holder(name).await(Duration.ofSeconds(10));
    }

    @Test
    void eagerConnectsAtStartAndLazyWaitsForFirstUse() {
        events.await("eg", Connected.class, 1);
        assertTrue(events.of("cn", Connecting.class).isEmpty(), "a lazy connection makes no attempt before use");
        assertEquals(ConnectionState.IDLE, holder("cn").status().state());
        assertEquals(0, holder("cn").status().attempts());
    }

    @Test
    void uriAddressesAndClientNameChooseWhereAndHowToConnect() throws Exception {
        connect("viauri");
        assertTrue(viaUri.acceptedConnections() >= 1, "connected through the URI's port");
        assertEquals(broker.port(), connect("addr").getPort(), "the second address, after the refusing first");
        assertEquals("custom-client", connect("cn").getClientProvidedName());
    }

    @Test
    void usernamePasswordAndVirtualHostReachTheBroker() {
        holder("user").current();
        holder("pw").current();
        holder("vh").current();
        assertEquals(FailureKind.AUTHENTICATION, events.await("user", ConnectFailed.class, 1).kind());
        assertEquals(FailureKind.AUTHENTICATION, events.await("pw", ConnectFailed.class, 1).kind());
        assertEquals(FailureKind.VIRTUAL_HOST, events.await("vh", ConnectFailed.class, 1).kind());
        assertEquals("nobody", holder("user").settings().username());
        assertEquals("no-such-vhost", holder("vh").settings().virtualHost());
    }

    @Test
    void connectionTimeoutHeartbeatAndAwaitTimeoutApply() throws Exception {
        holder("ct").current();
        ConnectFailed timedOut = events.await("ct", ConnectFailed.class, 1);
        assertEquals(FailureKind.TIMED_OUT, timedOut.kind());
        assertEquals(Duration.ofMillis(300), holder("ct").settings().connectionTimeout());

        assertEquals(3, connect("hb").getHeartbeat(), "named heartbeat, negotiated with the broker");
        assertEquals(Duration.ofSeconds(7), holder("cn").settings().heartbeat(), "global heartbeat");

        NotConnectedException waited = assertThrows(NotConnectedException.class,
                () -> registry.proxy("aw").createChannel());
        assertTrue(waited.getMessage().contains("'aw'") && waited.getMessage().contains("waited 200ms"),
                waited.getMessage());
    }

    @Test
    void backoffKeysShapeTheDelays() {
        holder("bo").current();
        holder("rm").current();
        events.await("bo", ConnectFailed.class, 4);
        List<Duration> delays = events.of("bo", ConnectFailed.class).stream().limit(4).map(ConnectFailed::nextDelay)
                .collect(Collectors.toList());
        assertEquals(List.of(Duration.ofMillis(50), Duration.ofMillis(150), Duration.ofMillis(400),
                Duration.ofMillis(400)), delays, "initial 50ms, x3, no jitter, max 400ms");
        assertEquals(Duration.ofMillis(200), events.await("rm", ConnectFailed.class, 1).nextDelay(),
                "refused-max caps a 5s initial delay while refused");
    }

    @Test
    void tlsVerifyHostnameIsRead() {
        assertFalse(holder("tlsv").settings().verifyHostname());
        assertTrue(holder("cn").settings().verifyHostname());
    }

    @Test
    void anUnknownKeyIsReportedAtStart() {
        assertTrue(LOGGED.stream().anyMatch(m -> m.contains("tether.conection-timeout")), String.valueOf(LOGGED));
    }
}
