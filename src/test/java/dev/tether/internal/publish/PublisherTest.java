package dev.tether.internal.publish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import dev.tether.ConnectionSettings;
import dev.tether.PersistentConnection;
import dev.tether.PublishException;
import dev.tether.PublishException.Reason;
import dev.tether.Publisher;
import dev.tether.testing.EmbeddedBroker;
import dev.tether.testing.QpidBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Confirmed publishing on the embedded broker: acks, many outstanding confirms, returns, channel errors. */
@ExtendWith(EmbeddedBroker.class)
class PublisherTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final QpidBroker broker;
    private final String queue = "publisher-test-" + UUID.randomUUID();
    private PersistentConnection holder;
    private Publisher publisher;

    PublisherTest(QpidBroker broker) {
        this.broker = broker;
    }

    @BeforeEach
    void connect() throws Exception {
        holder = PersistentConnection.builder(ConnectionSettings.builder("publish").uri(broker.uri()).build()).build();
        holder.await(WAIT);
        publisher = holder.publisher();
        holder.channels().run(channel -> channel.queueDeclare(queue, false, false, true, null));
    }

    @AfterEach
    void close() throws Exception {
        if (holder != null) {
            assertEquals(0, ((ConfirmingPublisher) holder.publisher()).pool().lent(), "a confirm channel not given back");
        }
        holder.channels().run(channel -> channel.queueDelete(queue));
        holder.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void publishReturnsOnceConfirmedAndTheMessageIsInTheQueue() throws Exception {
        publisher.publish("", queue, MessageProperties.PERSISTENT_TEXT_PLAIN, bytes("order-1"));
        GetResponse got = holder.channels().call(channel -> channel.basicGet(queue, true));
        assertEquals("order-1", new String(got.getBody(), StandardCharsets.UTF_8));
        assertNull(got.getProps().getHeaders(), "no header on a message that is not mandatory");
    }

    @Test
    void manyAsynchronousPublishesAreEachConfirmed() throws Exception {
        List<CompletableFuture<Void>> confirms = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            confirms.add(publisher.publishAsync("", queue, null, bytes("m" + i)).toCompletableFuture());
        }
        CompletableFuture.allOf(confirms.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        long count = holder.channels().call(channel -> channel.messageCount(queue));
        assertEquals(2_000, count);
    }

    /**
     * Qpid Broker-J nacks an unroutable mandatory message and only then returns it (RabbitMQ returns
     * it, then acks: {@code PublisherIT} checks {@code RETURNED} there). Here it exercises nacks.
     */
    @Test
    void aNackFailsThePublishAsNackedAndOnlyThatOne() throws Exception {
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().headers(Map.of("app", "x")).build();
        PublishException nacked = assertThrows(PublishException.class,
                () -> publisher.publish("", "no-such-queue-" + UUID.randomUUID(), true, props, bytes("lost")));
        assertEquals(Reason.NACKED, nacked.reason());
        assertEquals("Connection 'publish': publish to the default exchange with routing key '"
                + nacked.getMessage().split("'")[3] + "' was nacked by the broker", nacked.getMessage());
        assertEquals(Map.of("app", "x"), props.getHeaders(), "the caller's properties are left alone");
        publisher.publish("", "no-such-queue-" + UUID.randomUUID(), false, props, bytes("dropped"));
        publisher.publish("", queue, true, props, bytes("routed"));
        GetResponse got = holder.channels().call(channel -> channel.basicGet(queue, true));
        assertEquals("x", got.getProps().getHeaders().get("app").toString());
        assertTrue(got.getProps().getHeaders().containsKey(Publisher.SEQUENCE_HEADER));
    }

    @Test
    void nacksAmongManyOutstandingPublishesFailOnlyTheirOwn() throws Exception {
        List<CompletionStage<Void>> routed = new ArrayList<>();
        List<CompletionStage<Void>> unroutable = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            routed.add(publisher.publishAsync("", queue, true, null, bytes("r" + i)));
            unroutable.add(publisher.publishAsync("", "nowhere-" + i, true, null, bytes("u" + i)));
        }
        for (CompletionStage<Void> stage : routed) {
            stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        for (CompletionStage<Void> stage : unroutable) {
            assertEquals(Reason.NACKED, reason(stage));
        }
        long count = holder.channels().call(channel -> channel.messageCount(queue));
        assertEquals(200, count);
    }

    /**
     * A 404 closes the confirm channel: publishes outstanding on it fail {@code CHANNEL_CLOSED} (they
     * may have arrived), those not yet sent on it fail {@code NOT_SENT}; none hangs, none is
     * reported lost while confirmed, and every confirmed one is in the queue.
     */
    @Test
    void aPublishToAMissingExchangeDamagesOnlyPublishesOnItsChannelAndEachEndsWithAnHonestReason()
            throws Exception {
        List<CompletableFuture<Void>> others = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            others.add(publisher.publishAsync("", queue, null, bytes("before" + i)).toCompletableFuture());
        }
        CompletionStage<Void> missing = publisher.publishAsync("no-such-exchange-" + UUID.randomUUID(), "rk", null,
                bytes("x"));
        for (int i = 0; i < 300; i++) {
            others.add(publisher.publishAsync("", queue, null, bytes("after" + i)).toCompletableFuture());
        }
        assertEquals(Reason.CHANNEL_CLOSED, reason(missing));
        int confirmed = 0;
        for (CompletableFuture<Void> other : others) {
            try {
                other.get(10, TimeUnit.SECONDS);
                confirmed++;
            } catch (java.util.concurrent.ExecutionException e) {
                Reason reason = ((PublishException) e.getCause()).reason();
                assertTrue(reason == Reason.CHANNEL_CLOSED || reason == Reason.NOT_SENT, reason.toString());
            }
        }
        assertTrue(confirmed > 0, "confirmed: " + confirmed);
        long count = holder.channels().call(channel -> channel.messageCount(queue));
        assertTrue(count >= confirmed, count + " in the queue, " + confirmed + " confirmed");
    }

    @Test
    void aPublishToAMissingExchangeFailsAsChannelClosedAndTheNextPublishWorks() throws Exception {
        PublishException closed = assertThrows(PublishException.class,
                () -> publisher.publish("no-such-exchange-" + UUID.randomUUID(), "rk", null, bytes("x")));
        assertEquals(Reason.CHANNEL_CLOSED, closed.reason(), closed.getMessage());
        assertTrue(closed.getMessage().contains("(404 "), closed.getMessage());
        publisher.publish("", queue, null, bytes("after"));
    }

    static Reason reason(CompletionStage<Void> stage) throws InterruptedException {
        try {
            stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
            throw new AssertionError("confirmed");
        } catch (java.util.concurrent.ExecutionException e) {
            return ((PublishException) e.getCause()).reason();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("hangs", e);
        }
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static void assertBody(String expected, byte[] body) {
        assertArrayEquals(bytes(expected), body);
    }
}
