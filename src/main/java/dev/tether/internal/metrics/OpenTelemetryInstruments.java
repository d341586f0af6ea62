package dev.tether.internal.metrics;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.DoubleHistogramBuilder;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import java.util.List;

/**
 * The synchronous instruments every holder shares, created once per {@link Meter}, with the names,
 * units and attribute keys of {@code docs/metrics.md}. Names follow OpenTelemetry's semantic
 * conventions: {@code messaging.client.*} for publishes, the shape of {@code db.client.connection.*}
 * for the channel pools, and a {@code tether.} prefix where no convention exists.
 */
final class OpenTelemetryInstruments {

    static final AttributeKey<String> CONNECTION_NAME = AttributeKey.stringKey("tether.connection.name");
    static final AttributeKey<String> CONNECTION_STATE = AttributeKey.stringKey("tether.connection.state");
    static final AttributeKey<String> POOL = AttributeKey.stringKey("tether.channel.pool");
    static final AttributeKey<String> CHANNEL_STATE = AttributeKey.stringKey("tether.channel.state");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<String> MESSAGING_SYSTEM = AttributeKey.stringKey("messaging.system");
    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("messaging.operation.name");
    static final AttributeKey<String> SETTLEMENT = AttributeKey.stringKey("tether.settlement");

    /** OpenTelemetry's advice for messaging and pool wait durations, in seconds. */
    private static final List<Double> SHORT = List.of(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0,
            2.5, 5.0, 7.5, 10.0);
    /** Outages last from a quick reconnect to a broker upgrade, in seconds. */
    private static final List<Double> OUTAGES = List.of(0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0,
            600.0, 1800.0, 3600.0);

    final Meter meter;
    final LongCounter connects;
    final LongCounter losses;
    final LongCounter failedAttempts;
    final DoubleHistogram outages;
    final DoubleHistogram channelWaits;
    final LongCounter sent;
    final DoubleHistogram publishDurations;
    final LongCounter unsent;
    final LongCounter consumed;
    final DoubleHistogram processDurations;
    final LongCounter redelivered;
    final LongCounter resubscribes;
    final LongCounter droppedAcks;

    OpenTelemetryInstruments(Meter meter) {
        this.meter = meter;
        connects = meter.counterBuilder("tether.connection.connects").setUnit("{connection}")
                .setDescription("Connections established (the first one and every reconnect)").build();
        losses = meter.counterBuilder("tether.connection.losses").setUnit("{connection}")
                .setDescription("Established connections lost without the application asking").build();
        failedAttempts = meter.counterBuilder("tether.connection.failed_attempts").setUnit("{attempt}")
                .setDescription("Connection attempts that failed, by error.type (the FailureKind)").build();
        outages = histogram(meter.histogramBuilder("tether.connection.outage.duration").setUnit("s")
                .setDescription("How long a lost connection took to come back"), OUTAGES);
        channelWaits = histogram(meter.histogramBuilder("tether.channel.wait_time").setUnit("s")
                .setDescription("How long a borrower waited for a pooled channel"), SHORT);
        sent = meter.counterBuilder("messaging.client.sent.messages").setUnit("{message}")
                .setDescription("Confirmed publishes sent, by outcome (error.type absent when confirmed)").build();
        publishDurations = histogram(meter.histogramBuilder("messaging.client.operation.duration").setUnit("s")
                .setDescription("From sending a confirmed publish to its outcome"), SHORT);
        unsent = meter.counterBuilder("tether.publish.unsent").setUnit("{message}")
                .setDescription("Confirmed publishes not sent (no connection or confirm channel in time)").build();
        consumed = meter.counterBuilder("messaging.client.consumed.messages").setUnit("{message}")
                .setDescription("Messages handed to a subscription's handler, by tether.settlement").build();
        processDurations = histogram(meter.histogramBuilder("messaging.process.duration").setUnit("s")
                .setDescription("How long a subscription's handler ran, by tether.settlement"), SHORT);
        redelivered = meter.counterBuilder("tether.consumer.redelivered").setUnit("{message}")
                .setDescription("Messages handed to a handler that the broker had delivered before").build();
        resubscribes = meter.counterBuilder("tether.consumer.resubscribes").setUnit("{subscription}")
                .setDescription("Subscriptions consuming again after a connection loss, channel loss or basic.cancel").build();
        droppedAcks = meter.counterBuilder("tether.consumer.dropped_acks").setUnit("{ack}")
                .setDescription("Acks or nacks dropped because the delivering channel was closed").build();
    }

    /**
     * Builds a histogram with bucket advice where the runtime's OpenTelemetry API has it (1.32 and
     * later). Older APIs, such as Payara Micro 6's, lack the method: those histograms keep the SDK's
     * default buckets rather than failing the deployment.
     */
    private static DoubleHistogram histogram(DoubleHistogramBuilder builder, List<Double> buckets) {
        try {
            return builder.setExplicitBucketBoundariesAdvice(buckets).build();
        } catch (NoSuchMethodError olderApi) {
            return builder.build();
        }
    }
}
