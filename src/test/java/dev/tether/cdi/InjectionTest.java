package dev.tether.cdi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.tether.Persistent;
import dev.tether.PersistentConnection;
import dev.tether.testing.Await;
import dev.tether.testing.QpidBroker;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.jboss.weld.junit5.EnableWeld;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@EnableWeld
class InjectionTest {

    private static QpidBroker broker;
    private static TetherCdi.ConfigScope config;

    @Dependent
    static class DefaultUser {
        @Inject @Persistent Connection connection;
        @Inject @Persistent PersistentConnection holder;
    }

    @ApplicationScoped
    static class OrdersUser {
        @Inject @Persistent("orders") Connection connection;
        @Inject @Persistent("orders") PersistentConnection holder;

        PersistentConnection holder() {
            return holder;
        }

        Connection connection() {
            return connection;
        }
    }

    @Dependent
    static class OtherOrdersUser {
        @Inject @Persistent("orders") PersistentConnection holder;
        @Inject @Persistent("orders") Connection connection;
    }

    @BeforeAll
    static void startBroker() {
        broker = QpidBroker.start();
        config = TetherCdi.config(Map.of("tether.uri", broker.uri(), "tether.orders.client-name", "orders-service"));
    }

    @AfterAll
    static void stopBroker() {
        config.close();
        broker.close();
    }

    @WeldSetup
    WeldInitiator weld = WeldInitiator.from(TetherCdi.weld(DefaultUser.class, OrdersUser.class, OtherOrdersUser.class))
            .build();

    @Inject DefaultUser defaultUser;
    @Inject OrdersUser ordersUser;
    @Inject OtherOrdersUser otherOrdersUser;

    @Test
    void theDefaultConnectionIsInjectedAsAProxyAndAsItsHolder() throws Exception {
        assertEquals("default", defaultUser.holder.name());
        Connection raw = defaultUser.holder.await(Duration.ofSeconds(10));
        try (Channel channel = defaultUser.connection.createChannel()) {
            assertTrue(channel.isOpen());
            assertSame(raw, channel.getConnection(), "the proxy delegates to the holder's connection");
        }
        assertNotSame(raw, defaultUser.connection, "what is injected is a proxy, not the raw connection");
    }

    @Test
    void twoNamesGiveTwoHoldersAndTwoBrokerConnectionsWithTheirClientNames() throws Exception {
        Connection defaultConnection = defaultUser.holder.await(Duration.ofSeconds(10));
        Connection ordersConnection = ordersUser.holder().await(Duration.ofSeconds(10));
        assertNotSame(defaultUser.holder, ordersUser.holder());
        assertEquals("tether-default", defaultConnection.getClientProvidedName());
        assertEquals("orders-service", ordersConnection.getClientProvidedName());
        assertEquals("orders-service", ordersUser.connection().getClientProvidedName(), "through the proxy");
        Await.until("two connections on the broker", Duration.ofSeconds(5), () -> broker.connectionCount() == 2);
    }

    @Test
    void theSameNameGivesTheSameHolderAndProxyEverywhere() {
        assertSame(ordersUser.holder(), otherOrdersUser.holder);
        assertSame(ordersUser.connection(), otherOrdersUser.connection);
        assertEquals("orders", otherOrdersUser.holder.name());
    }
}
