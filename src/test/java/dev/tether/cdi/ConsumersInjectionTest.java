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

    @Test
    void containerShutdownDrainsInFlightHandlersAndAcksThemBeforeClosing() throws Exception {
        String queue = "cdi-drain-" + UUID.randomUUID();
        CountDownLatch inHandler = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> handled = new CopyOnWriteArrayList<>();
        Weld weld = TetherCdi.weld(OrderService.class);
        WeldContainer container = weld.initialize();
        Thread shutdown;
        PersistentConnection holder;
        try {
            OrderService service = container.select(OrderService.class).get();
            holder = service.holder;
            service.holder.await(WAIT).createChannel().queueDeclare(queue, false, false, false, null);
            service.consumers.subscribe(queue, message -> {
                inHandler.countDown();
                assertTrue(release.await(20, TimeUnit.SECONDS));
                handled.add(new String(message.body(), StandardCharsets.UTF_8));
            });
            service.holder.publisher().publish("", queue, null, "in-flight".getBytes(StandardCharsets.UTF_8));
            assertTrue(inHandler.await(10, TimeUnit.SECONDS));
        } finally {
            shutdown = new Thread(container::close, "weld-shutdown");
            shutdown.start();
        }
        Await.until("the registry closing the holder", WAIT, holder::isClosed);
        release.countDown();
        shutdown.join(TimeUnit.SECONDS.toMillis(30));
        assertEquals(List.of("in-flight"), handled);
        ThreadLeaks.awaitNone("tether-orders", WAIT);
        PersistentConnection checker = PersistentConnection.builder(
                dev.tether.ConnectionSettings.builder("drain-check").uri(broker.uri()).build()).build();
        try {
            long left = checker.await(WAIT).createChannel().queueDeclarePassive(queue).getMessageCount();
            assertEquals(0, left, "the message handled during the shutdown was not acked");
        } finally {
            checker.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
