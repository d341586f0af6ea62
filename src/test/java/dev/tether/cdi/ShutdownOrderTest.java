package dev.tether.cdi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import dev.tether.Persistent;
import dev.tether.Publisher;
import dev.tether.internal.cdi.ConnectionRegistry;
import dev.tether.testing.Await;
import dev.tether.testing.QpidBroker;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.Test;

/**
 * The holders close after the application's beans are destroyed: a {@code @PreDestroy} that
 * publishes a last message, through the injected proxy or the injected {@code Publisher}, still
 * reaches the broker.
 */
class ShutdownOrderTest {

    static final String QUEUE = "tether.last-words";

    /** Publishes one last message through each injected type when it is destroyed. */
    @ApplicationScoped
    static class LastWords {
        static final List<String> FAILURES = new CopyOnWriteArrayList<>();

        @Inject
        @Persistent
        Connection connection;

        @Inject
        @Persistent
        Publisher publisher;

        void started() {
            // makes the container create this bean (client proxies are lazy)
        }

        @PreDestroy
        void sayGoodbye() {
            try (Channel channel = connection.createChannel()) {
                channel.confirmSelect();
                channel.basicPublish("", QUEUE, null, "through the proxy".getBytes(StandardCharsets.UTF_8));
                channel.waitForConfirmsOrDie(5_000);
            } catch (Exception e) {
                FAILURES.add("proxy: " + e);
            }
            try {
                publisher.publish("", QUEUE, true, null, "through the publisher".getBytes(StandardCharsets.UTF_8));
            } catch (Exception e) {
                FAILURES.add("publisher: " + e);
            }
        }
    }

    @Test
    void aPreDestroyPublishingALastMessageReachesTheBroker() throws Exception {
        try (QpidBroker broker = QpidBroker.start()) {
            ConnectionFactory factory = new ConnectionFactory();
            factory.setUri(broker.uri());
            try (Connection reader = factory.newConnection(); Channel channel = reader.createChannel()) {
                channel.queueDeclare(QUEUE, false, false, false, null);
                LastWords.FAILURES.clear();
                try (var config = TetherCdi.config(Map.of("tether.uri", broker.uri()));
                        WeldContainer container = TetherCdi.weld(LastWords.class).initialize()) {
                    container.select(ConnectionRegistry.class).get().holder("default").await(Duration.ofSeconds(10));
                    container.select(LastWords.class).get().started();
                }
                assertEquals(List.of(), LastWords.FAILURES, "the @PreDestroy found its connection open");
                GetResponse first = channel.basicGet(QUEUE, true);
                GetResponse second = channel.basicGet(QUEUE, true);
                assertNotNull(first, "the message published through the proxy");
                assertNotNull(second, "the message published through the publisher");
                assertEquals(List.of("through the proxy", "through the publisher"),
                        List.of(new String(first.getBody(), StandardCharsets.UTF_8),
                                new String(second.getBody(), StandardCharsets.UTF_8)));
                assertNull(channel.basicGet(QUEUE, true));
                Await.until("only the reader's connection left", Duration.ofSeconds(5),
                        () -> broker.connectionCount() == 1);
            }
        }
    }
}
