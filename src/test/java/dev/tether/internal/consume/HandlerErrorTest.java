package dev.tether.internal.consume;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.rabbitmq.client.AMQP;
import dev.tether.ConnectionSettings;
import dev.tether.PersistentConnection;
import dev.tether.Subscription;
import dev.tether.SubscriptionOptions;
import dev.tether.testing.Await;
import dev.tether.testing.EmbeddedBroker;
import dev.tether.testing.QpidBroker;
import dev.tether.testing.ThreadLeaks;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A handler that throws an {@link Error} the error policy does not catch never stalls its subscription. */
@ExtendWith(EmbeddedBroker.class)
class HandlerErrorTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    /** Neither an {@code Exception} nor one of the errors the error policy handles. */
    private static final class FatalError extends Error {
        FatalError(String message) {
            super(message);
        }
    }

    private final QpidBroker broker;
    private final String name = "handler-error-" + UUID.randomUUID().toString().substring(0, 8);
    private final String queue = "handler-error-" + UUID.randomUUID();
    private PersistentConnection holder;

    HandlerErrorTest(QpidBroker broker) {
        this.broker = broker;
    }

    @BeforeEach
    void connect() throws Exception {
        holder = PersistentConnection.builder(ConnectionSettings.builder(name).uri(broker.uri()).build()).build();
        holder.await(WAIT);
        holder.channels().run(channel -> channel.queueDeclare(queue, false, false, false, null));
    }

    @AfterEach
    void close() throws Exception {
        holder.close().toCompletableFuture().get(20, TimeUnit.SECONDS);
        ThreadLeaks.awaitNone("tether-" + name, WAIT);
    }

    @Test
    void aHandlerThatThrowsAnUncaughtErrorFreesItsPlaceAndTheOthersFlow() throws Exception {
        publish("fatal");
        for (int i = 0; i < 5; i++) {
            publish("ok" + i); // already waiting when the error is thrown
        }
        Set<String> handled = ConcurrentHashMap.newKeySet();
        Subscription subscription = holder.consumers().subscribe(queue,
                SubscriptionOptions.builder().concurrency(1).build(), message -> {
                    String body = new String(message.body(), StandardCharsets.UTF_8);
                    if (body.equals("fatal")) {
                        throw new FatalError("thrown on purpose by the test");
                    }
                    handled.add(body);
                });
        Await.until("the messages after the error handled", WAIT, () -> handled.size() == 5);
        assertEquals(Subscription.State.CONSUMING, subscription.state());
    }

    private void publish(String body) throws Exception {
        holder.publisher().publish("", queue, new AMQP.BasicProperties.Builder().messageId(body).build(),
                body.getBytes(StandardCharsets.UTF_8));
    }
}
