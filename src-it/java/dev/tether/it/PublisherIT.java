package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import dev.tether.ConnectionSettings;
import dev.tether.PersistentConnection;
import dev.tether.PublishException;
import dev.tether.PublishException.Reason;
import dev.tether.testing.RabbitMq;
import dev.tether.testing.RabbitMqNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Pooled channels and confirmed publishing on RabbitMQ, where it differs from the embedded broker:
 * a return precedes its ack ({@code RETURNED}), a full queue with {@code reject-publish} nacks, and
 * a channel error closes only the channel.
 */
@ExtendWith(RabbitMq.class)
class PublisherIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final String queue = "tether-it-publisher-" + UUID.randomUUID().toString().substring(0, 8);
    private PersistentConnection holder;

    @BeforeEach
    void connect(RabbitMqNode node) throws Exception {
        holder = PersistentConnection.builder(ConnectionSettings.builder("it-publisher").uri(node.uri()).build())
                .build();
        holder.await(WAIT);
        holder.channels().run(channel -> channel.queueDeclare(queue, true, false, false, null));
    }

    @AfterEach
    void close() throws Exception {
        holder.channels().run(channel -> channel.queueDelete(queue));
        holder.close().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void eachReturnedMandatoryPublishFailsAsReturnedAndEveryRoutedOneIsConfirmed() throws Exception {
        List<CompletionStage<Void>> routed = new ArrayList<>();
        List<CompletionStage<Void>> unroutable = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            routed.add(holder.publisher().publishAsync("", queue, true, null, bytes("r" + i)));
            unroutable.add(holder.publisher().publishAsync("", "nowhere-" + i, true, null, bytes("u" + i)));
        }
        for (CompletionStage<Void> stage : routed) {
            stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        for (CompletionStage<Void> stage : unroutable) {
            PublishException failure = failure(stage);
            assertEquals(Reason.RETURNED, failure.reason(), failure.getMessage());
            assertTrue(failure.getMessage().contains("was returned as unroutable (312 NO_ROUTE)"), failure.getMessage());
        }
        long count = holder.channels().call(channel -> channel.messageCount(queue));
        assertEquals(500, count);
        Survives.report("publisher-returns", "routed_confirmed", routed.size(), "returned", unroutable.size());
    }

    @Test
    void aPublishToAFullQueueThatRejectsFailsAsNacked() throws Exception {
        String full = queue + "-full";
        // durable: RabbitMQ 4.3 denies non-durable, non-exclusive queues
        holder.channels().run(channel -> channel.queueDeclare(full, true, false, true,
                Map.of("x-max-length", 0, "x-overflow", "reject-publish")));
        try {
            PublishException nacked = assertThrows(PublishException.class,
                    () -> holder.publisher().publish("", full, null, bytes("x")));
            assertEquals(Reason.NACKED, nacked.reason());
            holder.publisher().publish("", queue, null, bytes("next")); // the confirm channel stays usable
        } finally {
            holder.channels().run(channel -> channel.queueDelete(full));
        }
    }

    @Test
    void aPublishToAMissingExchangeFailsAsChannelClosedAndTheConnectionStays() throws Exception {
        PublishException closed = assertThrows(PublishException.class,
                () -> holder.publisher().publish("no-such-exchange", "rk", null, bytes("x")));
        assertEquals(Reason.CHANNEL_CLOSED, closed.reason());
        assertTrue(closed.getMessage().contains("404 NOT_FOUND - no exchange 'no-such-exchange'"), closed.getMessage());
        assertTrue(holder.get().isOpen());
        holder.publisher().publish("", queue, null, bytes("next"));
    }

    @Test
    void aPooledChannelClosedByAChannelErrorIsDroppedNotLentAgain() throws Exception {
        Channel failed = holder.channels().call(channel -> {
            assertThrows(IOException.class, () -> channel.queueDeclarePassive("no-such-queue-" + UUID.randomUUID()));
            return channel;
        });
        assertFalse(failed.isOpen());
        Channel next = holder.channels().call(channel -> channel);
        assertNotSame(failed, next);
        assertTrue(next.isOpen());
    }

    private static PublishException failure(CompletionStage<Void> stage) throws Exception {
        try {
            stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
            throw new AssertionError("confirmed");
        } catch (ExecutionException e) {
            return (PublishException) e.getCause();
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
