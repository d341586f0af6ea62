package dev.tether.internal.metrics;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.Meter;
import java.lang.System.Logger.Level;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Finds the application's OpenTelemetry: an {@code OpenTelemetry} bean (MicroProfile Telemetry
 * provides one), else a {@code Meter} bean, else {@link GlobalOpenTelemetry} if the application has
 * already set it, else none. It never calls {@link GlobalOpenTelemetry#get()} on an unset global:
 * that call fixes the global to a no-op for good, and the application's own
 * {@code buildAndRegisterGlobal()} afterwards would fail. A meter that fails while Tether creates
 * its instruments leaves Tether without metrics, never without its connections. Loaded only when
 * {@link dev.tether.internal.metrics.MetricsSupport#apiPresent()}.
 */
public final class OpenTelemetryLookup {

    private static final System.Logger LOG = System.getLogger("dev.tether");

    private OpenTelemetryLookup() {
    }

    /**
     * @param beans the application's resolvable bean of a type with the default qualifier, or
     *     {@code null} when there is none (the CDI layer asks its container; nothing here is CDI)
     * @return recorders over the meter found, or {@link Recorders#NONE}
     */
    public static Recorders recorders(Function<Class<?>, Object> beans) {
        Object openTelemetry = beans.apply(OpenTelemetry.class);
        if (openTelemetry != null) {
            return over("the OpenTelemetry bean", () -> OpenTelemetryRecorders.of((OpenTelemetry) openTelemetry));
        }
        Object meter = beans.apply(Meter.class);
        if (meter != null) {
            return over("the Meter bean", () -> OpenTelemetryRecorders.of((Meter) meter));
        }
        String absent = globalAbsent();
        if (absent != null) {
            LOG.log(Level.INFO, "Tether metrics: none recorded: no OpenTelemetry or Meter bean, and " + absent);
            return Recorders.NONE;
        }
        return over("GlobalOpenTelemetry (no OpenTelemetry or Meter bean)",
                () -> OpenTelemetryRecorders.of(GlobalOpenTelemetry.get()));
    }

    /** @return why the global OpenTelemetry cannot be used, or {@code null} when it is set */
    private static String globalAbsent() {
        try {
            return GlobalOpenTelemetry.isSet() ? null : "GlobalOpenTelemetry is not set (yet): Tether does not read"
                    + " it then, as reading an unset global would fix it to a no-op for the application too";
        } catch (NoSuchMethodError olderApi) {
            return "this OpenTelemetry API (before GlobalOpenTelemetry.isSet()) cannot tell whether the global"
                    + " is set without fixing it to a no-op";
        }
    }

    private static Recorders over(String source, Supplier<Recorders> recorders) {
        try {
            Recorders found = recorders.get();
            LOG.log(Level.DEBUG, () -> "Tether metrics: recorded with " + source);
            return found;
        } catch (RuntimeException | LinkageError e) {
            LOG.log(Level.WARNING, "Tether metrics: none recorded: creating Tether's instruments with " + source
                    + " failed: " + e);
            return Recorders.NONE;
        }
    }
}
