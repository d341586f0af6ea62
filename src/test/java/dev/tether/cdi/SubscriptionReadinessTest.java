package dev.tether.cdi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.Consumers;
import dev.tether.FailureKind;
import dev.tether.Persistent;
import dev.tether.PersistentConnection;
import dev.tether.Subscription;
import dev.tether.SubscriptionEvent;
import dev.tether.SubscriptionOptions;
import dev.tether.testing.Await;
import dev.tether.testing.QpidBroker;
import io.smallrye.health.AsyncHealthCheckFactory;
import io.smallrye.health.SmallRyeHealth;
import io.smallrye.health.SmallRyeHealthReporter;
import io.smallrye.health.registry.HealthRegistries;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.Test;

/**
 * Readiness per subscription, opted in with {@link SubscriptionOptions.Builder#requiredForReadiness(boolean)},
 * through SmallRye Health's real reporter: DOWN with the reason while the subscription cannot consume,
 * UP once it does; a subscription that did not opt in never makes readiness DOWN.
 */
class SubscriptionReadinessTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Dependent
    static class OrderService {
        @Inject @Persistent("orders") Consumers consumers;
        @Inject @Persistent("orders") PersistentConnection holder;
    }

    private static SmallRyeHealth ready(WeldContainer container) {
        return container.select(SmallRyeHealthReporter.class).get().getReadiness();
    }

    private static JsonObject data(SmallRyeHealth health) {
        return health.getPayload().getJsonArray("checks").stream().map(JsonObject.class::cast)
                .filter(check -> check.getString("name").equals("tether")).findFirst()
                .orElseThrow(() -> new AssertionError("no tether check in " + health.getPayload()))
                .getJsonObject("data");
    }

    private static WeldContainer container() {
        return TetherCdi.weld(SmallRyeHealthReporter.class, AsyncHealthCheckFactory.class, HealthRegistries.class,
                OrderService.class).initialize();
    }

    private static boolean failedOnce(Subscription subscription) {
        return subscription.problem().filter(SubscriptionEvent.Failed.class::isInstance).isPresent();
    }

    @Test
    void readinessIsDownWithTheReasonWhileARequiredSubscriptionCannotConsumeAndUpOnceItDoes() throws Exception {
        String queue = "ready-" + UUID.randomUUID();
        try (QpidBroker broker = QpidBroker.start();
                var config = TetherCdi.config(Map.of("tether.uri", broker.uri(), "tether.orders.backoff.max", "200ms"));
                WeldContainer container = container()) {
            OrderService service = container.select(OrderService.class).get();
            service.holder.await(WAIT);
            Subscription subscription = service.consumers.subscribe(queue,
                    SubscriptionOptions.builder().requiredForReadiness(true).build(), message -> { });
            Await.until("a failed attempt on the missing queue", WAIT, () -> failedOnce(subscription));

            SmallRyeHealth down = ready(container);
            JsonObject data = data(down);
            assertTrue(down.isDown(), "the connection is up but the required subscription cannot consume: " + data);
            assertEquals("CONNECTED", data.getString("orders.state"));
            assertEquals("WAITING", data.getString("orders.subscription." + queue));
            String reason = data.getString("orders.subscription." + queue + ".reason");
            assertTrue(reason.startsWith(FailureKind.QUEUE_NOT_FOUND + " (attempt "), reason);
            assertTrue(reason.contains("a subscription's queue does not exist (reply code 404, java.io.IOException)"),
                    reason);
            assertFalse(reason.contains(queue), "the broker's text (which names the queue) is not shown: " + reason);

            service.holder.channels().run(channel -> channel.queueDeclare(queue, false, false, false, null));
            Await.until("consuming", WAIT, () -> subscription.state() == Subscription.State.CONSUMING);
            SmallRyeHealth up = ready(container);
            assertFalse(up.isDown(), data(up).toString());
            assertEquals("CONSUMING", data(up).getString("orders.subscription." + queue));
            assertFalse(data(up).containsKey("orders.subscription." + queue + ".reason"));

            subscription.cancel().toCompletableFuture().get();
            assertFalse(data(ready(container)).containsKey("orders.subscription." + queue),
                    "a cancelled subscription no longer counts");
        }
    }

    @Test
    void aSubscriptionThatDidNotOptInNeverMakesReadinessDown() throws Exception {
        String queue = "not-required-" + UUID.randomUUID();
        try (QpidBroker broker = QpidBroker.start();
                var config = TetherCdi.config(Map.of("tether.uri", broker.uri(), "tether.orders.backoff.max", "200ms"));
                WeldContainer container = container()) {
            OrderService service = container.select(OrderService.class).get();
            service.holder.await(WAIT);
            Subscription subscription = service.consumers.subscribe(queue, message -> { });
            Await.until("a failed attempt on the missing queue", WAIT, () -> failedOnce(subscription));
            SmallRyeHealth health = ready(container);
            assertFalse(health.isDown(), data(health).toString());
            assertFalse(data(health).containsKey("orders.subscription." + queue));
        }
    }
}
