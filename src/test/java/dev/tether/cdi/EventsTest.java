package dev.tether.cdi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.tether.ConnectionEvent;
import dev.tether.ConnectionEvent.ConnectFailed;
import dev.tether.ConnectionEvent.Connected;
import dev.tether.ConnectionState;
import dev.tether.FailureKind;
import dev.tether.Persistent;
import dev.tether.PersistentConnection;
import dev.tether.internal.cdi.ConnectionRegistry;
import dev.tether.testing.Await;
import dev.tether.testing.FaultProxy;
import dev.tether.testing.QpidBroker;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.weld.junit5.EnableWeld;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@EnableWeld
class EventsTest {

    static final String QUEUE = "declared-on-connected";

    private static QpidBroker broker;
    private static FaultProxy proxy;
    private static TetherCdi.ConfigScope config;

    /** Declares the topology on every connection of "events". */
    @ApplicationScoped
    static class Topology {
        void declare(@Observes @Persistent("events") Connected connected) throws IOException, Exception {
            try (Channel channel = connected.connection().createChannel()) {
                channel.queueDeclare(QUEUE, false, false, false, null);
            }
        }
    }

    /** Publishes through the injected proxy. */
    @Dependent
    static class Publisher {
        @Inject @Persistent("events") Connection connection;

        void publish(String text) throws Exception {
            try (Channel channel = connection.createChannel()) {
                channel.basicPublish("", QUEUE, null, text.getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    /** Rejects the first connection of "flaky". */
    @ApplicationScoped
    static class Flaky {
        private final AtomicInteger calls = new AtomicInteger();

        void reject(@Observes @Persistent("flaky") Connected connected) {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("topology declaration failed");
            }
        }
    }

    /** Sees only "a", synchronously and asynchronously. */
    @ApplicationScoped
    static class OnlyA {
        private final List<String> names = new CopyOnWriteArrayList<>();
        private final List<String> asyncThreads = new CopyOnWriteArrayList<>();

        void sync(@Observes @Persistent("a") ConnectionEvent event) {
            names.add(event.connectionName());
        }

        void async(@ObservesAsync @Persistent("a") Connected connected) {
            asyncThreads.add(Thread.currentThread().getName());
        }

        List<String> names() {
            return names;
        }

        List<String> asyncThreads() {
            return asyncThreads;
        }
    }

    @BeforeAll
    static void start() {
        broker = QpidBroker.start();
        proxy = FaultProxy.start(broker.port());
        proxy.refuse(true); // "events" cannot connect until a caller is blocked waiting for it
        config = TetherCdi.config(Map.of(
                "tether.uri", broker.uri(),
                "tether.events.uri", proxy.uri(),
                "tether.flaky.backoff.initial", "20ms",
                "tether.a.client-name", "a",
                "tether.b.client-name", "b"));
    }

    @AfterAll
    static void stop() {
        config.close();
        proxy.close();
        broker.close();
    }

    @WeldSetup
    WeldInitiator weld = WeldInitiator.from(TetherCdi.weld(EventLog.class, Topology.class, Publisher.class,
            Flaky.class, OnlyA.class)).build();

    @Inject ConnectionRegistry registry;
    @Inject EventLog events;
    @Inject Publisher publisher;
    @Inject OnlyA onlyA;

    @Test
    void aCallerBlockedWhileDisconnectedPublishesIntoTopologyTheConnectedObserverDeclared() throws Exception {
        PersistentConnection holder = registry.holder("events");
        try {
            events.await("events", ConnectFailed.class, 1);
            assertTrue(events.of("events", Connected.class).isEmpty(), "no connection yet, so no queue yet");
            publishWhileBlocked("on the first connection");
            assertEquals(1, depth(holder));

            try (Channel channel = holder.get().createChannel()) {
                channel.queueDelete(QUEUE);
            }
            proxy.refuse(true);
            assertRefused(proxy.port());
            // Counted from now: more than one attempt may have failed before the first connection.
            int failedBefore = events.of("events", ConnectFailed.class).size();
            proxy.cut();
            events.await("events", ConnectFailed.class, failedBefore + 1);
            publishWhileBlocked("after a reconnect");
            assertEquals(1, depth(holder), "the observer declared the queue again before the caller went on");
        } finally {
            proxy.refuse(true);
        }
    }

    private static void assertRefused(int port) {
        assertThrows(java.net.ConnectException.class, () -> new java.net.Socket("127.0.0.1", port).close(),
                "the proxy must refuse before the connection is cut");
    }

    private void publishWhileBlocked(String text) throws Exception {
        assertEquals(ConnectionState.CONNECTING, registry.holder("events").state());
        CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> {
            try {
                publisher.publish(text);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Await.until("the publisher to wait for a connection", Duration.ofSeconds(5),
                () -> !publishing.isDone());
        proxy.refuse(false);
        publishing.get(10, TimeUnit.SECONDS);
    }

    private static int depth(PersistentConnection holder) throws Exception {
        try (Channel channel = holder.await(Duration.ofSeconds(5)).createChannel()) {
            return Await.until("the message to be enqueued", Duration.ofSeconds(5), () -> {
                try {
                    int count = channel.queueDeclarePassive(QUEUE).getMessageCount();
                    return count > 0 ? count : null;
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
    }

    @Test
    void aThrowingConnectedObserverRejectsTheConnectionAndALaterOneSucceeds() throws Exception {
        PersistentConnection flaky = registry.holder("flaky");
        ConnectFailed rejected = events.await("flaky", ConnectFailed.class, 1);
        assertEquals(FailureKind.APPLICATION, rejected.kind());
        assertTrue(rejected.describe().contains("topology declaration failed"), rejected.describe());
        flaky.await(Duration.ofSeconds(10));
        assertEquals(ConnectionState.CONNECTED, flaky.state());
    }

    @Test
    void aQualifiedObserverSeesOnlyItsConnectionAndAsyncObserversAreCalledOffTheHolderThread() throws Exception {
        registry.holder("a").await(Duration.ofSeconds(10));
        registry.holder("b").await(Duration.ofSeconds(10));
        events.await("b", Connected.class, 1);
        assertFalse(onlyA.names().isEmpty());
        assertTrue(onlyA.names().stream().allMatch("a"::equals), onlyA.names().toString());
        assertFalse(events.of("b", Connected.class).isEmpty(), "an unqualified observer sees every connection");

        Await.until("the asynchronous observer", Duration.ofSeconds(5), () -> !onlyA.asyncThreads().isEmpty());
        assertEquals(1, onlyA.asyncThreads().size());
        assertNotEquals("tether-a", onlyA.asyncThreads().get(0));
    }
}
