package dev.tether.testing;

import io.opentelemetry.api.metrics.DoubleGaugeBuilder;
import io.opentelemetry.api.metrics.DoubleHistogramBuilder;
import io.opentelemetry.api.metrics.LongCounterBuilder;
import io.opentelemetry.api.metrics.LongUpDownCounterBuilder;
import io.opentelemetry.api.metrics.Meter;
import java.util.Set;

/**
 * A meter that fails: its named builder methods throw, the others hand over to a real SDK meter.
 * It stands for a broken or incompatible OpenTelemetry implementation (not for a broker).
 *
 * <pre>{@code
 * Meter meter = new ThrowingMeter(metrics.openTelemetry().getMeter("dev.tether"), "upDownCounterBuilder");
 * }</pre>
 */
public final class ThrowingMeter implements Meter {

    private final Meter delegate;
    private final Set<String> failing;

    /**
     * @param delegate the real meter
     * @param failing the builder methods that throw ({@code counterBuilder}, {@code upDownCounterBuilder},
     *     {@code histogramBuilder}, {@code gaugeBuilder})
     */
    public ThrowingMeter(Meter delegate, String... failing) {
        this.delegate = delegate;
        this.failing = Set.of(failing);
    }

    @Override
    public LongCounterBuilder counterBuilder(String name) {
        fail("counterBuilder", name);
        return delegate.counterBuilder(name);
    }

    @Override
    public LongUpDownCounterBuilder upDownCounterBuilder(String name) {
        fail("upDownCounterBuilder", name);
        return delegate.upDownCounterBuilder(name);
    }

    @Override
    public DoubleHistogramBuilder histogramBuilder(String name) {
        fail("histogramBuilder", name);
        return delegate.histogramBuilder(name);
    }

    @Override
    public DoubleGaugeBuilder gaugeBuilder(String name) {
        fail("gaugeBuilder", name);
        return delegate.gaugeBuilder(name);
    }

    private void fail(String method, String name) {
        if (failing.contains(method)) {
            throw new IllegalStateException("this meter's " + method + " fails (" + name + ")");
        }
    }
}
