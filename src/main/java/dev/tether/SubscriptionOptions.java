package dev.tether;

import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * How a {@link Subscription} consumes. Each count left unset takes the connection's setting
 * ({@code consumers.prefetch}, {@code consumers.concurrency}, {@code consumers.redelivery-limit}).
 *
 * <pre>{@code
 * SubscriptionOptions options = SubscriptionOptions.builder()
 *         .prefetch(250)
 *         .concurrency(8)
 *         .redeliveryLimit(3)
 *         .arguments(() -> Map.of("x-stream-offset", offsets.next("events")))   // asked at every (re)subscribe
 *         .build();
 * consumers.subscribe("events", options, handler);
 * }</pre>
 *
 * <p>Immutable and thread-safe. The {@linkplain #arguments() arguments' supplier} is called on
 * Tether's consumer thread ({@code tether-<name>-consumers}) before every {@code basic.consume}, so a
 * stream consumer resumes from the offset the application gives, and a priority can change; a
 * supplier that throws fails that attempt, which is retried after the backoff.
 */
public final class SubscriptionOptions {

    private static final SubscriptionOptions DEFAULTS = new Builder().build();

    private final Integer prefetch;
    private final Integer concurrency;
    private final Integer redeliveryLimit;
    private final Supplier<Map<String, Object>> arguments;
    private final boolean requiredForReadiness;

    private SubscriptionOptions(Builder builder) {
        this.prefetch = builder.prefetch;
        this.concurrency = builder.concurrency;
        this.redeliveryLimit = builder.redeliveryLimit;
        this.arguments = builder.arguments;
        this.requiredForReadiness = builder.requiredForReadiness;
    }

    /** @return options that take every count from the connection's settings, with no consumer arguments */
    public static SubscriptionOptions defaults() {
        return DEFAULTS;
    }

    /** @return a builder with nothing set */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the most unacknowledged messages the broker sends this consumer ({@code basic.qos} per consumer), if set */
    public OptionalInt prefetch() {
        return prefetch == null ? OptionalInt.empty() : OptionalInt.of(prefetch);
    }

    /** @return the most handlers of this subscription running at once (lowered to the prefetch), if set */
    public OptionalInt concurrency() {
        return concurrency == null ? OptionalInt.empty() : OptionalInt.of(concurrency);
    }

    /** @return how many times a message whose handler threw is requeued before it is rejected, if set */
    public OptionalInt redeliveryLimit() {
        return redeliveryLimit == null ? OptionalInt.empty() : OptionalInt.of(redeliveryLimit);
    }

    /** @return what computes the consumer arguments ({@code x-priority}, {@code x-stream-offset}, ...) at every subscribe */
    public Supplier<Map<String, Object>> arguments() {
        return arguments;
    }

    /**
     * @return whether the application is not ready (MicroProfile Health readiness DOWN, with the
     *     reason) while this subscription cannot consume; false by default
     */
    public boolean requiredForReadiness() {
        return requiredForReadiness;
    }

    @Override
    public String toString() {
        return "SubscriptionOptions[prefetch=" + prefetch + ", concurrency=" + concurrency + ", redeliveryLimit="
                + redeliveryLimit + (requiredForReadiness ? ", requiredForReadiness" : "") + "]";
    }

    /** Builds {@link SubscriptionOptions}; not thread-safe. */
    public static final class Builder {
        private Integer prefetch;
        private Integer concurrency;
        private Integer redeliveryLimit;
        private Supplier<Map<String, Object>> arguments = Map::of;
        private boolean requiredForReadiness;

        private Builder() {
        }

        /**
         * @param prefetch most unacknowledged messages per consumer, 1 to 65535
         * @return this builder
         * @throws IllegalArgumentException when out of range
         */
        public Builder prefetch(int prefetch) {
            this.prefetch = check("prefetch", prefetch, 1, 65_535);
            return this;
        }

        /**
         * @param concurrency most handlers running at once, 1 to 1000 (lowered to the prefetch)
         * @return this builder
         * @throws IllegalArgumentException when out of range
         */
        public Builder concurrency(int concurrency) {
            this.concurrency = check("concurrency", concurrency, 1, 1_000);
            return this;
        }

        /**
         * @param limit times a failed message is requeued before it is rejected, 0 to 1000000
         * @return this builder
         * @throws IllegalArgumentException when out of range
         */
        public Builder redeliveryLimit(int limit) {
            this.redeliveryLimit = check("redeliveryLimit", limit, 0, 1_000_000);
            return this;
        }

        /**
         * @param arguments asked for the consumer arguments before every {@code basic.consume}
         * @return this builder
         * @throws NullPointerException if {@code arguments} is {@code null}
         */
        public Builder arguments(Supplier<Map<String, Object>> arguments) {
            this.arguments = Objects.requireNonNull(arguments, "arguments");
            return this;
        }

        /**
         * Makes readiness depend on this subscription: with MicroProfile Health, Tether's readiness
         * check is DOWN while the subscription is {@link Subscription.State#WAITING} (no consumer:
         * the queue is missing, the permission refused, the channel lost and not yet back), with
         * the reason in its data under {@code <connection>.subscription.<queue>}, and UP again once
         * it consumes. A paused subscription counts as ready (the application chose it); a
         * cancelled one no longer counts. Off by default: a service that can run without one of
         * its queues stays ready.
         *
         * <pre>{@code
         * consumers.subscribe("orders", SubscriptionOptions.builder().requiredForReadiness(true).build(), handler);
         * }</pre>
         *
         * @param required whether readiness waits for this subscription
         * @return this builder
         */
        public Builder requiredForReadiness(boolean required) {
            this.requiredForReadiness = required;
            return this;
        }

        /** @return the options */
        public SubscriptionOptions build() {
            return new SubscriptionOptions(this);
        }

        private static int check(String what, int value, int min, int max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(what + " must be between " + min + " and " + max + ", was " + value);
            }
            return value;
        }
    }
}
