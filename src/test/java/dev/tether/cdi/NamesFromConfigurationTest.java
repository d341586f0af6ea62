package dev.tether.cdi;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.tether.Persistent;
import dev.tether.PersistentConnection;
import dev.tether.testing.QpidBroker;
import java.time.Duration;
import java.util.Map;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.Test;

/**
 * A name with its own keys has its beans even where no bean injects it: servlets, filters and
 * WebSocket endpoints are not beans, and their injection points are not seen at discovery.
 */
class NamesFromConfigurationTest {

    @Test
    void aConfiguredNameCanBeInjectedWithoutAnInjectionPointInABean() throws Exception {
        try (QpidBroker broker = QpidBroker.start();
                var config = TetherCdi.config(Map.of("tether.audit.uri", broker.uri()));
                WeldContainer container = TetherCdi.weld().initialize()) {
            var audit = container.select(Connection.class, Persistent.Literal.of("audit"));
            assertTrue(audit.isResolvable(), "@Persistent(\"audit\") Connection has a bean");
            assertTrue(container.select(PersistentConnection.class, Persistent.Literal.of("audit")).isResolvable());
            container.select(PersistentConnection.class, Persistent.Literal.of("audit")).get()
                    .await(Duration.ofSeconds(10));
            try (Channel channel = audit.get().createChannel()) {
                assertTrue(channel.isOpen());
            }
            assertFalse(container.select(Connection.class, Persistent.Literal.of("nowhere")).isResolvable(),
                    "a name neither injected nor configured has none");
        }
    }
}
