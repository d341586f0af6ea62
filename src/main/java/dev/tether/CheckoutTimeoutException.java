package dev.tether;

import dev.tether.internal.values.Durations;
import java.io.IOException;
import java.time.Duration;

/**
 * Thrown when every pooled channel stayed borrowed for {@code channels.checkout-timeout}. The
 * message names the connection, the pool and its size, and the wait, e.g. {@code Connection
 * 'orders': no channel free within 5s (all 16 of the pool borrowed; channels.max)}.
 */
public class CheckoutTimeoutException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String connectionName;
    private final int poolSize;
    private final Duration waited;

    /**
     * Creates the exception.
     *
     * @param connectionName the connection's name
     * @param pool what the pool holds, e.g. {@code channel} or {@code confirm channel}
     * @param poolSize the pool's size ({@code channels.max})
     * @param waited how long the caller waited
     */
    public CheckoutTimeoutException(String connectionName, String pool, int poolSize, Duration waited) {
        super("Connection '" + connectionName + "': no " + pool + " free within " + Durations.format(waited)
                + " (all " + poolSize + " of the pool borrowed; " + ConfigKeys.CHANNELS_MAX + ")");
        this.connectionName = connectionName;
        this.poolSize = poolSize;
        this.waited = waited;
    }

    /** @return the connection's name */
    public String connectionName() {
        return connectionName;
    }

    /** @return the pool's size */
    public int poolSize() {
        return poolSize;
    }

    /** @return how long the caller waited */
    public Duration waited() {
        return waited;
    }
}
