package dev.tether.internal.publish;

import static dev.tether.internal.publish.PublisherTest.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Connection;
import dev.tether.ChannelSettings;
import dev.tether.ConnectionSettings;
import dev.tether.PersistentConnection;
import dev.tether.PublishException;
import dev.tether.PublishException.Reason;
import dev.tether.testing.Await;
import dev.tether.testing.EmbeddedBroker;
import dev.tether.testing.QpidBroker;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * While the broker blocks publishers ({@code connection.blocked}), a publish waits before it borrows
 * a channel, up to {@code publish.confirm-timeout}. Qpid sends no {@code connection.blocked}: the
 * test reports the block to the publisher's gate as the client's listener would (a real memory alarm
 * is {@code PublishingLimitsIT}, on RabbitMQ).
 */
@ExtendWith(EmbeddedBroker.class)
class PublisherUnderAlarmTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final QpidBroker broker;
    private final String queue = "alarm-" + UUID.randomUUID();
    private PersistentConnection holder;

    PublisherUnderAlarmTest(QpidBroker broker) {
        this.broker = broker;
    }

    @AfterEach
    void close() throws Exception {
        if (holder != null) {
            holder.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private ConfirmingPublisher publisher(Duration confirmTimeout) throws Exception {
        holder = PersistentConnection.builder(ConnectionSettings.builder("alarm").uri(broker.uri())
                .channels(ChannelSettings.DEFAULT.withConfirmTimeout(confirmTimeout)).build()).build();
        holder.await(WAIT);
        holder.channels().run(channel -> channel.queueDeclare(queue, false, false, true, null));
        holder.publisher().publish("", queue, null, bytes("warm-up")); // the gate watches this connection now
        return (ConfirmingPublisher) holder.publisher();
    }

    private long inQueue() throws Exception {
        return holder.channels().call(channel -> channel.messageCount(queue));
    }

    @Test
    void aBlockLongerThanTheConfirmTimeoutFailsThePublishNotSentNamingTheBrokersReason() throws Exception {
        ConfirmingPublisher publisher = publisher(Duration.ofMillis(300));
        publisher.blocked().set(holder.get(), "low on memory");
        long start = System.nanoTime();
        PublishException blocked = assertThrows(PublishException.class,
                () -> publisher.publish("", queue, null, bytes("x")));
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(Reason.NOT_SENT, blocked.reason());
        assertTrue(waitedMs >= 290 && waitedMs < 5_000, "waited " + waitedMs + " ms");
        assertEquals("Connection 'alarm': publish to the default exchange with routing key '" + queue + "' was not"
                + " sent: the broker blocks publishers (low on memory) for longer than 300ms (publish.confirm-timeout)",
                blocked.getMessage());
        assertEquals(1L, inQueue(), "nothing sent but the warm-up");
        assertEquals(0, publisher.pool().lent(), "no confirm channel held while waiting");
        assertEquals(0, publisher.outstanding(), "no room held either");
    }

    @Test
    void aPublishWaitingWhileBlockedIsSentOnceTheBlockLifts() throws Exception {
        ConfirmingPublisher publisher = publisher(WAIT);
        Connection connection = holder.get();
        publisher.blocked().set(connection, "low on memory");
        CompletableFuture<Thread> caller = new CompletableFuture<>();
        CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
            caller.complete(Thread.currentThread());
            try {
                publisher.publish("", queue, null, bytes("x"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread waiting = caller.get(10, TimeUnit.SECONDS);
        Await.until("the publish to wait for the block to lift", WAIT,
                () -> waiting.getState() == Thread.State.TIMED_WAITING && !sent.isDone());
        assertEquals(1L, inQueue());
        publisher.blocked().set(connection, null);
        sent.get(10, TimeUnit.SECONDS);
        assertEquals(2L, inQueue());
    }

    @Test
    void theWatchedConnectionClosingLiftsTheBlockAndABlockOnAnotherConnectionIsIgnored() throws Exception {
        ConfirmingPublisher publisher = publisher(Duration.ofMillis(300));
        try (Connection other = broker.newConnection("not-watched")) {
            publisher.blocked().set(other, "another connection's alarm");
            publisher.publish("", queue, null, bytes("not blocked")); // at once: an IOException if it waited 300 ms
        }
        Connection old = holder.get();
        publisher.blocked().set(old, "low on memory");
        holder.reconnect(); // the old connection closes: it no longer blocks anything
        Await.until("a new connection", WAIT, () -> holder.current().filter(now -> now != old).isPresent());
        publisher.publish("", queue, null, bytes("after the reconnect"));
        assertEquals(3L, inQueue());
    }
}
