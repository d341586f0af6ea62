package dev.tether.cdi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.ConnectionState;
import dev.tether.PersistentConnection;
import dev.tether.internal.cdi.ConnectionRegistry;
import dev.tether.testing.Await;
import dev.tether.testing.FaultProxy;
import dev.tether.testing.QpidBroker;
import io.smallrye.health.SmallRyeHealth;
import io.smallrye.health.AsyncHealthCheckFactory;
import io.smallrye.health.SmallRyeHealthReporter;
import io.smallrye.health.registry.HealthRegistries;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.AfterDeploymentValidation;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.json.JsonObject;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.Test;

/** The readiness check through SmallRye Health's real reporter, as a /health/ready probe sees it. */
class ReadinessTest {

    private static final String SECRET = "H3alth-S3cret";

    private static SmallRyeHealth ready(WeldContainer container) {
        return container.select(SmallRyeHealthReporter.class).get().getReadiness();
    }

    private static JsonObject tether(SmallRyeHealth health) {
        return health.getPayload().getJsonArray("checks").stream().map(JsonObject.class::cast)
                .filter(check -> check.getString("name").equals("tether")).findFirst()
                .orElseThrow(() -> new AssertionError("no tether check in " + health.getPayload()));
    }

    private static String json(SmallRyeHealth health) {
        StringWriter out = new StringWriter();
        jakarta.json.Json.createWriter(out).write(health.getPayload());
        return out.toString();
    }

    @Test
    void upWithEachConnectionsDataWhenEveryConnectionIsConnected() throws Exception {
        try (QpidBroker broker = QpidBroker.start();
                var config = TetherCdi.config(Map.of("tether.uri", broker.uri().replace("guest:guest", "guest:guest"),
                        "tether.orders.client-name", "orders"));
                WeldContainer container = TetherCdi.weld(SmallRyeHealthReporter.class, AsyncHealthCheckFactory.class, HealthRegistries.class).initialize()) {
            container.select(ConnectionRegistry.class).get().holder("orders").await(Duration.ofSeconds(10));
            SmallRyeHealth health = ready(container);
            assertFalse(health.isDown(), json(health));
            assertEquals("UP", health.getPayload().getString("status"));
            JsonObject data = tether(health).getJsonObject("data");
            assertEquals("CONNECTED", data.getString("orders.state"));
            assertEquals("127.0.0.1:" + broker.port(), data.getString("orders.address"));
            assertEquals("127.0.0.1:" + broker.port(), data.getString("orders.connected-to"));
            assertEquals("/", data.getString("orders.virtual-host"));
            assertEquals(0, data.getInt("orders.attempts"));
            assertFalse(data.getBoolean("orders.blocked"));
        }
    }

    @Test
    void aLazyConnectionNobodyAskedForIsIdleAndKeepsReadinessUpUntilItsFirstUse() throws Exception {
        try (QpidBroker broker = QpidBroker.start();
                var config = TetherCdi.config(Map.of("tether.uri", broker.uri(), "tether.eager", "false"));
                WeldContainer container = TetherCdi.weld(SmallRyeHealthReporter.class, AsyncHealthCheckFactory.class,
                        HealthRegistries.class, UsesDefault.class).initialize()) {
            SmallRyeHealth idle = ready(container);
            assertFalse(idle.isDown(), "a pod that is not ready gets no traffic, and without traffic a lazy "
                    + "connection is never asked for: " + json(idle));
            assertEquals("IDLE", tether(idle).getJsonObject("data").getString("default.state"));

            container.select(UsesDefault.class).get().connection.createChannel().close(); // the first use
            SmallRyeHealth used = ready(container);
            assertFalse(used.isDown(), json(used));
            assertEquals("CONNECTED", tether(used).getJsonObject("data").getString("default.state"));
        }
    }

    @jakarta.enterprise.context.Dependent
    static class UsesDefault {
        @jakarta.inject.Inject @dev.tether.Persistent com.rabbitmq.client.Connection connection;
    }

