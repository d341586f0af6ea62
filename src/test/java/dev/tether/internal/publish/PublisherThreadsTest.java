package dev.tether.internal.publish;

import static dev.tether.internal.publish.PublisherTest.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.ChannelSettings;
import dev.tether.ConnectionSettings;
import dev.tether.PersistentConnection;
import dev.tether.PublishException;
import dev.tether.PublishException.Reason;
import dev.tether.testing.EmbeddedBroker;
import dev.tether.testing.QpidBroker;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * On which thread a publish's stage completes, and that code there may call Tether again: a completion
 * that republishes or declares through {@code Channels} needs a channel RPC, whose reply only the
 * client's connection thread reads.
 */
@ExtendWith(EmbeddedBroker.class)
class PublisherThreadsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final QpidBroker broker;
    private final String queue = "threads-test-" + UUID.randomUUID();
    private PersistentConnection holder;

    PublisherThreadsTest(QpidBroker broker) {
        this.broker = broker;
    }

    @BeforeEach
    void connect() throws Exception {
        holder = PersistentConnection.builder(ConnectionSettings.builder("threads").uri(broker.uri())
                .channels(ChannelSettings.DEFAULT.withMax(1)).build()).build();
        holder.await(WAIT);
        holder.channels().run(channel -> channel.queueDeclare(queue, false, false, true, null));
    }

    @AfterEach
    void close() throws Exception {
        holder.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aCompletionThatRepublishesAfterAChannelErrorEndsWithinSeconds() throws Exception {
        AtomicReference<String> thread = new AtomicReference<>();
        CompletableFuture<Void> republished = holder.publisher()
                .publishAsync("missing-" + UUID.randomUUID(), "rk", null, bytes("x"))
                .handle((ok, failure) -> {
                    thread.set(Thread.currentThread().getName());
                    assertEquals(Reason.CHANNEL_CLOSED, ((PublishException) failure).reason());
                    return holder.publisher().publishAsync("", queue, null, bytes("again")); // a new confirm channel
                })
                .thenCompose(stage -> stage).toCompletableFuture();
        assertNull(republished.get(5, TimeUnit.SECONDS));
        assertTrue(thread.get().startsWith("tether-threads-publish"), thread.get());
        assertEquals(1L, (long) holder.channels().call(channel -> channel.messageCount(queue)));
    }

    @Test
    void aCompletionThatDeclaresThroughChannelsEndsWithinSeconds() throws Exception {
        String exchange = "declared-" + UUID.randomUUID();
        CompletableFuture<Void> declared = holder.publisher().publishAsync(exchange, "rk", null, bytes("x"))
                .handle((ok, failure) -> {
                    try {
                        holder.channels().run(channel -> channel.exchangeDeclare(exchange, "fanout", false, true, null));
                        holder.publisher().publish(exchange, "rk", null, bytes("y")); // blocking, from the completion
                        return null;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }).thenApply(ok -> (Void) null).toCompletableFuture();
        assertNull(declared.get(5, TimeUnit.SECONDS));
        assertFalse(Thread.currentThread().getName().startsWith("AMQP"));
    }
}
