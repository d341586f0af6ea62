package dev.tether.cdi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.tether.ConnectionEvent.ConnectFailed;
import dev.tether.ConnectionEvent.Connected;
import dev.tether.ConnectionState;
import dev.tether.Persistent;
import dev.tether.PersistentConnection;
import dev.tether.internal.cdi.ConnectionRegistry;
import dev.tether.testing.QpidBroker;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.Test;

/**
 * The first thing many users write: a {@code Connected} observer that declares topology through
 * the injected proxy. During that delivery, on the holder's thread, the proxy acts on the
 * connection being delivered instead of waiting for itself.
 */
class ConnectedObserverTest {

    static final String QUEUE = "declared-through-the-proxy";

    @ApplicationScoped
    static class Topology {
        @Inject @Persistent Connection connection;
        final List<Connection> declaredOn = new CopyOnWriteArrayList<>();
        volatile boolean postConstructUsedTheProxy;

        @PostConstruct
        void init() throws Exception { // first created by the Connected delivery itself
            connection.createChannel().close();
            postConstructUsedTheProxy = true;
        }

        List<Connection> declaredOn() { // read through the client proxy: not its fields
            return declaredOn;
        }

        boolean postConstructUsedTheProxy() {
            return postConstructUsedTheProxy;
        }

        void declare(@Observes @Persistent Connected connected) throws Exception {
            try (Channel channel = connection.createChannel()) {
                channel.queueDeclare(QUEUE, false, false, false, null);
            }
            declaredOn.add(connected.connection());
        }
    }

    @ApplicationScoped
    static class Failures {
        final List<ConnectFailed> seen = new CopyOnWriteArrayList<>();

        void on(@Observes ConnectFailed failed) {
            seen.add(failed);
        }

        List<ConnectFailed> seen() {
            return seen;
        }
    }

    @Test
    void aConnectedObserverThatUsesTheInjectedProxyDeclaresOnEveryConnection() throws Exception {
        try (QpidBroker broker = QpidBroker.start();
                var config = TetherCdi.config(Map.of("tether.uri", broker.uri()));
                WeldContainer container = TetherCdi.weld(Topology.class, Failures.class).initialize()) {
            PersistentConnection holder = container.select(ConnectionRegistry.class).get().holder("default");
            Connection first = holder.await(Duration.ofSeconds(10));
            Topology topology = container.select(Topology.class).get();
            assertEquals(List.of(first), topology.declaredOn(), "declared on the delivered connection");
            assertTrue(topology.postConstructUsedTheProxy());
            assertEquals(List.of(), container.select(Failures.class).get().seen(), "no connection rejected");
            assertEquals(ConnectionState.CONNECTED, holder.state());

            holder.reconnect();
            dev.tether.testing.Await.until("declared on the second connection", Duration.ofSeconds(10),
                    () -> topology.declaredOn().size() == 2);
            Connection second = holder.await(Duration.ofSeconds(10));
            assertEquals(second, topology.declaredOn().get(1));
            try (Channel channel = second.createChannel()) {
                channel.queueDeclarePassive(QUEUE); // throws if the queue does not exist
            }
        }
    }
}
