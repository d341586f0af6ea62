package dev.tether.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.ShutdownSignalException;

/** {@link QpidBroker} against the raw RabbitMQ client. Each test owns its broker, since some stop it. */
class QpidBrokerTest {

    private static final Duration WAIT = Duration.ofSeconds(2);

    @Test
    void acceptsClientsOnVirtualHostSlashAndCountsTheirConnections() throws Exception {
        try (QpidBroker broker = QpidBroker.start()) {
            assertTrue(broker.isRunning());
            assertEquals("amqp://guest:guest@127.0.0.1:" + broker.port(), broker.uri());
            assertEquals(0, broker.connectionCount());

            ConnectionFactory factory = factory(broker.uri());
            assertEquals("/", factory.getVirtualHost());
            try (Connection connection = factory.newConnection()) {
                Await.until("broker to count 1 connection", WAIT, () -> broker.connectionCount() == 1);
                Channel channel = connection.createChannel();
                String queue = channel.queueDeclare().getQueue();
                byte[] body = "hello".getBytes(StandardCharsets.UTF_8);
                channel.basicPublish("", queue, null, body);
                GetResponse got = Await.until("message on " + queue, WAIT, () -> basicGet(channel, queue));
                assertArrayEquals(body, got.getBody());
            }
            Await.until("broker to count 0 connections", WAIT, () -> broker.connectionCount() == 0);
        }
    }

    @Test
    void stopClosesClientConnectionsWith320AndRefusesNewOnes() throws Exception {
        try (QpidBroker broker = QpidBroker.start()) {
            ConnectionFactory factory = factory(broker.uri());
            Connection connection = factory.newConnection();
            CompletableFuture<ShutdownSignalException> shutdown = new CompletableFuture<>();
            connection.addShutdownListener(shutdown::complete);

            broker.stop();

            ShutdownSignalException signal = shutdown.get(2, TimeUnit.SECONDS);
            assertTrue(signal.isHardError(), "connection-level shutdown");
            assertFalse(signal.isInitiatedByApplication(), "initiated by the broker");
            AMQP.Connection.Close close = (AMQP.Connection.Close) signal.getReason();
            assertEquals(320, close.getReplyCode());
            assertFalse(connection.isOpen());
            assertFalse(broker.isRunning());
            assertEquals(0, broker.connectionCount());
            assertThrows(ConnectException.class, factory::newConnection);
        }
    }

    @Test
    void restartAcceptsConnectionsAgainOnTheSamePort() throws Exception {
        try (QpidBroker broker = QpidBroker.start()) {
            int port = broker.port();
            Connection before = factory(broker.uri()).newConnection();
            broker.stop();
            Await.until("client to see the broker stop", WAIT, () -> !before.isOpen());
            assertThrows(ConnectException.class, () -> factory(broker.uri()).newConnection());

            broker.restart();
            assertThrows(IllegalStateException.class, broker::restart, "restart of a running broker");

            assertEquals(port, broker.port());
            assertTrue(broker.isRunning());
            try (Connection after = factory("amqp://guest:guest@127.0.0.1:" + port).newConnection()) {
                assertTrue(after.isOpen());
                Await.until("broker to count 1 connection", WAIT, () -> broker.connectionCount() == 1);
            }
        }
    }

    @Test
    void closeStopsTheBrokerForGood() throws Exception {
        QpidBroker broker = QpidBroker.start();
        ConnectionFactory factory = factory(broker.uri());
        broker.close();
        assertFalse(broker.isRunning());
        assertThrows(IllegalStateException.class, broker::restart);
        assertThrows(ConnectException.class, factory::newConnection);
    }

    @Test
    void startOnBindsTheGivenPortAndWorkFolderAndCloseDeletesTheFolder(@TempDir Path parent) throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path work = parent.resolve("dev-broker-work");
        Files.createDirectories(work);
        Path leftover = Files.writeString(work.resolve("left-by-an-earlier-run"), "x");
        try (QpidBroker broker = QpidBroker.startOn(port, work)) {
            assertEquals(port, broker.port());
            assertEquals("amqp://guest:guest@127.0.0.1:" + port, broker.uri());
            assertFalse(Files.exists(leftover), "the work folder is emptied first");
            assertTrue(Files.exists(work.resolve("initial-config.json")));
            try (Connection connection = factory(broker.uri()).newConnection()) {
                assertTrue(connection.isOpen());
            }
        }
        assertFalse(Files.exists(work), "close() deletes the work folder");
        assertThrows(IllegalArgumentException.class, () -> QpidBroker.startOn(0, work));
    }

    static ConnectionFactory factory(String uri) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(uri);
        factory.setAutomaticRecoveryEnabled(false);
        factory.setTopologyRecoveryEnabled(false);
        factory.setConnectionTimeout(2_000);
        factory.setHandshakeTimeout(2_000);
        return factory;
    }

    static GetResponse basicGet(Channel channel, String queue) {
        try {
            return channel.basicGet(queue, true);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
