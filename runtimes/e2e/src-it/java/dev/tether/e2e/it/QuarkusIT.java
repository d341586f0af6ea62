package dev.tether.e2e.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.e2e.it.Http.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The runtime contract on Quarkus 3.37.4 in JVM mode (runtimes/quarkus-app: the application's
 * sources built by {@code quarkus-maven-plugin}), then Quarkus's own quirk: the readiness check is
 * registered at build time, and {@code tether.health.enabled=false} set only at run time must
 * still keep Tether out of readiness.
 */
@RequireServer.Prepared(QuarkusJvm.RUN_JAR_PROPERTY)
class QuarkusIT extends RuntimeContract {

    private Map<String, String> environment;
    private Path work;

    @Override
    String runtime() {
        return "quarkus";
    }

    @Override
    AppServer start(Path war, Path work, Map<String, String> environment) {
        this.environment = environment;
        this.work = work;
        return QuarkusJvm.start(work, environment);
    }

    @Test
    @Order(10)
    void healthEnabledFalseSetOnlyAtRunTimeKeepsReadinessUpWithTheBrokerDown() throws Exception {
        Map<String, String> disabled = new HashMap<>(environment);
        disabled.put("TETHER_HEALTH_ENABLED", "false");
        Path second = Files.createDirectories(work.resolve("health-disabled"));
        node().stopApp();
        try (AppServer server = QuarkusJvm.start(second, disabled)) {
            Reply ready = Http.get(server.readinessUrl());
            assertEquals(200, ready.status(), ready.toString());
            assertTrue(ready.body().replace(" ", "").contains("\"enabled\":false"), ready.body());
            assertTrue(server.stopCleanly(), server.logTail());
        } finally {
            node().startApp();
        }
    }
}
