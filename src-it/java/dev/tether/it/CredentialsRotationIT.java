package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.tether.ConnectionEvent;
import dev.tether.ConnectionEvent.ConnectFailed;
import dev.tether.ConnectionEvent.Connected;
import dev.tether.ConnectionEvent.Disconnected;
import dev.tether.ConnectionState;
import dev.tether.FailureKind;
import dev.tether.Persistent;
import dev.tether.PersistentConnection;
import dev.tether.cdi.TetherCdi;
import dev.tether.internal.cdi.ConnectionRegistry;
import dev.tether.testing.LogCapture;
import dev.tether.testing.Await;
import dev.tether.testing.RabbitMq;
import dev.tether.testing.RabbitMqNode;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.health.AsyncHealthCheckFactory;
import io.smallrye.health.SmallRyeHealthReporter;
import io.smallrye.health.registry.HealthRegistries;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Credentials rotated on a real RabbitMQ without a restart, through CDI: the user name and password
 * come from a folder laid out like a mounted Kubernetes Secret, read through MicroProfile Config.
 * The password is changed on the broker ({@code rabbitmqctl change_password}) and every connection
 * closed ({@code close_all_connections}): while the Secret still holds the old password, each
 * attempt is an AUTHENTICATION failure; once the file holds the new one, the same holder
 * reconnects. Neither password appears in the events, the log or the health data.
 */
@ExtendWith(RabbitMq.class)
class CredentialsRotationIT {

    private static final String NAME = "rotating";
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** Every connection event, kept where the test can read it. */
    @ApplicationScoped
    static class Events {
        static final List<ConnectionEvent> SEEN = new CopyOnWriteArrayList<>();

        void on(@Observes @Persistent(NAME) ConnectionEvent event) {
            SEEN.add(event);
        }

        static <T extends ConnectionEvent> List<T> of(Class<T> type) {
            return SEEN.stream().filter(type::isInstance).map(type::cast).toList();
        }
    }

    /** Injects the proxy, as an application would. */
    @ApplicationScoped
    static class Application {
        @Inject
        @Persistent(NAME)
        Connection connection;

        Connection connection() {
            return connection;
        }
    }

    @Test
    void aRotatedPasswordIsUsedByTheNextAttemptWithoutARestartAndIsShownNowhere(RabbitMqNode node,
            @TempDir Path secretFolder) throws Exception {
        String user = "tether-it-rot-" + UUID.randomUUID().toString().substring(0, 8);
        String oldPassword = "Old-" + UUID.randomUUID();
        String newPassword = "New-" + UUID.randomUUID();
        node.addUser(user, oldPassword);
        node.setPermissions("/", user);
        Events.SEEN.clear();
        SecretDirectory secret = new SecretDirectory(Files.createDirectories(secretFolder));
        secret.write("tether." + NAME + ".username", user);
        secret.write("tether." + NAME + ".password", oldPassword);
        PropertiesConfigSource rest = new PropertiesConfigSource(Map.of(
                "tether." + NAME + ".uri", "amqp://127.0.0.1:" + node.port(),
                "tether." + NAME + ".backoff.initial", "100ms",
                "tether." + NAME + ".backoff.max", "1s",
                "tether." + NAME + ".connection-timeout", "5s"), "it", 500);
        List<String> shown = new ArrayList<>();
        try (TetherCdi.ConfigScope config = TetherCdi.config(secret, rest);
                LogCapture log = LogCapture.of("");
                WeldContainer container = TetherCdi.weld(Events.class, Application.class,
                        SmallRyeHealthReporter.class, AsyncHealthCheckFactory.class, HealthRegistries.class)
                        .initialize()) {
            PersistentConnection holder = container.select(ConnectionRegistry.class).get().holder(NAME);
            Connection proxy = container.select(Application.class).get().connection();
            Connection first = holder.await(WAIT);
            assertTrue(node.rabbitmqctl("list_connections", "--quiet", "--no-table-headers", "user").contains(user));

            node.rabbitmqctl("change_password", user, newPassword);
            assertTrue(first.isOpen(), "changing the password leaves open connections alone");
            node.closeAllConnections("password rotated");
            ConnectFailed refused = awaitEvent(ConnectFailed.class, 1);
            assertEquals(FailureKind.AUTHENTICATION, refused.kind(), refused.toString());
            assertEquals(ConnectionState.CONNECTING, holder.state());
            String downHealth = readiness(container);
            assertTrue(downHealth.contains("\"DOWN\"") && downHealth.contains("AUTHENTICATION"), downHealth);
            shown.add(downHealth);

            secret.write("tether." + NAME + ".password", newPassword); // the kubelet updates the Secret's file
            Connected reconnected = awaitEvent(Connected.class, 2);
            assertTrue(reconnected.attempt() >= 2, "after the failed attempts: " + reconnected);
            assertSame(holder, container.select(ConnectionRegistry.class).get().holder(NAME), "no restart");
            try (Channel channel = proxy.createChannel()) {
                assertTrue(channel.queueDeclare().getQueue().startsWith("amq.gen-"), "the new connection works");
            }
            String upHealth = readiness(container);
            assertTrue(upHealth.contains("\"UP\""), upHealth);
            shown.add(upHealth);
            assertEquals(1, Events.of(Disconnected.class).size(), Events.SEEN.toString());

            shown.add(holder + " " + holder.status() + " " + holder.settings() + " " + proxy);
            for (ConnectionEvent event : Events.SEEN) {
                shown.add(event.toString());
                if (event instanceof ConnectFailed failed) {
                    shown.add(failed.describe());
                    shown.add(stackTrace(failed.cause()));
                }
            }
            SimpleFormatter format = new SimpleFormatter();
            for (LogRecord record : log.records()) {
                shown.add(format.format(record));
            }
            assertTrue(log.records().stream().anyMatch(r -> String.valueOf(r.getMessage()).contains("AUTHENTICATION")),
                    "the refused attempts were logged (and scanned)");
        } finally {
            node.rabbitmqctl("delete_user", user);
        }
        String everything = String.join("\n", shown);
        for (String password : List.of(oldPassword, newPassword)) {
            assertFalse(everything.contains(password), () -> "a password appears in:\n" + everything);
        }
    }

    private static <T extends ConnectionEvent> T awaitEvent(Class<T> type, int count) {
        Await.slowly(count + " " + type.getSimpleName() + " in " + Events.SEEN, WAIT, () -> Events.of(type).size() >= count);
        return Events.of(type).get(count - 1);
    }

    private static String readiness(WeldContainer container) {
        StringWriter json = new StringWriter();
        Json.createWriter(json).write(container.select(SmallRyeHealthReporter.class).get().getReadiness().getPayload());
        return json.toString();
    }

    private static String stackTrace(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}
