package dev.tether.sample.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.Await;
import dev.tether.testing.RabbitMq;
import dev.tether.testing.RabbitMqNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Liberty started while the broker is down: the application deploys, and turns ready when the broker starts. */
@ExtendWith({RabbitMq.class, RequireLiberty.class})
class SampleStartsWithoutBrokerIT {

    @Test
    void theApplicationDeploysWithTheBrokerDownAndTurnsReadyWhenItStarts(RabbitMqNode node) throws Exception {
        node.rabbitmqctl("stop_app");
        try (LibertyServer liberty = LibertyServer.start(node.uri())) {
            assertEquals(200, liberty.get("/api/status").statusCode(), "the application deployed");
            assertEquals(503, liberty.get("/health/ready").statusCode());
            assertTrue(liberty.get("/api/status").body().contains("CONNECTING"));
            assertEquals(503, liberty.postText("/api/messages", "too early").statusCode(), "not-connected");

            node.startApp();
            Await.until("readiness UP once the broker is up", Duration.ofSeconds(15),
                    () -> liberty.get("/health/ready").statusCode() == 200);
        } finally {
            node.startApp(); // idempotent: leaves the shared node running for the next test class
        }
    }
}
