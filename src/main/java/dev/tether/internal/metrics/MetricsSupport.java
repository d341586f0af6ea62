package dev.tether.internal.metrics;

/** Tells whether the OpenTelemetry API can be used; touches no OpenTelemetry type itself. */
public final class MetricsSupport {

    private static final String METER = "io.opentelemetry.api.metrics.Meter";

    private MetricsSupport() {
    }

    /** @return whether the OpenTelemetry metrics API is visible to Tether's class loader */
    public static boolean apiPresent() {
        try {
            Class.forName(METER, false, MetricsSupport.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError absent) {
            return false;
        }
    }
}
