package dev.tether.internal.metrics;

import dev.tether.ConnectionSettings;
import dev.tether.PersistentConnection;
import dev.tether.testing.Await;
import dev.tether.testing.FaultProxy;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * A holder built with {@code meter(...)} on whatever OpenTelemetry its class loader has: connects
 * through a fault proxy, loses the connection once, reconnects. {@link OlderOpenTelemetryApiTest}
 * runs it in a class loader with OpenTelemetry 1.29.0; it uses only API that version has.
 */
public final class OlderOpenTelemetryScenario implements Callable<Map<String, Object>> {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final int brokerPort;

    /** @param brokerPort the broker's AMQP port */
    public OlderOpenTelemetryScenario(Integer brokerPort) {
        this.brokerPort = brokerPort;
    }

    /**
     * @return after the reconnect: {@code connects}, {@code losses} (sums), {@code outages} (the
     *     outage histogram's count), {@code outageBoundaries} (its buckets)
     */
    @Override
    public Map<String, Object> call() throws Exception {
        InMemoryMetricReader reader = InMemoryMetricReader.create();
        try (SdkMeterProvider provider = SdkMeterProvider.builder().registerMetricReader(reader).build();
                FaultProxy proxy = FaultProxy.start(brokerPort)) {
            PersistentConnection holder = PersistentConnection.builder(
                    ConnectionSettings.builder("older").uri(proxy.uri()).build())
                    .meter(provider.get("dev.tether")).build();
            try {
                holder.await(WAIT);
                proxy.cut();
                Await.until("the reconnect", WAIT, () -> sum(reader, "tether.connection.connects") == 2);
                HistogramPointData outage = Await.until("the outage", WAIT, () -> reader.collectAllMetrics().stream()
                        .filter(m -> m.getName().equals("tether.connection.outage.duration"))
                        .flatMap(m -> m.getHistogramData().getPoints().stream()).findFirst().orElse(null));
                return Map.of("connects", sum(reader, "tether.connection.connects"),
                        "losses", sum(reader, "tether.connection.losses"),
                        "outages", outage.getCount(), "outageBoundaries", outage.getBoundaries());
            } finally {
                holder.close().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    private static long sum(InMemoryMetricReader reader, String name) {
        return reader.collectAllMetrics().stream().filter(m -> m.getName().equals(name))
                .map(MetricData::getLongSumData).flatMap(data -> data.getPoints().stream())
                .mapToLong(LongPointData::getValue).sum();
    }
}
