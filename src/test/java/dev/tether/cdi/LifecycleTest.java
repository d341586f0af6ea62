package dev.tether.cdi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.AddressResolver;
import dev.tether.ConnectionEvent.Closed;
import dev.tether.ConnectionEvent.ConnectFailed;
import dev.tether.ConnectionState;
import dev.tether.Persistent;
import dev.tether.PersistentConnection;
import dev.tether.internal.cdi.ConnectionRegistry;
import dev.tether.testing.Await;
import dev.tether.testing.QpidBroker;
import dev.tether.testing.ThreadLeaks;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.Test;

class LifecycleTest {

    /** Addresses of "resolved": refusing twice, then the broker. */
    @ApplicationScoped
    static class Resolvers {
        static final AtomicInteger CALLS = new AtomicInteger();
        static volatile int brokerPort;
        static volatile int closedPort;

        @Produces
        @Persistent("resolved")
        AddressResolver resolved() {
            return () -> CALLS.incrementAndGet() <= 2
                    ? List.of(new Address("127.0.0.1", closedPort))
                    : List.of(new Address("127.0.0.1", brokerPort));
        }
    }

    /** Records Closed events in a list that outlives the container. */
    @ApplicationScoped
    static class ClosedLog {
        static final List<Closed> CLOSED = new CopyOnWriteArrayList<>();

        void on(@Observes Closed closed) {
            CLOSED.add(closed);
        }
    }

    @Test
    void theApplicationStartsWithTheBrokerDownAndConnectsWhenItComesUp() throws Exception {
        try (QpidBroker broker = QpidBroker.start()) {
            broker.stop();
            try (var config = TetherCdi.config(Map.of("tether.uri", broker.uri(), "tether.backoff.initial", "20ms"));
                    WeldContainer container = TetherCdi.weld(EventLog.class).initialize()) {
                PersistentConnection holder = container.select(ConnectionRegistry.class).get().holder("default");
                EventLog events = container.select(EventLog.class).get();
                events.await("default", ConnectFailed.class, 1);
                assertEquals(ConnectionState.CONNECTING, holder.state());
                broker.restart();
                assertTrue(holder.await(Duration.ofSeconds(10)).isOpen());
            }
        }
    }

    @Test
    void shutdownClosesEveryConnectionFiresClosedAndLeavesNoThread() throws Exception {
        ThreadLeaks.Baseline threads = ThreadLeaks.baseline();
        try (QpidBroker broker = QpidBroker.start()) {
            ClosedLog.CLOSED.clear();
            try (var config = TetherCdi.config(Map.of("tether.uri", broker.uri(), "tether.other.client-name", "o"));
                    WeldContainer container = TetherCdi.weld(ClosedLog.class).initialize()) {
                ConnectionRegistry registry = container.select(ConnectionRegistry.class).get();
                registry.holder("other").await(Duration.ofSeconds(10));
                Await.until("one connection on the broker", Duration.ofSeconds(5),
                        () -> broker.connectionCount() == 1);
                assertEquals(1, registry.holders().size(),
                        "only names at an injection point or with their own keys get holders");
            }
            assertEquals(List.of("other"), ClosedLog.CLOSED.stream().map(Closed::connectionName).toList(),
                    "Closed was delivered before the container stopped");
            Await.until("no connection on the broker", Duration.ofSeconds(5), () -> broker.connectionCount() == 0);
            ThreadLeaks.awaitNone("tether-", Duration.ofSeconds(5));
        }
        threads.awaitNoNewThreads(Duration.ofSeconds(10), "ForkJoinPool", "weld");
    }

    @Test
    void anAddressResolverBeanIsAskedOnEveryAttempt() throws Exception {
        try (QpidBroker broker = QpidBroker.start(); ServerSocket probe = new ServerSocket(0, 1,
                InetAddress.getLoopbackAddress())) {
            Resolvers.brokerPort = broker.port();
            Resolvers.closedPort = probe.getLocalPort();
            probe.close();
            Resolvers.CALLS.set(0);
            try (var config = TetherCdi.config(Map.of("tether.resolved.backoff.initial", "20ms"));
                    WeldContainer container = TetherCdi.weld(Resolvers.class, EventLog.class).initialize()) {
                PersistentConnection holder = container.select(ConnectionRegistry.class).get().holder("resolved");
                assertNotNull(holder.await(Duration.ofSeconds(10)));
                assertEquals(3, Resolvers.CALLS.get(), "two refused attempts, then the broker");
                assertEquals(2, container.select(EventLog.class).get().of("resolved", ConnectFailed.class).size());
                assertEquals(broker.port(), holder.status().address().getPort());
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theLibraryShipsItsBeanArchiveAndExtensionDescriptors() {
        ClassLoader loader = ConnectionRegistry.class.getClassLoader();
        assertNotNull(loader.getResource("META-INF/beans.xml"));
        assertNotNull(loader.getResource(
                "META-INF/services/jakarta.enterprise.inject.build.compatible.spi.BuildCompatibleExtension"));
    }
}
