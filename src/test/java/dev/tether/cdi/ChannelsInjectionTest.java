package dev.tether.cdi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.rabbitmq.client.GetResponse;
import dev.tether.Channels;
import dev.tether.ConnectionClosedException;
import dev.tether.Persistent;
import dev.tether.PersistentConnection;
import dev.tether.PublishException;
import dev.tether.Publisher;
import dev.tether.internal.cdi.ConnectionRegistry;
import dev.tether.testing.QpidBroker;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.jboss.weld.environment.se.WeldContainer;
import org.jboss.weld.junit5.EnableWeld;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code @Inject @Persistent("name") Channels} and {@code Publisher}: the holder's own, configured per name. */
@EnableWeld
class ChannelsInjectionTest {

    private static QpidBroker broker;
    private static TetherCdi.ConfigScope config;

    @Dependent
    static class OrderService {
        @Inject @Persistent("orders") Channels channels;
        @Inject @Persistent("orders") Publisher publisher;
        @Inject @Persistent("orders") PersistentConnection holder;
    }

    @Dependent
    static class DefaultUser {
        @Inject @Persistent Channels channels;
        @Inject @Persistent("audit") Instance<Publisher> audit;
    }

    @BeforeAll
    static void startBroker() {
        broker = QpidBroker.start();
        config = TetherCdi.config(Map.of("tether.uri", broker.uri(), "tether.orders.channels.max", "3",
                "tether.orders.publish.confirm-timeout", "20s"));
    }

    @AfterAll
    static void stopBroker() {
        config.close();
        broker.close();
    }

    @WeldSetup
    WeldInitiator weld = WeldInitiator.from(TetherCdi.weld(OrderService.class, DefaultUser.class)).build();

    @Inject OrderService orders;
    @Inject DefaultUser defaultUser;
    @Inject ConnectionRegistry registry;

    @Test
    void theInjectedChannelsAndPublisherAreTheNamedHoldersOwnWithItsConfiguration() {
        assertSame(orders.holder.channels(), orders.channels);
        assertSame(orders.holder.publisher(), orders.publisher);
        assertEquals(3, orders.holder.settings().channels().max());
        assertEquals(Duration.ofSeconds(20), orders.holder.settings().channels().confirmTimeout());
        assertSame(registry.holder("default").channels(), defaultUser.channels);
        assertEquals(16, registry.holder("default").settings().channels().max());
    }

    @Test
    void aConfirmedPublishThroughTheInjectedPublisherReachesTheQueue() throws Exception {
        String queue = "cdi-" + UUID.randomUUID();
        orders.channels.run(channel -> channel.queueDeclare(queue, false, false, true, null));
        orders.publisher.publish("", queue, null, "order".getBytes(StandardCharsets.UTF_8));
        GetResponse got = orders.channels.call(channel -> channel.basicGet(queue, true));
        assertEquals("order", new String(got.getBody(), StandardCharsets.UTF_8));
    }

    @Test
    void aNameUsedOnlyForAPublisherInsideInstanceHasItsBean() throws Exception {
        Publisher audit = defaultUser.audit.get();
        assertSame(registry.holder("audit").publisher(), audit);
        audit.publish("", "nowhere", null, new byte[0]);
    }

    @Test
    void shuttingTheContainerDownClosesThePoolsAndThePublisher() {
        WeldContainer container = TetherCdi.weld(OrderService.class).initialize();
        OrderService service = container.select(OrderService.class).get();
        Channels channels = service.channels;
        Publisher publisher = service.publisher;
        container.close();
        assertThrows(ConnectionClosedException.class, () -> channels.run(channel -> { }));
        assertEquals(PublishException.Reason.NOT_SENT, assertThrows(PublishException.class,
                () -> publisher.publish("", "q", null, new byte[0])).reason());
    }
}
