package dev.tether.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ChannelContinuationTimeoutException;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;

/** {@link FaultProxy} between the raw RabbitMQ client and the shared embedded broker. */
@ExtendWith(EmbeddedBroker.class)
class FaultProxyTest {

    private static final Duration WAIT = Duration.ofSeconds(2);

    private final QpidBroker broker;
    private FaultProxy proxy;

    FaultProxyTest(QpidBroker broker) {
        this.broker = broker;
    }

    @BeforeEach
    void startProxy() {
        proxy = FaultProxy.start(broker.port());
    }

    @AfterEach
    void closeProxy() {
        proxy.close();
    }

    @Test
    void forwardsPublishAndConsume() throws Exception {
        assertEquals("amqp://guest:guest@127.0.0.1:" + proxy.port(), proxy.uri());
        try (Connection connection = factory().newConnection()) {
            assertEquals(1, proxy.acceptedConnections());
            assertEquals(1, proxy.openConnections());
            Channel channel = connection.createChannel();
            String queue = channel.queueDeclare().getQueue();
            CompletableFuture<String> received = new CompletableFuture<>();
            channel.basicConsume(queue, true, new DefaultConsumer(channel) {
                @Override
                public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
                    received.complete(new String(body, StandardCharsets.UTF_8));
                }
            });
            channel.basicPublish("", queue, null, "through the proxy".getBytes(StandardCharsets.UTF_8));
            assertEquals("through the proxy", received.get(2, TimeUnit.SECONDS));
        }
        Await.until("proxy to see the client close", WAIT, () -> proxy.openConnections() == 0);
    }

    @Test
    void cutResetsOpenConnectionsAndKeepsAccepting() throws Exception {
        Connection connection = factory().newConnection();
        CompletableFuture<ShutdownSignalException> shutdown = new CompletableFuture<>();
        connection.addShutdownListener(shutdown::complete);

        proxy.cut();

        ShutdownSignalException signal = shutdown.get(2, TimeUnit.SECONDS);
        assertFalse(signal.isInitiatedByApplication());
        assertTrue(signal.getCause() instanceof SocketException, "cause: " + signal.getCause());
        assertFalse(connection.isOpen());

        try (Connection again = factory().newConnection()) {
            assertTrue(again.isOpen());
            assertEquals(2, proxy.acceptedConnections());
        }
    }

    @Test
    void refuseMakesTheKernelRefuseUntilTurnedOff() throws Exception {
        int port = proxy.port();
        proxy.refuse(true);
        ConnectException refused = assertThrows(ConnectException.class, () -> factory().newConnection());
        assertTrue(refused.getMessage().contains("Connection refused"), refused.getMessage());

        proxy.refuse(false);
        assertEquals(port, proxy.port());
        try (Connection connection = factory().newConnection()) {
            assertTrue(connection.isOpen());
        }
        assertEquals(1, proxy.acceptedConnections());
    }

    @Test
    void blackHoleSilencesNewAndOpenConnections() throws Exception {
        ConnectionFactory openFactory = factory();
        openFactory.setChannelRpcTimeout(500);
        Connection open = openFactory.newConnection();
        CompletableFuture<ShutdownSignalException> openShutdown = new CompletableFuture<>();
        open.addShutdownListener(openShutdown::complete);

        proxy.blackHole(true);

        ConnectionFactory newFactory = factory();
        newFactory.setHandshakeTimeout(500);
        long start = System.nanoTime();
        assertThrows(TimeoutException.class, newFactory::newConnection);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(millis < 2_000, "handshake timed out after " + millis + " ms");
        assertEquals(2, proxy.acceptedConnections(), "the TCP connection was accepted");

        assertThrows(ChannelContinuationTimeoutException.class, open::createChannel);
        assertFalse(openShutdown.isDone(), "a partition raises no error by itself");

        proxy.blackHole(false);
        assertTrue(openShutdown.get(2, TimeUnit.SECONDS).getCause() instanceof SocketException);
        try (Connection after = factory().newConnection()) {
            assertTrue(after.isOpen());
        }
    }

    @Test
    void cutClientSideResetsTheClientAndKeepsTheBrokerSideOpenUntilClose() throws Exception {
        Connection open = factory().newConnection();
        CompletableFuture<ShutdownSignalException> shutdown = new CompletableFuture<>();
        open.addShutdownListener(shutdown::complete);

        proxy.cutClientSide();

        assertTrue(shutdown.get(2, TimeUnit.SECONDS).getCause() instanceof SocketException, "the client sees a reset");
        assertEquals(1, proxy.openConnections(), "the broker side is still open");
        try (Connection after = factory().newConnection()) {
            assertTrue(after.isOpen(), "new connections are forwarded");
        }
        proxy.close();
        assertEquals(0, proxy.openConnections());
        ThreadLeaks.awaitNone("fault-proxy", Duration.ofMillis(500));
    }

    @Test
    void delayedHandshakeStillConnects() throws Exception {
        proxy.delayHandshake(Duration.ofMillis(300));
        ConnectionFactory patient = factory();
        patient.setHandshakeTimeout(20_000); // the broker's own answer may be slow on a loaded machine
        long start = System.nanoTime();
        try (Connection connection = patient.newConnection()) {
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(connection.isOpen());
            assertTrue(millis >= 300, "connected after " + millis + " ms");
        }
    }

    @Test
    void noProxyThreadSurvivesClose() throws Exception {
        Connection forwarded = factory().newConnection();
        proxy.delayHandshake(Duration.ofSeconds(30));
        Socket delayed = new Socket("127.0.0.1", proxy.port());
        proxy.delayHandshake(Duration.ZERO);
        proxy.blackHole(true);
        Socket blackHoled = new Socket("127.0.0.1", proxy.port());
        Await.until("3 proxied connections", WAIT, () -> proxy.openConnections() == 3);
        assertFalse(ThreadLeaks.threadsStartingWith("fault-proxy").isEmpty());

        proxy.close();

        assertEquals(0, proxy.openConnections());
        ThreadLeaks.awaitNone("fault-proxy", Duration.ofMillis(500));
        Await.until("client to see the proxy close", WAIT, () -> !forwarded.isOpen());
        assertEquals(-1, readOrEof(delayed));
        assertEquals(-1, readOrEof(blackHoled));
        delayed.close();
        blackHoled.close();
    }

    private static int readOrEof(Socket socket) {
        try {
            return socket.getInputStream().read();
        } catch (IOException reset) {
            return -1;
        }
    }

    @Test
    void heldRepliesAllArriveOnceReleased() throws Exception {
        try (Connection connection = factory().newConnection()) {
            Channel channel = connection.createChannel();
            String queue = channel.queueDeclare().getQueue();
            java.util.List<String> seen = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
            channel.basicConsume(queue, true, new DefaultConsumer(channel) {
                @Override
                public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
                    seen.add(new String(body, StandardCharsets.UTF_8));
                }
            });
            proxy.holdReplies(true);
            channel.basicPublish("", queue, null, "first".getBytes(StandardCharsets.UTF_8));
            CompletableFuture<?> declareOk = channel.asyncCompletableRpc(
                    new AMQP.Queue.Declare.Builder().queue(queue).passive().build()).thenRun(() -> seen.add("declare-ok"));
            assertThrows(TimeoutException.class, () -> declareOk.get(300, TimeUnit.MILLISECONDS), "reply held");
            assertEquals(java.util.List.of(), seen);
            proxy.holdReplies(false);
            declareOk.get(2, TimeUnit.SECONDS);
            Await.until("the held delivery", WAIT, () -> seen.contains("first")); // delivered on the consumer's own thread
            assertEquals(java.util.Set.of("first", "declare-ok"), java.util.Set.copyOf(seen));
        }
    }

    private ConnectionFactory factory() throws Exception {
        return QpidBrokerTest.factory(proxy.uri());
    }
}
