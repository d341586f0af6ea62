package dev.tether.internal.publish;

import static dev.tether.internal.publish.PublisherTest.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.ChannelSettings;
import dev.tether.ConnectionSettings;
import dev.tether.PersistentConnection;
import dev.tether.PublishException;
import dev.tether.PublishException.Reason;
import dev.tether.testing.EmbeddedBroker;
import dev.tether.testing.FaultProxy;
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
 *
 * <p>The broker's replies pass through a {@link FaultProxy} that holds them until the dependent action
 * is attached: a stage already complete when {@code handle} is called runs it on the caller's thread
 * (as every {@code CompletableFuture} does), which would not exercise the completion thread at all.
 */
@ExtendWith(EmbeddedBroker.class)
class PublisherThreadsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final QpidBroker broker;
    private final String queue = "threads-test-" + UUID.randomUUID();
    private FaultProxy proxy;
    private PersistentConnection holder;

    PublisherThreadsTest(QpidBroker broker) {
        this.broker = broker;
    }

    @BeforeEach
    void connect() throws Exception {
        proxy = FaultProxy.start(broker.port());
        holder = PersistentConnection.builder(ConnectionSettings.builder("threads").uri(proxy.uri())
                .channels(ChannelSettings.DEFAULT.withMax(1)).build()).build();
        holder.await(WAIT);
        holder.channels().run(channel -> channel.queueDeclare(queue, false, false, true, null));
        holder.publisher().publish("", queue + "-none", null, bytes("warm")); // the confirm channel is open
    }

    @AfterEach
    void close() throws Exception {
        try {
            holder.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } finally {
            proxy.close();
        }
    }

    @Test
    void aCompletionThatRepublishesAfterAChannelErrorEndsWithinSeconds() throws Exception {
        AtomicReference<String> thread = new AtomicReference<>();
        proxy.holdReplies(true);
        CompletableFuture<Void> republished = holder.publisher()
                .publishAsync("missing-" + UUID.randomUUID(), "rk", null, bytes("x"))
                .handle((ok, failure) -> {
                    thread.set(Thread.currentThread().getName());
                    assertEquals(Reason.CHANNEL_CLOSED, ((PublishException) failure).reason());
                    return holder.publisher().publishAsync("", queue, null, bytes("again")); // a new confirm channel
                })
                .thenCompose(stage -> stage).toCompletableFuture();
        proxy.holdReplies(false);
        assertNull(republished.get(5, TimeUnit.SECONDS));
        assertTrue(thread.get().startsWith("tether-threads-publish"), thread.get());
        assertEquals(1L, (long) holder.channels().call(channel -> channel.messageCount(queue)));
    }

    @Test
    void aCompletionThatDeclaresThroughChannelsEndsWithinSeconds() throws Exception {
        String exchange = "declared-" + UUID.randomUUID();
        AtomicReference<String> thread = new AtomicReference<>();
        proxy.holdReplies(true);
        CompletableFuture<Void> declared = holder.publisher().publishAsync(exchange, "rk", null, bytes("x"))
                .handle((ok, failure) -> {
                    thread.set(Thread.currentThread().getName());
                    try {
                        holder.channels().run(channel -> {
                            channel.exchangeDeclare(exchange, "fanout", false, true, null);
                            channel.queueBind(queue, exchange, "");
                        });
                        holder.publisher().publish(exchange, "rk", null, bytes("y")); // blocking, from the completion
                        return null;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }).thenApply(ok -> (Void) null).toCompletableFuture();
        proxy.holdReplies(false);
        assertNull(declared.get(5, TimeUnit.SECONDS));
        assertTrue(thread.get().startsWith("tether-threads-publish"), thread.get());
        assertEquals(1L, (long) holder.channels().call(channel -> channel.messageCount(queue)));
    }
}