    /**
     * The user name equals the password: a mask that replaced the password in the failure's text
     * would turn the broker's "user 'H3alth-S3cret'" into "user '****'" and so tell a reader that
     * the password is the user name. The data holds no broker text at all.
     */
    @Test
    void downWithTheClassifiedFailureAndNoPasswordWhileAConnectionIsDown() {
        try (QpidBroker broker = QpidBroker.start();
                var config = TetherCdi.config(Map.of("tether.uri", broker.uri(), "tether.orders.password", SECRET,
                        "tether.orders.uri", "amqp://" + SECRET + ":" + SECRET + "@127.0.0.1:" + broker.port()));
                WeldContainer container = TetherCdi.weld(SmallRyeHealthReporter.class, AsyncHealthCheckFactory.class, HealthRegistries.class).initialize()) {
            Await.until("a failed attempt", Duration.ofSeconds(10), () -> container.select(ConnectionRegistry.class)
                    .get().holder("orders").status().lastFailure() != null);
            SmallRyeHealth health = ready(container);
            assertTrue(health.isDown());
            JsonObject data = tether(health).getJsonObject("data");
            assertEquals("CONNECTING", data.getString("orders.state"));
            assertTrue(data.getString("orders.last-failure").matches("AUTHENTICATION at 127\\.0\\.0\\.1:"
                    + broker.port() + " \\(attempt \\d+\\): the broker refused the credentials \\(.*"),
                    data.getString("orders.last-failure"));
            assertTrue(data.getInt("orders.attempts") >= 1);
            assertFalse(json(health).contains(SECRET), json(health));
            assertFalse(json(health).contains("****"), "a mask tells what it hides: " + json(health));
        }
    }

    @Test
    void duringAnOutageEachAddressTheLastAttemptTriedHasAnEntryWithWhyItFailed() throws Exception {
        int first = closedPort();
        int second = closedPort();
        try (var config = TetherCdi.config(Map.of("tether.uri", "amqp://app:" + SECRET + "@127.0.0.1",
                "tether.addresses", "127.0.0.1:" + first + ",127.0.0.1:" + second, "tether.x.client-name", "x"));
                WeldContainer container = TetherCdi.weld(SmallRyeHealthReporter.class, AsyncHealthCheckFactory.class, HealthRegistries.class).initialize()) {
            Await.until("a failed attempt", Duration.ofSeconds(10), () -> container.select(ConnectionRegistry.class)
                    .get().holder("x").status().lastFailure() != null);
            SmallRyeHealth health = ready(container);
            assertTrue(health.isDown());
            JsonObject data = tether(health).getJsonObject("data");
            for (int port : new int[] {first, second}) {
                String entry = data.getString("x.last-failure.127.0.0.1:" + port);
                assertEquals("REFUSED at 127.0.0.1:" + port + ": nothing listens on the broker's port (connection"
                        + " refused) (java.net.ConnectException)", entry);
            }
            assertFalse(data.containsKey("x.connected-to"), data.toString());
            assertFalse(json(health).contains(SECRET), json(health));
            container.select(ConnectionRegistry.class).get().holder("x").close();
        }
    }

    /** Resolves to a URI pasted as a host: the data shows neither its credentials nor the entry. */
    @jakarta.enterprise.context.ApplicationScoped
    static class PastedUriResolver {
        @jakarta.enterprise.inject.Produces
        @dev.tether.Persistent("pasted")
        com.rabbitmq.client.AddressResolver resolver() {
            return () -> java.util.List.of(new com.rabbitmq.client.Address("amqp://app:" + SECRET + "@rabbit-0", 5672));
        }
    }

    @Test
    void anAddressFromAResolverThatIsNotAHostNameAppearsInNoKeyAndNoValue() {
        try (var config = TetherCdi.config(Map.of("tether.pasted.client-name", "pasted"));
                WeldContainer container = TetherCdi.weld(SmallRyeHealthReporter.class, AsyncHealthCheckFactory.class,
                        HealthRegistries.class, PastedUriResolver.class).initialize()) {
            Await.until("a failed attempt", Duration.ofSeconds(10), () -> container.select(ConnectionRegistry.class)
                    .get().holder("pasted").status().lastFailure() != null);
            SmallRyeHealth health = ready(container);
            JsonObject data = tether(health).getJsonObject("data");
            assertTrue(data.getString("pasted.last-failure").startsWith("UNREACHABLE at (not a host name):5672"),
                    data.toString());
            assertTrue(data.containsKey("pasted.last-failure.(not a host name):5672"), data.toString());
            for (String form : new String[] {SECRET, "rabbit-0", "amqp:"}) {
                assertFalse(json(health).contains(form), form + " in " + json(health));
            }
            container.select(ConnectionRegistry.class).get().holder("pasted").close();
        }
    }

    /** A secret store that does not answer until interrupted. */
    @jakarta.enterprise.context.ApplicationScoped
    static class HungVault {
        @jakarta.enterprise.inject.Produces
        @dev.tether.Persistent("vault")
        com.rabbitmq.client.impl.CredentialsProvider provider() {
            return new com.rabbitmq.client.impl.CredentialsProvider() {
                @Override
                public String getUsername() {
                    try {
                        new java.util.concurrent.CountDownLatch(1).await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    throw new IllegalStateException("interrupted");
                }

                @Override
                public String getPassword() {
                    return SECRET;
                }
            };
        }
    }

