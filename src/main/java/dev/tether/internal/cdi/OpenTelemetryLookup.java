package dev.tether.internal.cdi;

import dev.tether.internal.metrics.OpenTelemetryRecorders;
import dev.tether.internal.metrics.Recorders;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.Meter;
import jakarta.enterprise.inject.Instance;
import java.lang.System.Logger.Level;

/**
 * Finds the application's OpenTelemetry: an {@code OpenTelemetry} bean (MicroProfile Telemetry
 * provides one), else a {@code Meter} bean, else {@link GlobalOpenTelemetry}. Loaded only when
 * {@link dev.tether.internal.metrics.MetricsSupport#apiPresent()}.
 */
final class OpenTelemetryLookup {

    private static final System.Logger LOG = System.getLogger("dev.tether");

    private OpenTelemetryLookup() {
    }

    /**
     * @param beans the application's beans with the default qualifier
     * @return recorders over the meter found
     */
    static Recorders recorders(Instance<Object> beans) {
        Instance<OpenTelemetry> openTelemetry = beans.select(OpenTelemetry.class);
        if (openTelemetry.isResolvable()) {
            LOG.log(Level.DEBUG, "Tether metrics: recorded with the OpenTelemetry bean");
            return OpenTelemetryRecorders.of(openTelemetry.get());
        }
        Instance<Meter> meter = beans.select(Meter.class);
        if (meter.isResolvable()) {
            LOG.log(Level.DEBUG, "Tether metrics: recorded with the Meter bean");
            return OpenTelemetryRecorders.of(meter.get());
        }
        LOG.log(Level.DEBUG, "Tether metrics: recorded with GlobalOpenTelemetry (no OpenTelemetry or Meter bean)");
        return OpenTelemetryRecorders.of(GlobalOpenTelemetry.get());
    }
}
