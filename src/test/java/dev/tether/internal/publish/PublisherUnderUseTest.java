package dev.tether.internal.publish;

import static dev.tether.internal.publish.PublisherTest.bytes;
import static dev.tether.internal.publish.PublisherTest.reason;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import dev.tether.ChannelSettings;
import dev.tether.ConnectionEvent;
import dev.tether.ConnectionSettings;
import dev.tether.PersistentConnection;
import dev.tether.PublishException;
import dev.tether.PublishException.Reason;
import dev.tether.testing.Await;
import dev.tether.testing.EmbeddedBroker;
import dev.tether.testing.FaultProxy;
import dev.tether.testing.QpidBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Publishing under the ways applications use it: from listeners, with a malformed message, closed, on a dead link. */
@ExtendWith(EmbeddedBroker.class)
class PublisherUnderUseTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final QpidBroker broker;
    private final FaultProxy proxy;
    private final String queue = "under-use-" + UUID.randomUUID();
    private PersistentConnection holder;

    PublisherUnderUseTest(QpidBroker broker) {
        this.broker = broker;
        this.proxy = FaultProxy.start(broker.port());
    }

    @AfterEach
    void close() throws Exception {
        proxy.blackHole(false);
        if (holder != null) {
            holder.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        proxy.close();
    }

    private ConnectionSettings.Builder settings(String uri) {
        return ConnectionSettings.builder("use").uri(uri).channels(ChannelSettings.DEFAULT.withMax(1));
    }

    @Test
    void aPublishFromAConnectedListenerIsSentAndConfirmedAndItsChannelKept() throws Exception {
        AtomicReference<PersistentConnection> self = new AtomicReference<>();
        AtomicReference<Object> outcome = new AtomicReference<>();
        holder = PersistentConnection.builder(settings(broker.uri()).eager(false).build()).listener(event -> {
            if (event instanceof ConnectionEvent.Connected && outcome.get() == null) {
                self.get().channels().run(channel -> channel.queueDeclare(queue, false, false, true, null));
                try {
                    self.get().publisher().publish("", queue, null, bytes("outbox"));
                    outcome.set("confirmed");
                } catch (PublishException e) {
                    outcome.set(e);
                }
            }
        }).build();
        self.set(holder);
        holder.await(WAIT);
        assertEquals("confirmed", outcome.get());
        assertEquals(1L, (long) holder.channels().call(channel -> channel.messageCount(queue)));
        ConfirmingPublisher publisher = (ConfirmingPublisher) holder.publisher();
        assertEquals(1, publisher.pool().idle(), "the confirm channel opened in the listener is kept");
        publisher.publish("", queue, null, bytes("after"));
        assertEquals(1, publisher.pool().open(), "and reused");
    }

    @Test
    void publishAsyncOnTheHoldersThreadWithNoConnectionReturnsAFailedStage() throws Exception {
        proxy.refuse(true);
        AtomicReference<PersistentConnection> self = new AtomicReference<>();
        CompletableFuture<CompletionStage<Void>> stage = new CompletableFuture<>();
        holder = PersistentConnection.builder(settings(proxy.uri()).eager(false).build()).listener(event -> {
            if (event instanceof ConnectionEvent.ConnectFailed && !stage.isDone()) {
                try {
                    stage.complete(self.get().publisher().publishAsync("", queue, null, bytes("x")));
                } catch (RuntimeException e) {
                    stage.completeExceptionally(e);
                }
            }
        }).build();
        self.set(holder);
        holder.current(); // starts the lazy holder
        assertEquals(Reason.NOT_SENT, reason(stage.get(10, TimeUnit.SECONDS)));
    }

    @Test
    void aMalformedPublishFailsAloneAndOtherPublishesOnItsChannelAreConfirmed() throws Exception {
        holder = PersistentConnection.builder(settings(broker.uri()).build()).build();
        holder.await(WAIT);
        holder.channels().run(channel -> channel.queueDeclare(queue, false, false, true, null));
        List<CompletableFuture<Void>> others = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            others.add(holder.publisher().publishAsync("", queue, null, bytes("m" + i)).toCompletableFuture());
        }
        AMQP.BasicProperties malformed = new AMQP.BasicProperties.Builder().headers(Map.of("bad", new Object())).build();
        CompletionStage<Void> bad = holder.publisher().publishAsync("", queue, malformed, bytes("bad"));
        for (int i = 0; i < 100; i++) {
            others.add(holder.publisher().publishAsync("", queue, null, bytes("n" + i)).toCompletableFuture());
        }
        PublishException refused = (PublishException) bad.toCompletableFuture().handle((ok, e) -> e).get(10, TimeUnit.SECONDS);
        assertEquals(Reason.NOT_SENT, refused.reason());
        assertTrue(refused.getCause() instanceof IllegalArgumentException, String.valueOf(refused.getCause()));
        CompletableFuture.allOf(others.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        assertEquals(1_100L, (long) holder.channels().call(channel -> channel.messageCount(queue)));
        ConfirmingPublisher publisher = (ConfirmingPublisher) holder.publisher();
        Await.until("the retired channel closed once settled", WAIT, () -> publisher.pool().open() == 1);
    }

    @Test
    void closingTheHolderWithPublishesOutstandingAndNoCutFailsThemAsClosed() throws Exception {
        holder = PersistentConnection.builder(settings(proxy.uri()).connectionTimeout(Duration.ofSeconds(1)).build()).build();
        holder.await(WAIT);
        holder.publisher().publish("", "warm-up", null, bytes("x"));
        proxy.blackHole(true);
        CompletionStage<Void> outstanding = holder.publisher().publishAsync("", "q", null, bytes("x"));
        holder.close(); // the broker's close-ok never comes: the client gives up after connection-timeout
        assertEquals("CLOSED", reason(outstanding).name());
    }

    @Test
    void aChannelRpcOnADeadConnectionEndsWithinTwiceTheConnectionTimeoutNotTheHeartbeat() throws Exception {
        holder = PersistentConnection.builder(settings(proxy.uri()).connectionTimeout(Duration.ofSeconds(1))
                .heartbeat(Duration.ofSeconds(60)).build()).build();
        holder.await(WAIT);
        proxy.blackHole(true);
        long start = System.nanoTime();
        CompletableFuture<Throwable> declare = CompletableFuture.supplyAsync(() -> {
            try {
                holder.channels().run(channel -> channel.queueDeclare(queue, false, false, true, null)); // createChannel first
                return null;
            } catch (Exception e) {
                return e;
            }
        });
        Throwable failed = declare.get(10, TimeUnit.SECONDS);
        assertTrue(failed != null, "failed");
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "within 2 x connection-timeout");
    }
}
