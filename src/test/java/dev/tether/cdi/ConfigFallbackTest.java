package dev.tether.cdi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.Connection;
import dev.tether.ConnectionSettings;
import dev.tether.Persistent;
import dev.tether.internal.cdi.ConnectionRegistry;
import dev.tether.testing.LogCapture;
import dev.tether.testing.QpidBroker;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.Test;

/** How a named connection falls back to the global keys, and the warning for a name with none of its own. */
class ConfigFallbackTest {

    @Dependent
    static class Uses {
        @Inject @Persistent("audit") Connection audit;
        @Inject @Persistent("orders") Connection orders;
        @Inject @Persistent("audti") Connection misspelt;
    }

    @Test
    void aNamedUriShadowsTheGlobalEndpointAndCredentialsWhileOtherKeysStillFallBack() throws Exception {
        try (LogCapture log = LogCapture.of("dev.tether");
                QpidBroker broker = QpidBroker.start();
                var config = TetherCdi.config(Map.of(
                        "tether.addresses", "127.0.0.1:1", // the default broker, somewhere else
                        "tether.username", "default-user",
                        "tether.virtual-host", "default-vhost",
                        "tether.eager", "false",
                        "tether.heartbeat", "7s",
                        "tether.audit.uri", broker.uri(),
                        "tether.orders.client-name", "orders-client"));
                WeldContainer container = TetherCdi.weld(Uses.class).initialize()) {
            ConnectionRegistry registry = container.select(ConnectionRegistry.class).get();

            ConnectionSettings audit = registry.holder("audit").settings();
            assertEquals(List.of(new Address("127.0.0.1", broker.port())), audit.addresses());
            assertEquals("guest", audit.username());
            assertEquals("/", audit.virtualHost());
            assertEquals(Duration.ofSeconds(7), audit.heartbeat(), "keys other than the endpoint still fall back");
            assertTrue(registry.holder("audit").await(Duration.ofSeconds(10)).isOpen());

            ConnectionSettings orders = registry.holder("orders").settings();
            assertEquals(List.of(new Address("127.0.0.1", 1)), orders.addresses(), "no uri of its own: global");
            assertEquals("default-user", orders.username());

            assertTrue(log.contains(Level.WARNING, "'audti' is injected but has no tether.audti.*"),
                    String.valueOf(log.messages()));
            assertFalse(log.contains(Level.WARNING, "'audit' is injected but"), String.valueOf(log.messages()));
            assertFalse(log.contains(Level.WARNING, "'orders' is injected but"), String.valueOf(log.messages()));
        }
    }
}
