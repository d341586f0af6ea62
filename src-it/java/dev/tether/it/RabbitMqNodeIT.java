package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.ShutdownSignalException;
import dev.tether.testing.Await;
import dev.tether.testing.RabbitMq;
import dev.tether.testing.RabbitMqNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Proves the test harness itself ({@link RabbitMq}, {@link RabbitMqNode}) against a real RabbitMQ,
 * with the plain RabbitMQ client.
 */
@ExtendWith(RabbitMq.class)
class RabbitMqNodeIT {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void aConnectionIsListedByItsClientProvidedName(RabbitMqNode node) throws Exception {
        String name = unique("tether-it-named");
        try (Connection connection = factory(node).newConnection(name)) {
            assertTrue(connection.isOpen());
            Await.slowly(name + " listed by the broker", WAIT, () -> node.connectionNames().contains(name));
            assertTrue(node.connectionCount() >= 1, "connectionCount");
        }
        Await.slowly(name + " gone from the broker's list", WAIT, () -> !node.connectionNames().contains(name));
    }

    @Test
    void closeAllConnectionsReachesTheClient(RabbitMqNode node) throws Exception {
        Connection connection = factory(node).newConnection(unique("tether-it-close-all"));
        try {
            CompletableFuture<ShutdownSignalException> shutdown = new CompletableFuture<>();
            connection.addShutdownListener(shutdown::complete);

            node.closeAllConnections("tether-it closes everything");

            ShutdownSignalException signal = shutdown.get(5, TimeUnit.SECONDS);
            assertFalse(signal.isInitiatedByApplication());
            AMQP.Connection.Close close = assertInstanceOf(AMQP.Connection.Close.class, signal.getReason());
            assertEquals(AMQP.CONNECTION_FORCED, close.getReplyCode());
            assertTrue(close.getReplyText().contains("tether-it closes everything"), close.getReplyText());
            assertFalse(connection.isOpen());
        } finally {
            connection.abort();
        }
    }

    @Test
    void stopAppDisconnectsAndStartAppBringsAmqpBack(RabbitMqNode node) throws Exception {
        ConnectionFactory factory = factory(node);
        Connection connection = factory.newConnection(unique("tether-it-stop-app"));
        CompletableFuture<ShutdownSignalException> shutdown = new CompletableFuture<>();
        connection.addShutdownListener(shutdown::complete);
        try {
            node.stopApp();

            ShutdownSignalException signal = shutdown.get(5, TimeUnit.SECONDS);
            assertFalse(signal.isInitiatedByApplication());
            assertThrows(IOException.class, () -> factory.newConnection(unique("tether-it-while-stopped")),
                    "no AMQP while the application is stopped");
            assertTrue(node.isRunning(), "the Erlang VM stays up during stop_app");
        } finally {
            connection.abort();
            node.startApp();
        }

        try (Connection again = factory.newConnection(unique("tether-it-after-start-app"))) {
            Channel channel = again.createChannel();
            String queue = channel.queueDeclare().getQueue();
            byte[] body = "back".getBytes(StandardCharsets.UTF_8);
            channel.basicPublish("", queue, null, body);
            GetResponse response = getWithin(channel, queue);
            assertArrayEquals(body, response.getBody());
        }
    }

    @Test
    void aSecondPrivateNodeRunsBesideTheSharedOneAndStopsCleanly(RabbitMqNode shared) throws Exception {
        RabbitMqNode second = RabbitMqNode.start();
        Path folder = second.directory();
        ConnectionFactory secondFactory = factory(second);
        try {
            assertNotEquals(shared.port(), second.port());
            assertNotEquals(shared.nodeName(), second.nodeName());
            assertEquals(second.port() + 20000, second.distributionPort());

            String queue = unique("tether-it-only-on-second");
            String name = unique("tether-it-second");
            try (Connection connection = secondFactory.newConnection(name)) {
                connection.createChannel().queueDeclare(queue, true, false, false, null); // durable: RabbitMQ 4.3 denies transient non-exclusive queues
                Await.slowly("only " + name + " on the second node", WAIT,
                        () -> second.connectionNames().equals(List.of(name)));
            }
            try (Connection connection = factory(shared).newConnection(unique("tether-it-shared"))) {
                IOException missing = assertThrows(IOException.class,
                        () -> connection.createChannel().queueDeclarePassive(queue));
                ShutdownSignalException cause = assertInstanceOf(ShutdownSignalException.class, missing.getCause());
                assertEquals(AMQP.NOT_FOUND, ((AMQP.Channel.Close) cause.getReason()).getReplyCode());
            }
        } finally {
            second.stop();
        }
        assertFalse(second.isRunning(), "the second node's Erlang VM is gone");
        assertFalse(Files.exists(folder), "the second node's folder is deleted");
        assertThrows(IOException.class, () -> secondFactory.newConnection(unique("tether-it-after-stop")));
        second.stop(); // a second stop does nothing
    }

    @Test
    void aWrongPasswordIsAnAuthenticationFailure(RabbitMqNode node) {
        ConnectionFactory factory = factory(node);
        factory.setPassword("not-the-password");
        assertThrows(AuthenticationFailureException.class,
                () -> factory.newConnection(unique("tether-it-wrong-password")));
    }

    @Test
    void aNewUserConnectsToANewVhostOnceItHasPermissions(RabbitMqNode node) throws Exception {
        String vhost = unique("tether-it-vhost");
        String user = unique("tether-it-user");
        node.addVhost(vhost);
        node.addUser(user, "secret");
        try {
            ConnectionFactory factory = factory(node);
            factory.setVirtualHost(vhost);
            factory.setUsername(user);
            factory.setPassword("secret");
            assertThrows(IOException.class, () -> factory.newConnection(unique("tether-it-no-permission")),
                    "no access to the vhost before set_permissions");

            node.setPermissions(vhost, user);

            try (Connection connection = factory.newConnection(unique("tether-it-permitted"))) {
                assertTrue(connection.isOpen());
                assertNotNull(connection.createChannel().queueDeclare().getQueue());
            }
        } finally {
            node.rabbitmqctl("delete_user", user);
            node.rabbitmqctl("delete_vhost", vhost);
        }
    }

    @Test
    void aTinyMemoryWatermarkBlocksPublishersUntilItIsRaised(RabbitMqNode node) throws Exception {
        try (Connection connection = factory(node).newConnection(unique("tether-it-blocked"))) {
            CompletableFuture<String> blocked = new CompletableFuture<>();
            CompletableFuture<Void> unblocked = new CompletableFuture<>();
            connection.addBlockedListener(blocked::complete, () -> unblocked.complete(null));
            Channel channel = connection.createChannel();
            try {
                node.setMemoryHighWatermark(0.0001);
                channel.basicPublish("", "tether-it-nowhere", null, new byte[] {1});
                String reason = blocked.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertTrue(reason.contains("memory"), reason);
            } finally {
                node.setMemoryHighWatermark(0.4);
            }
            unblocked.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    private static ConnectionFactory factory(RabbitMqNode node) {
        ConnectionFactory factory = node.connectionFactory();
        factory.setAutomaticRecoveryEnabled(false);
        factory.setConnectionTimeout(5000);
        return factory;
    }

    private static GetResponse getWithin(Channel channel, String queue) {
        GetResponse[] response = new GetResponse[1];
        Await.slowly("a message on " + queue, WAIT, () -> {
            try {
                response[0] = channel.basicGet(queue, true);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return response[0] != null;
        });
        return response[0];
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
