package dev.tether.internal.metrics;

import dev.tether.ConnectionState;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.Meter;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Creates {@link OpenTelemetryRecorder}s over one {@link Meter}. Load this class only when
 * {@link MetricsSupport#apiPresent()}.
 */
public final class OpenTelemetryRecorders implements Recorders {

    /** The instrumentation scope of Tether's meter. */
    public static final String SCOPE = "dev.tether";

    private final OpenTelemetryInstruments instruments;

    private OpenTelemetryRecorders(Meter meter) {
        this.instruments = new OpenTelemetryInstruments(Objects.requireNonNull(meter, "meter"));
    }

    /**
     * @param meter where to record
     * @return recorders over {@code meter}
     */
    public static Recorders of(Meter meter) {
        return new OpenTelemetryRecorders(meter);
    }

    /**
     * @param openTelemetry where to record
     * @return recorders over its meter named {@value #SCOPE}
     */
    public static Recorders of(OpenTelemetry openTelemetry) {
        return of(openTelemetry.getMeter(SCOPE));
    }

    @Override
    public Recorder create(String connectionName, Supplier<ConnectionState> state) {
        return new OpenTelemetryRecorder(instruments, connectionName, state);
    }
}
