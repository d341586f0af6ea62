package dev.tether.cdi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.Consumers;
import dev.tether.Persistent;
import dev.tether.PersistentConnection;
import dev.tether.Setting;
import dev.tether.Subscription;
import dev.tether.SubscriptionEvent;
import dev.tether.SubscriptionOptions;
import dev.tether.testing.Await;
import dev.tether.testing.QpidBroker;
import dev.tether.testing.ThreadLeaks;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code @Inject @Persistent("name") Consumers}, subscription events as CDI events, the drain at container shutdown. */
class ConsumersInjectionTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static QpidBroker broker;
    private static TetherCdi.ConfigScope config;

    @Dependent
    static class OrderService {
        @Inject @Persistent("orders") Consumers consumers;
        @Inject @Persistent("orders") PersistentConnection holder;
        @Inject @Persistent Consumers defaultConsumers;
    }

    @ApplicationScoped
    static class StartedObserver {
        final List<SubscriptionEvent> orders = new CopyOnWriteArrayList<>();
        final List<SubscriptionEvent> all = new CopyOnWriteArrayList<>();

        void onOrders(@Observes @Persistent("orders") SubscriptionEvent.Started started) {
            orders.add(started);
        }

        void onAny(@Observes SubscriptionEvent event) {
            all.add(event);
        }

        List<SubscriptionEvent> orders() {
            return orders;
        }

        List<SubscriptionEvent> all() {
            return all;
        }
    }

    @BeforeAll
    static void startBroker() {
        broker = QpidBroker.start();
        config = TetherCdi.config(Map.of("tether.uri", broker.uri(), "tether.orders.consumers.prefetch", "7",
                "tether.orders.consumers.drain-timeout", "5s"));
    }

    @AfterAll
    static void stopBroker() {
        config.close();
        broker.close();
    }

    @Test
    void theInjectedConsumersAreTheHoldersOwnAndTheirEventsAreFiredByName() throws Exception {
        Weld weld = TetherCdi.weld(OrderService.class, StartedObserver.class);
        try (WeldContainer container = weld.initialize()) {
            OrderService service = container.select(OrderService.class).get();
            assertSame(service.holder.consumers(), service.consumers);
            assertEquals(7, service.holder.settings().get(Setting.CONSUMERS_PREFETCH));
            String queue = "cdi-consumers-" + UUID.randomUUID();
            service.holder.await(WAIT).createChannel().queueDeclare(queue, false, false, true, null);
            Subscription orders = service.consumers.subscribe(queue, message -> { });
            Subscription other = service.defaultConsumers.subscribe(queue, message -> { });
            StartedObserver observer = container.select(StartedObserver.class).get();
            Await.until("both started", WAIT, () -> observer.all().size() == 2);
            assertEquals(1, observer.orders().size(), observer.all().toString());
            assertEquals("orders", observer.orders().get(0).connectionName());
            assertTrue(orders.state() == Subscription.State.CONSUMING && other.state() == Subscription.State.CONSUMING);
        }
    }

    /**
     * Cannot pass without the drain: each in-flight handler holds its message until the connection
     * closes or 2 s pass, whichever comes first. With the drain the connection stays open until
     * both handlers return (2 s), so both acks go out; without it the connection closes at once,
     * the handlers see it, and their acks are dropped (the messages would be redelivered).
     */
    @Test
    void containerShutdownClosesTheConnectionOnlyAfterInFlightHandlersReturnedAndWereAcked() throws Exception {
        String queue = "cdi-shutdown-" + UUID.randomUUID();
        CountDownLatch twoInFlight = new CountDownLatch(2);
        CountDownLatch connectionClosed = new CountDownLatch(1);
        List<String> handled = new CopyOnWriteArrayList<>();
        List<String> sawTheConnectionClosed = new CopyOnWriteArrayList<>();
        WeldContainer container = TetherCdi.weld(OrderService.class).initialize();
        Thread shutdown = new Thread(container::close, "weld-shutdown");
        try {
            OrderService service = container.select(OrderService.class).get();
            com.rabbitmq.client.Connection connection = service.holder.await(WAIT);
            connection.addShutdownListener(cause -> connectionClosed.countDown());
            try (var channel = connection.createChannel()) {
                channel.queueDeclare(queue, false, false, false, null);
            }
            for (int i = 0; i < 10; i++) {
                service.holder.publisher().publish("", queue, null, ("m" + i).getBytes(StandardCharsets.UTF_8));
            }
            service.consumers.subscribe(queue, SubscriptionOptions.builder().prefetch(10).concurrency(2).build(),
                    message -> {
                        String id = new String(message.body(), StandardCharsets.UTF_8);
                        twoInFlight.countDown();
                        if (connectionClosed.await(2, TimeUnit.SECONDS)) { // deliberate: a 2 s handler, unless the connection goes
                            sawTheConnectionClosed.add(id);
                        }
                        handled.add(id);
                    });
            assertTrue(twoInFlight.await(10, TimeUnit.SECONDS), "two handlers in flight");
        } finally {
            shutdown.start();
        }
        shutdown.join(TimeUnit.SECONDS.toMillis(30));
        assertTrue(!shutdown.isAlive(), "the container did not shut down within 30 s");
        assertEquals(List.of(), sawTheConnectionClosed, "the connection closed under running handlers");
        assertEquals(2, handled.size(), "only the two in flight were handled: " + handled);
        ThreadLeaks.awaitNone("tether-orders", WAIT);
        PersistentConnection checker = PersistentConnection.builder(
                dev.tether.ConnectionSettings.builder("shutdown-check").uri(broker.uri()).build()).build();
        try {
            List<String> left = new java.util.ArrayList<>();
            try (var channel = checker.await(WAIT).createChannel()) {
                com.rabbitmq.client.GetResponse response;
                while ((response = channel.basicGet(queue, true)) != null) {
                    left.add(new String(response.getBody(), StandardCharsets.UTF_8));
                }
                channel.queueDelete(queue);
            }
            assertEquals(8, left.size(), "nothing unhandled lost, nothing handled redelivered: left " + left
                    + ", handled " + handled);
            assertTrue(left.stream().noneMatch(handled::contains), "handled before the shutdown, yet back in the queue: "
                    + left + ", handled " + handled);
        } finally {
            checker.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
