package dev.tether.cdi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.impl.CredentialsProvider;
import com.rabbitmq.client.impl.CredentialsRefreshService;
import dev.tether.ConnectionEvent.ConnectFailed;
import dev.tether.ConnectionEvent.Connected;
import dev.tether.FailureKind;
import dev.tether.Persistent;
import dev.tether.PersistentConnection;
import dev.tether.internal.cdi.ConnectionRegistry;
import dev.tether.testing.LogCapture;
import dev.tether.testing.QpidBroker;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Credentials read on every attempt through CDI: from a configuration whose values change while the
 * application runs, and from a {@code @Persistent("name") CredentialsProvider} bean. The embedded
 * broker knows only guest/guest.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CredentialsRotationTest {

    private static final String OLD = "Old-Secret-Before-Rotation";

    private QpidBroker broker;

    /** Credentials of "vault": guest/guest, counting how often they were asked. */
    @ApplicationScoped
    static class VaultCredentials {
        static final AtomicInteger ASKED = new AtomicInteger();

        @Produces
        @Persistent("vault")
        CredentialsProvider vault() {
            return new CredentialsProvider() {
                @Override
                public String getUsername() {
                    ASKED.incrementAndGet();
                    return "guest";
                }

                @Override
                public String getPassword() {
                    return "guest";
                }
            };
        }
    }

    /** A token that expires in an hour for "token", and a refresh service that records registrations. */
    @ApplicationScoped
    static class TokenBeans {
        static final List<CredentialsProvider> REGISTERED = new CopyOnWriteArrayList<>();
        static final java.util.concurrent.atomic.AtomicInteger REFRESHED = new java.util.concurrent.atomic.AtomicInteger();
        static final CredentialsProvider TOKEN = new CredentialsProvider() {
            @Override
            public void refresh() {
                REFRESHED.incrementAndGet();
            }

            @Override
            public String getUsername() {
                return "guest";
            }

            @Override
            public String getPassword() {
                return "guest";
            }

            @Override
            public Duration getTimeBeforeExpiration() {
                return Duration.ofHours(1);
            }
        };

        @Produces
        @Persistent("token")
        CredentialsProvider token() {
            return TOKEN;
        }

        @Produces
        @Persistent("token")
        CredentialsRefreshService refresh() {
            return new CredentialsRefreshService() {
                @Override
                public String register(CredentialsProvider provider, Callable<Boolean> refreshAction) {
                    REGISTERED.add(provider);
                    return "registration-" + REGISTERED.size();
                }

                @Override
                public void unregister(CredentialsProvider provider, String registrationId) {
                }

                @Override
                public boolean isApproachingExpiration(Duration timeBeforeExpiration) {
                    return false;
                }
            };
        }
    }

    @BeforeAll
    void startBroker() {
        broker = QpidBroker.start();
    }

    @AfterAll
    void stopBroker() {
        broker.close();
    }

    @Test
    void aPasswordChangedInTheConfigurationIsUsedByTheNextAttemptWithoutARestart() throws Exception {
        ChangingConfigSource source = new ChangingConfigSource(Map.of("tether.uri", broker.uri(),
                "tether.password", OLD, "tether.backoff.initial", "20ms", "tether.backoff.max", "50ms"));
        try (var config = TetherCdi.config(source);
                WeldContainer container = TetherCdi.weld(EventLog.class).initialize()) {
            PersistentConnection holder = container.select(ConnectionRegistry.class).get().holder("default");
            EventLog events = container.select(EventLog.class).get();
            assertEquals(FailureKind.AUTHENTICATION, events.await("default", ConnectFailed.class, 1).kind());

            source.set("tether.password", "guest"); // the Secret was rotated
            events.await("default", Connected.class, 1);
            assertTrue(holder.await(Duration.ofSeconds(5)).isOpen());

            source.set("tether.password", OLD); // rotated again; the live connection keeps its credentials
            assertTrue(holder.current().isPresent());
            int failed = events.of("default", ConnectFailed.class).size();
            holder.reconnect();
            assertEquals(FailureKind.AUTHENTICATION,
                    events.await("default", ConnectFailed.class, failed + 1).kind(), "the reconnection read it");
        }
    }

    @Test
    void anInvalidValueReadLaterIsAFailedAttemptNamingTheKeyAndTheHolderCarriesOn() throws Exception {
        ChangingConfigSource source = new ChangingConfigSource(Map.of("tether.orders.uri", broker.uri(),
                "tether.orders.backoff.initial", "20ms", "tether.orders.backoff.max", "50ms"));
        try (var config = TetherCdi.config(source);
                WeldContainer container = TetherCdi.weld(EventLog.class).initialize()) {
            PersistentConnection holder = container.select(ConnectionRegistry.class).get().holder("orders");
            EventLog events = container.select(EventLog.class).get();
            holder.await(Duration.ofSeconds(10));

            source.set("tether.orders.username", " "); // valid at deployment, blank now
            holder.reconnect();
            ConnectFailed failed = events.await("orders", ConnectFailed.class, 1);
            assertEquals(FailureKind.AUTHENTICATION, failed.kind());
            assertEquals("Invalid setting 'tether.orders.username': must not be empty", failed.cause().getMessage());

            source.set("tether.orders.username", "guest");
            events.await("orders", Connected.class, 2);
            source.set("tether.orders.uri", "amqp://guest:" + OLD + "@127.0.0.1:bad-port");
            holder.reconnect();
            ConnectFailed badUri = events.await("orders", ConnectFailed.class, 2);
            assertTrue(badUri.cause().getMessage().startsWith("Invalid setting 'tether.orders.uri'"),
                    badUri.cause().getMessage());
            assertFalse(badUri.toString().contains(OLD), badUri.toString());
        }
    }

    @Test
    void aCredentialsProviderBeanOverridesTheConfigurationAndIsAskedOnEveryAttempt() throws Exception {
        VaultCredentials.ASKED.set(0);
        try (LogCapture log = LogCapture.of("dev.tether");
                var config = TetherCdi.config(Map.of("tether.vault.uri", "amqp://guest:" + OLD + "@127.0.0.1:"
                        + broker.port(), "tether.other.uri", broker.uri()));
                WeldContainer container = TetherCdi.weld(EventLog.class, VaultCredentials.class).initialize()) {
            ConnectionRegistry registry = container.select(ConnectionRegistry.class).get();
            PersistentConnection vault = registry.holder("vault");
            EventLog events = container.select(EventLog.class).get();
            assertTrue(vault.await(Duration.ofSeconds(10)).isOpen(), "connected with the bean's password");
            assertEquals(1, VaultCredentials.ASKED.get());

            vault.reconnect();
            events.await("vault", Connected.class, 2);
            assertEquals(2, VaultCredentials.ASKED.get(), "asked again for the new connection");

            registry.holder("other").await(Duration.ofSeconds(10)); // a bean of another name is not asked
            assertEquals(2, VaultCredentials.ASKED.get());
            assertTrue(log.contains(Level.INFO, "Connection 'vault': amqp://guest@127.0.0.1:" + broker.port()
                    + "/%2F, credentials from "), log.messages().toString());
        }
    }

    @Test
    void expiringCredentialsFromABeanAreRegisteredWithTheRefreshServiceBeanOfTheirName() throws Exception {
        TokenBeans.REGISTERED.clear();
        try (var config = TetherCdi.config(Map.of("tether.token.uri", broker.uri()));
                WeldContainer container = TetherCdi.weld(TokenBeans.class).initialize()) {
            PersistentConnection token = container.select(ConnectionRegistry.class).get().holder("token");
            assertTrue(token.await(Duration.ofSeconds(10)).isOpen());
            assertEquals(1, TokenBeans.REGISTERED.size(), "the client registered the credentials with the bean's service");
            // what is registered holds the values read for the attempt (so the handshake asks the bean
            // nothing on the holder's thread) and refreshes through the bean
            CredentialsProvider registered = TokenBeans.REGISTERED.get(0);
            assertEquals("guest", registered.getPassword());
            assertTrue(registered.toString().contains(TokenBeans.TOKEN.getClass().getName()), registered.toString());
            int refreshed = TokenBeans.REFRESHED.get();
            registered.refresh();
            assertEquals(refreshed + 1, TokenBeans.REFRESHED.get(), "refresh() reached the bean");
        }
    }
}
