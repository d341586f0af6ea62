package dev.tether.cdi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.Persistent;
import dev.tether.PersistentConnection;
import dev.tether.testing.InMemoryMetrics;
import dev.tether.testing.QpidBroker;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.Meter;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code tether.metrics.enabled=false} turns the metrics off; without an OpenTelemetry bean a {@code Meter} bean is used. */
class MetricsSwitchTest {

    private static QpidBroker broker;
    private static InMemoryMetrics metrics;

    @Dependent
    static class User {
        @Inject @Persistent PersistentConnection holder;
    }

    @Dependent
    static class OpenTelemetryBean {
        @Produces
        OpenTelemetry openTelemetry() {
            return metrics.openTelemetry();
        }
    }

    @Dependent
    static class MeterBean {
        @Produces
        Meter meter() {
            return metrics.openTelemetry().getMeter("app");
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

    @Test
    void metricsEnabledFalseRecordsNothingEvenWithAnOpenTelemetryBean() throws Exception {
        metrics = new InMemoryMetrics();
        try (var config = TetherCdi.config(Map.of("tether.uri", broker.uri(), "tether.metrics.enabled", "false"));
                WeldContainer container = TetherCdi.weld(User.class, OpenTelemetryBean.class).initialize()) {
            container.select(User.class).get().holder.await(Duration.ofSeconds(10));
            assertTrue(metrics.collect().isEmpty(), "no metric at all");
        } finally {
            metrics.close();
        }
    }

    @Test
    void aMeterBeanIsUsedWhenThereIsNoOpenTelemetryBean() throws Exception {
        metrics = new InMemoryMetrics();
        try (var config = TetherCdi.config(Map.of("tether.uri", broker.uri()));
                WeldContainer container = TetherCdi.weld(User.class, MeterBean.class).initialize()) {
            container.select(User.class).get().holder.await(Duration.ofSeconds(10));
            assertEquals(1, metrics.count("tether.connection.connects", "tether.connection.name", "default"));
        } finally {
            metrics.close();
        }
    }
}
