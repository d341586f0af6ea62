package dev.tether;

import java.time.Duration;

/**
 * Limits of a connection's pooled channels ({@link Channels}) and confirmed publishing
 * ({@link Publisher}). Part of {@link ConnectionSettings}; fixed when the holder is built.
 *
 * <pre>{@code
 * ConnectionSettings settings = ConnectionSettings.builder("orders")
 *         .channels(ChannelSettings.DEFAULT.withMax(32).withConfirmTimeout(Duration.ofSeconds(30)))
 *         .build();
 * }</pre>
 *
 * @param max the most channels open at once in each of the connection's two pools: the one of
 *     {@link Channels} and the confirm channels of its {@link Publisher} ({@code channels.max}, default 16,
 *     at most {@value #MOST_CHANNELS})
 * @param checkoutTimeout how long a borrower waits for a free channel once connected
 *     ({@code channels.checkout-timeout}, default 5 s)
 * @param confirmTimeout how long a publish waits for the broker's confirm ({@code publish.confirm-timeout},
 *     default 10 s)
 */
public record ChannelSettings(int max, Duration checkoutTimeout, Duration confirmTimeout) {

    /**
     * The largest {@code channels.max}: two pools of it plus Tether's own idle channel stay within
     * RabbitMQ's default {@code channel_max} of 2047.
     */
    public static final int MOST_CHANNELS = 1000;

    /** The longest either duration may be: one day. */
    public static final Duration LONGEST = Duration.ofDays(1);

    /** The defaults: 16 channels, 5 s to check one out, 10 s for a confirm. */
    public static final ChannelSettings DEFAULT = new ChannelSettings(Setting.CHANNELS_MAX.defaultValue(),
            Setting.CHANNELS_CHECKOUT_TIMEOUT.defaultValue(), Setting.PUBLISH_CONFIRM_TIMEOUT.defaultValue());

    /**
     * Validates the values.
     *
     * @throws IllegalArgumentException naming the key, for a size outside 1 to {@value #MOST_CHANNELS}
     *     or a duration that is not positive or longer than {@link #LONGEST}
     */
    public ChannelSettings {
        Setting.CHANNELS_MAX.check(max);
        Setting.CHANNELS_CHECKOUT_TIMEOUT.check(checkoutTimeout);
        Setting.PUBLISH_CONFIRM_TIMEOUT.check(confirmTimeout);
    }

    /** @param value the pool size @return a copy with another pool size */
    public ChannelSettings withMax(int value) {
        return new ChannelSettings(value, checkoutTimeout, confirmTimeout);
    }

    /** @param value the checkout limit @return a copy with another checkout limit */
    public ChannelSettings withCheckoutTimeout(Duration value) {
        return new ChannelSettings(max, value, confirmTimeout);
    }

    /** @param value the confirm limit @return a copy with another confirm limit */
    public ChannelSettings withConfirmTimeout(Duration value) {
        return new ChannelSettings(max, checkoutTimeout, value);
    }
}
