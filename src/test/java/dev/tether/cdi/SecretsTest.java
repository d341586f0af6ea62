package dev.tether.cdi;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.ConnectionEvent;
import dev.tether.ConnectionEvent.ConnectFailed;
import dev.tether.ConnectionEvent.Connected;
import dev.tether.PersistentConnection;
import dev.tether.internal.cdi.ConnectionRegistry;
import dev.tether.testing.Await;
import dev.tether.testing.FaultProxy;
import dev.tether.testing.QpidBroker;
import io.smallrye.health.AsyncHealthCheckFactory;
import io.smallrye.health.SmallRyeHealthReporter;
import io.smallrye.health.registry.HealthRegistries;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.Test;

/**
 * One scenario with distinctive secrets, each holding the characters a URI must percent-encode:
 * the deployment-time password, a password rotated in at run time, an OAuth 2 token from a
 * provider bean, and a URI pasted into {@code addresses}. Deployment errors, failed
 * authentication, a connection lost and recovered, credentials rotated at run time (to a
 * malformed URI, to a wrong password), a proxy call that waits in vain, health. Every log line
 * (JUL and the client's SLF4J output on stderr), event, exception message, {@code toString()} and
 * health response (keys and values) is scanned for each secret, plain and percent-encoded.
 */
class SecretsTest {

    private static final String SECRET = "Zx9-p@ss:w/rd%-Distinctive";
    private static final String ROTATED = "R0t-p@ss:w/rd%-Rotated";
    private static final String TOKEN = "eyJ-T0ken:w/rd%@-OAuth";
    private static final String PASTED = "P4sted-p@ss:w/rd%";
    /** A password file mounted at the uri key: its first characters parse as a URI scheme. */
    private static final String SCHEME = "Zx9-Mounted-Secret";

    private static String encoded(String secret) {
        return URLEncoder.encode(secret, StandardCharsets.UTF_8);
    }

    /** An OAuth 2 token that the embedded broker does not know (its only user is guest). */
    @jakarta.enterprise.context.ApplicationScoped
    static class TokenBean {
        @jakarta.enterprise.inject.Produces
        @dev.tether.Persistent("oauth")
        com.rabbitmq.client.impl.CredentialsProvider token() {
            return new com.rabbitmq.client.impl.CredentialsProvider() {
                @Override
                public String getUsername() {
                    return "";
                }

                @Override
                public String getPassword() {
                    return TOKEN;
                }

                @Override
                public Duration getTimeBeforeExpiration() {
                    return Duration.ofSeconds(1); // near expiry: refreshed before each attempt
                }

                @Override
                public void refresh() {
                    throw new IllegalStateException("identity provider down");
                }
            };
        }
    }