    @Test
    void whileAnAttemptWaitsForAProviderTheDataSaysWhichOne() {
        try (var config = TetherCdi.config(Map.of("tether.vault.uri", "amqp://127.0.0.1:1"));
                WeldContainer container = TetherCdi.weld(SmallRyeHealthReporter.class, AsyncHealthCheckFactory.class,
                        HealthRegistries.class, HungVault.class).initialize()) {
            PersistentConnection holder = container.select(ConnectionRegistry.class).get().holder("vault");
            Await.until("the attempt waits for the provider", Duration.ofSeconds(10),
                    () -> holder.status().waitingFor() != null);
            SmallRyeHealth health = ready(container);
            assertTrue(health.isDown());
            String waiting = tether(health).getJsonObject("data").getString("vault.waiting-for");
            assertTrue(waiting.startsWith("the credentials provider " + HungVault.class.getName()), waiting);
            assertFalse(json(health).contains(SECRET), json(health));
            holder.close();
        }
    }

    private static int closedPort() throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort(); // nothing listens there once closed: connections are refused
        }
    }

    @Test
    void aProbeReadsCachedStateAndAnswersWhileAnAttemptHangs() {
        try (QpidBroker broker = QpidBroker.start(); FaultProxy silent = FaultProxy.start(broker.port())) {
            silent.blackHole(true);
            try (var config = TetherCdi.config(Map.of("tether.uri", silent.uri(), "tether.connection-timeout", "60s",
                    "tether.x.client-name", "x"));
                    WeldContainer container = TetherCdi.weld(SmallRyeHealthReporter.class, AsyncHealthCheckFactory.class, HealthRegistries.class).initialize()) {
                Await.until("the attempt to reach the black hole", Duration.ofSeconds(5),
                        () -> silent.acceptedConnections() >= 1);
                SmallRyeHealth health = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> ready(container),
                        "the probe waited for the hanging attempt");
                assertTrue(health.isDown());
                assertEquals("CONNECTING", tether(health).getJsonObject("data").getString("x.state"));
                container.select(ConnectionRegistry.class).get().holder("x").close();
            }
        }
    }

    @Test
    void healthEnabledFalseRemovesTheCheck() {
        try (QpidBroker broker = QpidBroker.start();
                var config = TetherCdi.config(Map.of("tether.uri", broker.uri(), "tether.health.enabled", "false"));
                WeldContainer container = TetherCdi.weld(SmallRyeHealthReporter.class, AsyncHealthCheckFactory.class, HealthRegistries.class).initialize()) {
            SmallRyeHealth health = ready(container);
            assertTrue(health.getPayload().getJsonArray("checks").stream().map(JsonObject.class::cast)
                    .noneMatch(check -> check.getString("name").equals("tether")), json(health));
        }
    }

    /**
     * Quarkus registers the check at build time, from the build's configuration; the application
     * may set {@code tether.health.enabled=false} only at run time. Simulated with a configuration
     * that says nothing while the extension registers the beans and {@code false} from then on
     * (when the registry starts): the registered check then reports UP, without data, whatever the
     * connections do.
     */
    @Test
    void healthEnabledFalseSetAfterTheCheckWasRegisteredMakesItUpAndSilent() {
        try (QpidBroker broker = QpidBroker.start()) {
            broker.stop(); // the connection can only be CONNECTING: a check that counted would be DOWN
            Map<String, String> properties = new ConcurrentHashMap<>(Map.of("tether.uri", broker.uri()));
            ConfigSource source = new ConfigSource() {
                @Override
                public Set<String> getPropertyNames() {
                    return Set.copyOf(properties.keySet());
                }

                @Override
                public String getValue(String name) {
                    return properties.get(name);
                }

                @Override
                public String getName() {
                    return "changes at run time";
                }
            };
            Weld weld = TetherCdi.weld(SmallRyeHealthReporter.class, AsyncHealthCheckFactory.class,
                    HealthRegistries.class).addExtension(new Extension() {
                        void validated(@Observes AfterDeploymentValidation done) {
                            // the build compatible extension's @Synthesis ran before: "run time" from here
                            properties.put("tether.health.enabled", "false");
                        }
                    });
            try (var config = TetherCdi.config(source); WeldContainer container = weld.initialize()) {
                assertEquals(ConnectionState.CONNECTING,
                        container.select(ConnectionRegistry.class).get().holder("default").state());
                SmallRyeHealth health = ready(container);
                assertEquals("UP", health.getPayload().getString("status"), json(health));
                JsonObject data = tether(health).getJsonObject("data");
                assertEquals(Map.of("enabled", jakarta.json.JsonValue.FALSE), Map.copyOf(data), json(health));
            }
        }
    }
}
