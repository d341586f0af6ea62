package dev.tether.internal.connect;

import com.rabbitmq.client.impl.CredentialsRefreshService;
import com.rabbitmq.client.impl.DefaultCredentialsRefreshService;
import dev.tether.internal.threads.TetherThreads;
import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Supplier;

/**
 * The holder's {@link CredentialsRefreshService}, for credentials that expire (OAuth 2 tokens): the
 * RabbitMQ client registers each connection opened with such credentials, refreshes them before
 * they expire and sends the new secret on the live connection ({@code connection.update-secret}).
 * The application's service when it gave one; else the client's default (refresh at 80 % of the
 * token's lifetime, at least a second apart), created on first use on a daemon thread {@code tether-<name>-token-refresh},
 * and shut down with the holder.
 */
final class TokenRefresh implements Supplier<CredentialsRefreshService> {

    private final String name;
    private final CredentialsRefreshService given;
    private ScheduledThreadPoolExecutor thread;
    private DefaultCredentialsRefreshService own;

    /**
     * @param name the connection's name, for the thread's
     * @param given the application's service, or {@code null} for the default
     */
    TokenRefresh(String name, CredentialsRefreshService given) {
        this.name = name;
        this.given = given;
    }

    /** The shortest delay before a refresh: the client schedules in whole seconds, and 0 would spin. */
    static final Duration FLOOR = Duration.ofSeconds(1);

    /**
     * The delay before refreshing credentials that live {@code timeToLive}: 80 % of it, as the
     * client's default, but never below {@link #FLOOR}. The client's own ratio truncates to whole
     * seconds, so a time to live below 1.25 s gave 0: a refresh loop sending {@code update-secret}
     * without pause.
     */
    static Duration delay(Duration timeToLive) {
        Duration ratio = timeToLive == null ? FLOOR : Duration.ofMillis(timeToLive.toMillis() * 8 / 10);
        return ratio.compareTo(FLOOR) < 0 ? FLOOR : ratio;
    }

    @Override
    public synchronized CredentialsRefreshService get() {
        if (given != null) {
            return given;
        }
        if (own == null) {
            thread = new ScheduledThreadPoolExecutor(1, TetherThreads.named("tether-" + name + "-token-refresh"));
            own = new DefaultCredentialsRefreshService.DefaultCredentialsRefreshServiceBuilder()
                    .scheduler(thread).refreshDelayStrategy(TokenRefresh::delay).build();
        }
        return own;
    }

    /** Stops the default service, if one was created; the application's is the application's to close. */
    synchronized void close() {
        if (own != null) {
            own.close();
            thread.shutdownNow();
        }
    }
}
