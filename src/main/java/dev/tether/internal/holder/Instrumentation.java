package dev.tether.internal.holder;

import com.rabbitmq.client.MetricsCollector;
import dev.tether.internal.metrics.Recorders;
import java.util.Objects;

/**
 * What a holder reports its metrics to.
 *
 * @param collector the RabbitMQ client's collector, set on every attempt's connection factory, or {@code null}
 * @param recorders creates the holder's Tether metrics ({@link Recorders#NONE} for none)
 */
record Instrumentation(MetricsCollector collector, Recorders recorders) {

    /** No metrics. */
    public static final Instrumentation NONE = new Instrumentation(null, Recorders.NONE);

    /** Requires the recorders. */
    public Instrumentation {
        Objects.requireNonNull(recorders, "recorders");
    }
}
