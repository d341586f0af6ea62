package dev.tether.cdi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.Persistent;
import dev.tether.PersistentConnection;
import dev.tether.testing.InMemoryMetrics;
import dev.tether.testing.LogCapture;
import dev.tether.testing.QpidBroker;
import dev.tether.testing.ThrowingMeter;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.metrics.Meter;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.logging.Level;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Where Tether's meter comes from without an {@code OpenTelemetry} bean: the global OpenTelemetry
 * only once the application has set it (reading an unset one would fix it to a no-op), and a meter
 * that fails leaves Tether without metrics, never without its connection.
 */
class MeterLookupTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String NAME = "tether.connection.name";

    private static QpidBroker broker;
    private static InMemoryMetrics metrics;

    @Dependent
    static class User {
        @Inject @Persistent PersistentConnection holder;
    }

    @Dependent
    static class FailingMeterBean {
        @Produces
        Meter meter() {
            return new ThrowingMeter(metrics.openTelemetry().getMeter("app"), "counterBuilder");
        }
    }

    @BeforeAll
    static void startBroker() {
        broker = QpidBroker.start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @BeforeEach
    @AfterEach
    void resetTheGlobal() {
        GlobalOpenTelemetry.resetForTest(); // the API's own hook for tests: no global set
        if (metrics != null) {
            metrics.close();
        }
        metrics = new InMemoryMetrics();
    }

    @Test
    void withoutABeanOrAGlobalNothingIsRecordedAndTheApplicationCanSetTheGlobalLater() throws Exception {
        try (var config = TetherCdi.config(Map.of("tether.uri", broker.uri()));
                LogCapture log = LogCapture.of("dev.tether");
                WeldContainer container = TetherCdi.weld(User.class).initialize()) {
            container.select(User.class).get().holder.await(WAIT);
            assertFalse(GlobalOpenTelemetry.isSet(), "Tether left the global unset");
            assertEquals(1, log.records().stream().filter(r -> r.getLevel() == Level.INFO
                    && r.getMessage().contains("Tether metrics: none recorded")).count(), String.valueOf(log.messages()));
            assertTrue(log.contains(Level.INFO, "GlobalOpenTelemetry is not set"), String.valueOf(log.messages()));
        }
        GlobalOpenTelemetry.set(metrics.openTelemetry()); // what buildAndRegisterGlobal() does; throws once fixed to a no-op
        assertTrue(GlobalOpenTelemetry.isSet());
        assertTrue(metrics.collect().isEmpty(), "nothing recorded");
    }

    @Test
    void aGlobalSetBeforeTheContainerStartsIsUsed() throws Exception {
        GlobalOpenTelemetry.set(metrics.openTelemetry());
        try (var config = TetherCdi.config(Map.of("tether.uri", broker.uri()));
                WeldContainer container = TetherCdi.weld(User.class).initialize()) {
            container.select(User.class).get().holder.await(WAIT);
            assertEquals(1, metrics.count("tether.connection.connects", NAME, "default"));
        }
    }

    @Test
    void aMeterBeanThatFailsLeavesTheConnectionWorkingWithoutMetricsAndWarns() throws Exception {
        try (var config = TetherCdi.config(Map.of("tether.uri", broker.uri()));
                LogCapture log = LogCapture.of("dev.tether");
                WeldContainer container = TetherCdi.weld(User.class, FailingMeterBean.class).initialize()) {
            PersistentConnection holder = container.select(User.class).get().holder;
            holder.await(WAIT);
            holder.publisher().publish("", "nowhere", null, new byte[] {1}); // confirmed, though routed nowhere
            assertTrue(log.contains(Level.WARNING, "Tether metrics: none recorded: creating Tether's instruments with"
                    + " the Meter bean failed"), String.valueOf(log.messages()));
            assertTrue(metrics.collect().isEmpty(), "nothing recorded");
        }
    }
}