    @Test
    void theDistinctivePasswordAppearsNowhere() throws Exception {
        List<String> seen = new ArrayList<>();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        PrintStream originalErr = System.err;
        Logger root = Logger.getLogger("");
        Level originalLevel = root.getLevel();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                seen.add(record.getMessage() + " " + record.getThrown());
                for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
                    seen.add(t.toString());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        root.addHandler(capture);
        root.setLevel(Level.ALL);
        System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
        try (QpidBroker broker = QpidBroker.start(); FaultProxy proxy = FaultProxy.start(broker.port())) {
            // a deployment error with the password in the URI and in the password key
            try (var config = TetherCdi.config(Map.of("tether.bad.uri", "amqp://app:" + encoded(SECRET) + "@h:99999",
                    "tether.bad.password", SECRET, "tether.bad.heartbeat", "0s",
                    "tether.pasted.addresses", "rabbit-1:5672,amqp://app:" + encoded(PASTED) + "@rabbit-0:5672",
                    "tether.pasted-plain.addresses", "amqp://app:" + PASTED + "@rabbit-0:5672",
                    "tether.scheme.uri", SCHEME + ":x"))) {
                RuntimeException failure = assertThrows(RuntimeException.class,
                        () -> TetherCdi.weld().initialize().close());
                for (Throwable t = failure; t != null; t = t.getCause()) {
                    seen.add(t.toString());
                }
                assertTrue(failure.getMessage().contains("tether.pasted.addresses"), failure.getMessage());
            }
            // wrong password (authentication failures), and a good connection that is cut and recovers
            // and credentials rotated while running: to a malformed URI, then to a wrong password
            ChangingConfigSource source = new ChangingConfigSource(Map.of(
                    "tether.secret.uri", "amqp://guest:" + encoded(SECRET) + "@127.0.0.1:" + broker.port(),
                    "tether.oauth.uri", broker.uri(),
                    "tether.secret.await-timeout", "200ms",
                    "tether.ok.uri", proxy.uri(),
                    "tether.ok.password", "guest",
                    "tether.rotated.uri", broker.uri()));
            try (var config = TetherCdi.config(source);
                    WeldContainer container = TetherCdi.weld(EventLog.class, SmallRyeHealthReporter.class,
                            AsyncHealthCheckFactory.class, HealthRegistries.class, TokenBean.class).initialize()) {
                ConnectionRegistry registry = container.select(ConnectionRegistry.class).get();
                EventLog events = container.select(EventLog.class).get();
                PersistentConnection secret = registry.holder("secret");
                PersistentConnection ok = registry.holder("ok");
                events.await("secret", ConnectFailed.class, 1);
                ok.await(Duration.ofSeconds(10));
                proxy.cut();
                events.await("ok", Connected.class, 2);
                PersistentConnection rotated = registry.holder("rotated");
                rotated.await(Duration.ofSeconds(10));
                source.set("tether.rotated.uri", "amqp://guest:" + encoded(ROTATED) + "@127.0.0.1:no-port");
                rotated.reconnect();
                events.await("rotated", ConnectFailed.class, 1);
                source.set("tether.rotated.uri", "amqp://guest:" + encoded(ROTATED) + "@127.0.0.1:" + broker.port());
                rotated.reconnect();
                assertTrue(events.await("rotated", ConnectFailed.class, 2).kind().misconfiguration());
                source.set("tether.rotated.password", ROTATED); // the password key, plain, wins over the URI's
                rotated.reconnect();
                events.await("rotated", ConnectFailed.class, 3);
                PersistentConnection oauth = registry.holder("oauth");
                events.await("oauth", ConnectFailed.class, 1); // the refresh before the attempt failed

                seen.add(assertThrows(Exception.class, () -> registry.proxy("secret").createChannel()).toString());
                seen.add(assertThrows(Exception.class, () -> secret.await(Duration.ofMillis(50))).toString());
                seen.add(assertThrows(Exception.class, secret::get).toString());
                for (String name : List.of("secret", "ok", "rotated", "oauth")) {
                    for (ConnectionEvent event : events.of(name, ConnectionEvent.class)) {
                        seen.add(event.toString());
                    }
                }
                seen.add(secret.toString() + secret.settings() + secret.status() + registry.proxy("secret"));
                seen.add(rotated.toString() + rotated.settings() + rotated.status());
                seen.add(oauth.toString() + oauth.settings() + oauth.status());
                for (PersistentConnection holder : registry.holders()) {
                    ConnectFailed last = holder.status().lastFailure();
                    for (Throwable t = last == null ? null : last.cause(); t != null; t = t.getCause()) {
                        seen.add(t.toString());
                    }
                }
                StringWriter health = new StringWriter();
                jakarta.json.Json.createWriter(health).write(
                        container.select(SmallRyeHealthReporter.class).get().getReadiness().getPayload());
                seen.add(health.toString());
                assertTrue(health.toString().contains("AUTHENTICATION"), health.toString());
            }
        } finally {
            System.setErr(originalErr);
            root.removeHandler(capture);
            root.setLevel(originalLevel);
        }
        seen.add(stderr.toString(StandardCharsets.UTF_8));
        Await.until("something to scan", Duration.ofSeconds(1), () -> seen.size() > 20);
        String everything = String.join("\n", seen);
        assertTrue(everything.contains("Invalid Tether configuration"), "the deployment error was captured");
        assertTrue(everything.contains("Disconnected"), "the cut was captured");
        assertTrue(everything.contains("\"oauth.state\""), "the OAuth connection was in the health data");
        for (String form : List.of(SECRET, encoded(SECRET), ROTATED, encoded(ROTATED), TOKEN, encoded(TOKEN),
                PASTED, encoded(PASTED), "rabbit-0", SCHEME)) {
            assertFalse(everything.contains(form), () -> "found the password in:\n" + seen.stream()
                    .filter(line -> line.contains(form)).findFirst().orElse(""));
        }
        originalErr.println("SecretsTest scanned " + seen.size() + " items, " + everything.length() + " characters");
    }
}
