package dev.tether.internal.channels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.tether.testing.Await;
import dev.tether.testing.EmbeddedBroker;
import dev.tether.testing.QpidBroker;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Opening channels on a connection with no channel number left: wait for one within the checkout timeout, then fail. */
@ExtendWith(EmbeddedBroker.class)
class ChannelNumbersTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final QpidBroker broker;
    private Connection connection;

    ChannelNumbersTest(QpidBroker broker) {
        this.broker = broker;
    }

    @BeforeEach
    void open() throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(broker.uri());
        factory.setRequestedChannelMax(2); // the client then lends channel numbers 1 and 2 only
        connection = factory.newConnection("numbers");
    }

    @AfterEach
    void close() throws Exception {
        if (connection.isOpen()) {
            connection.close();
        }
    }

    private Channel[] exhaust() throws IOException {
        Channel[] all = {connection.createChannel(), connection.createChannel()};
        assertEquals(null, connection.createChannel(), "no channel number left");
        return all;
    }

    @Test
    void withNoNumberLeftAnOpenWaitsForAChannelToCloseAndGetsItsNumber() throws Exception {
        ChannelNumbers numbers = new ChannelNumbers("numbers", "channel", WAIT);
        Channel[] all = exhaust();
        CompletableFuture<Thread> opener = new CompletableFuture<>();
        CompletableFuture<Channel> opened = CompletableFuture.supplyAsync(() -> {
            opener.complete(Thread.currentThread());
            try {
                return numbers.open(connection, () -> false);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread waiting = opener.get(10, TimeUnit.SECONDS);
        Await.until("the open to wait for a number", WAIT, () -> waiting.getState() == Thread.State.TIMED_WAITING);
        all[0].close();
        numbers.freed();
        Channel channel = opened.get(10, TimeUnit.SECONDS);
        assertNotNull(channel);
        assertTrue(channel.isOpen());
    }

    @Test
    void withNoNumberLeftWithinTheTimeoutAnOpenFailsNamingTheBrokersChannelMax() throws Exception {
        ChannelNumbers numbers = new ChannelNumbers("numbers", "confirm channel", Duration.ofMillis(200));
        exhaust();
        long start = System.nanoTime();
        IOException none = assertThrows(IOException.class, () -> numbers.open(connection, () -> false));
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(waitedMs >= 190 && waitedMs < 5_000, "waited " + waitedMs + " ms");
        assertEquals("Connection 'numbers': no channel number left for a confirm channel within 200ms (the broker's"
                + " channel_max is 2)", none.getMessage());
    }

    @Test
    void aClosedPoolEndsTheWaitAtOnce() throws Exception {
        ChannelNumbers numbers = new ChannelNumbers("numbers", "channel", WAIT);
        exhaust();
        long start = System.nanoTime();
        assertThrows(IOException.class, () -> numbers.open(connection, () -> true));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "did not wait for the timeout");
    }

    @Test
    void anInterruptedOpenGivesUpWithItsFlagSet() throws Exception {
        ChannelNumbers numbers = new ChannelNumbers("numbers", "channel", WAIT);
        exhaust();
        Thread.currentThread().interrupt();
        try {
            InterruptedIOException interrupted = assertThrows(InterruptedIOException.class,
                    () -> numbers.open(connection, () -> false));
            assertEquals("Interrupted while waiting for a channel number of connection 'numbers'", interrupted.getMessage());
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
    }
}
