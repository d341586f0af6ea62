package dev.tether.cdi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Connection;
import dev.tether.ConnectionEvent;
import dev.tether.Persistent;
import dev.tether.PersistentConnection;
import dev.tether.testing.EmbeddedBroker;
import dev.tether.testing.QpidBroker;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EmbeddedBroker.class)
class SmokeTest {

    @ApplicationScoped
    static class Client {
        @Inject @Persistent Connection connection;
        @Inject @Persistent("orders") PersistentConnection orders;
        final List<ConnectionEvent> seen = new CopyOnWriteArrayList<>();
        void on(@Observes ConnectionEvent event) {
            seen.add(event);
        }
        PersistentConnection orders() { return orders; }
        Connection connection() { return connection; }
        List<ConnectionEvent> seen() { return seen; }
    }

    @Test
    void boots(QpidBroker broker) throws Exception {
        try (var scope = TetherCdi.config(Map.of("tether.uri", broker.uri()));
                WeldContainer container = TetherCdi.weld(Client.class).initialize()) {
            Client client = container.select(Client.class).get();
            assertTrue(client.orders().await(Duration.ofSeconds(5)).isOpen());
            assertTrue(client.connection().createChannel().isOpen());
            System.out.println("SEEN " + client.seen());
            assertEquals("orders", client.orders().name());
        }
    }
}
