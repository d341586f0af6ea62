package dev.tether.cdi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.ConnectionEvent.ConnectFailed;
import dev.tether.ConnectionEvent.Connected;
import dev.tether.Persistent;
import dev.tether.PersistentConnection;
import dev.tether.internal.cdi.ConnectionRegistry;
import dev.tether.testing.QpidBroker;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.RequestScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Startup;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.Test;

/** What the application's observers can rely on: holders started before its Startup, a request context. */
class ObserverContextTest {

    @RequestScoped
    static class PerRequest {
        private static final AtomicInteger CREATED = new AtomicInteger();
        private final int id = CREATED.incrementAndGet();

        int id() {
            return id;
        }
    }

    @ApplicationScoped
    static class Observers {
        @Inject PerRequest perRequest;
        @Inject @Persistent com.rabbitmq.client.Connection connection; // makes 'default' a used name
        final List<Integer> requestIds = new CopyOnWriteArrayList<>();
        final List<ConnectFailed> failures = new CopyOnWriteArrayList<>();
        volatile int holdersAtStartup = -1;

        void onStartup(@Observes Startup startup, ConnectionRegistry registry) {
            holdersAtStartup = registry.holders().size();
        }

        void onConnected(@Observes @Persistent Connected connected) {
            requestIds.add(perRequest.id()); // throws ContextNotActiveException without a request context
        }

        void onFailed(@Observes ConnectFailed failed) {
            failures.add(failed);
        }

        List<Integer> requestIds() {
            return requestIds;
        }

        List<ConnectFailed> failures() {
            return failures;
        }

        int holdersAtStartup() {
            return holdersAtStartup;
        }
    }

    @Test
    void synchronousObserversRunInARequestContextOfTheirOwnAndHoldersStartBeforeTheApplicationsStartup()
            throws Exception {
        try (QpidBroker broker = QpidBroker.start();
                var config = TetherCdi.config(Map.of("tether.uri", broker.uri()));
                WeldContainer container = TetherCdi.weld(Observers.class, PerRequest.class).initialize()) {
            PersistentConnection holder = container.select(ConnectionRegistry.class).get().holder("default");
            holder.await(Duration.ofSeconds(10));
            Observers observers = container.select(Observers.class).get();
            assertEquals(1, observers.holdersAtStartup(), "the default holder existed at the application's Startup");
            assertEquals(List.of(), observers.failures(), "no connection rejected");
            assertEquals(1, observers.requestIds().size());

            holder.reconnect();
            dev.tether.testing.Await.until("the second Connected", Duration.ofSeconds(10),
                    () -> observers.requestIds().size() == 2);
            List<Integer> ids = observers.requestIds();
            assertTrue(!ids.get(0).equals(ids.get(1)), "each delivery has a request context of its own: " + ids);
        }
    }
}
