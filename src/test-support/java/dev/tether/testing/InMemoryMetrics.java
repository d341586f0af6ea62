package dev.tether.testing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A real OpenTelemetry SDK whose metrics are read in memory ({@link InMemoryMetricReader}),
 * cumulatively: every read sees the totals since the start. Sums and counts are read by name and
 * by the attributes a point must have (others may be present).
 */
public final class InMemoryMetrics implements AutoCloseable {

    private final InMemoryMetricReader reader = InMemoryMetricReader.create();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build()).build();

    /** @return the SDK, to hand to the code under test */
    public OpenTelemetry openTelemetry() {
        return sdk;
    }

    /** @return every metric now */
    public Collection<MetricData> collect() {
        return reader.collectAllMetrics();
    }

    /**
     * @param name a counter's, up-down counter's or gauge's name
     * @param attributes key, value, key, value, ... the points must carry (a {@code null} value: must not carry the key)
     * @return the sum of the matching points' values, or empty if the metric has no matching point
     */
    public Optional<Long> sum(String name, String... attributes) {
        List<LongPointData> points = metric(name)
                .filter(m -> m.getType() == MetricDataType.LONG_SUM || m.getType() == MetricDataType.LONG_GAUGE)
                .flatMap(m -> m.getData().getPoints().stream()).map(LongPointData.class::cast)
                .filter(p -> matches(p.getAttributes(), attributes)).toList();
        return points.isEmpty() ? Optional.empty()
                : Optional.of(points.stream().mapToLong(LongPointData::getValue).sum());
    }

    /** @return {@link #sum} or 0 */
    public long count(String name, String... attributes) {
        return sum(name, attributes).orElse(0L);
    }

    /**
     * @param name a histogram's name
     * @param attributes key, value, ... the points must carry
     * @return the matching points, merged into their count
     */
    public long histogramCount(String name, String... attributes) {
        return histogram(name, attributes).mapToLong(HistogramPointData::getCount).sum();
    }

    /** @return the sum of the values recorded in the matching points of the histogram */
    public double histogramSum(String name, String... attributes) {
        return histogram(name, attributes).mapToDouble(HistogramPointData::getSum).sum();
    }

    /** @return the unit of the named metric */
    public String unit(String name) {
        return metric(name).findFirst().map(MetricData::getUnit).orElseThrow(() -> new AssertionError("no " + name));
    }

    /** @return every attribute value of every point of every metric */
    public List<String> attributeValues() {
        return collect().stream().flatMap(m -> m.getData().getPoints().stream())
                .flatMap(p -> p.getAttributes().asMap().values().stream()).map(String::valueOf).toList();
    }

    private Stream<HistogramPointData> histogram(String name, String... attributes) {
        return metric(name).filter(m -> m.getType() == MetricDataType.HISTOGRAM)
                .flatMap(m -> m.getHistogramData().getPoints().stream())
                .filter(p -> matches(p.getAttributes(), attributes));
    }

    private Stream<MetricData> metric(String name) {
        return collect().stream().filter(m -> m.getName().equals(name));
    }

    private static boolean matches(Attributes actual, String... expected) {
        Map<AttributeKey<?>, Object> map = actual.asMap();
        for (int i = 0; i < expected.length; i += 2) {
            Object value = map.get(AttributeKey.stringKey(expected[i]));
            if (expected[i + 1] == null ? value != null : !expected[i + 1].equals(value)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        sdk.close();
    }
}
