package dev.tether.internal.metrics;

import dev.tether.ConnectionEvent;
import dev.tether.ConnectionListener;
import dev.tether.PublishException;

/**
 * What one holder reports for metrics: its events (it is the holder's last listener), its pools'
 * gauges and borrow waits, and its publishes' outcomes. Every method is cheap and never throws;
 * the default methods record nothing ({@link #NONE}). Touches no OpenTelemetry type.
 */
public interface Recorder extends ConnectionListener {

    /** Records nothing: metrics are off or no OpenTelemetry API is present. */
    Recorder NONE = new Recorder() {
    };

    /** The {@code tether.channel.pool} value of the pool of {@link dev.tether.Channels}. */
    String CHANNELS = "channels";

    /** The {@code tether.channel.pool} value of the publisher's pool of confirm channels. */
    String CONFIRM_CHANNELS = "confirm";

    /** Called on the holder's thread, after the application's listeners. */
    @Override
    default void onEvent(ConnectionEvent event) {
    }

    /**
     * Observes a pool's sizes from now until {@link #close()}.
     *
     * @param pool {@link #CHANNELS} or {@link #CONFIRM_CHANNELS}
     * @param stats the pool, read when metrics are collected (any thread)
     */
    default void observe(String pool, PoolStats stats) {
    }

    /**
     * A borrower got a channel.
     *
     * @param pool {@link #CHANNELS} or {@link #CONFIRM_CHANNELS}
     * @param waitNanos how long its borrow took, waiting for the connection and a free channel included
     */
    default void borrowed(String pool, long waitNanos) {
    }

    /**
     * A publish that was sent ended.
     *
     * @param failure why it was not confirmed, or {@code null} when the broker confirmed it
     * @param nanos from sending to its outcome
     */
    default void published(PublishException.Reason failure, long nanos) {
    }

    /** A publish was not sent ({@link PublishException.Reason#NOT_SENT}). */
    default void notSent() {
    }

    /** How a consumed message was settled: acked. */
    String ACK = "ack";
    /** How a consumed message was settled: its handler threw, requeued. */
    String REQUEUE = "requeue";
    /** How a consumed message was settled: its handler threw past the redelivery limit, rejected. */
    String REJECT = "reject";

    /**
     * A handler of a subscription returned or threw, and its message was settled.
     *
     * @param settlement {@link #ACK}, {@link #REQUEUE} or {@link #REJECT}
     * @param redelivered whether the broker had delivered the message before
     * @param nanos how long the handler ran
     */
    default void consumed(String settlement, boolean redelivered, long nanos) {
    }

    /** A subscription consumes again after a loss (not its first start). */
    default void resubscribed() {
    }

    /** An ack or nack was dropped: the channel that delivered the message was closed. */
    default void droppedAck() {
    }

    /** Stops observing (the holder is closing); counters already recorded stay. */
    default void close() {
    }
}
