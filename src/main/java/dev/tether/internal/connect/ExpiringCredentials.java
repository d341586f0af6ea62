package dev.tether.internal.connect;

import com.rabbitmq.client.impl.CredentialsProvider;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * What the client gets for credentials that expire (an OAuth 2 token): the user name, password and
 * time to live read for the attempt, on the calls' thread within {@code connection-timeout}, so the
 * handshake on the holder's thread asks nothing of the application's provider. The client's
 * refresh service calls {@link #refresh()} on its own thread: that refreshes the application's
 * provider, reads the new values, and reports the outcome (a failure to the holder, which fires
 * {@code CredentialsRefreshFailed} and shows it in readiness data). {@code toString()} shows the
 * provider's class only.
 */
final class ExpiringCredentials implements CredentialsProvider {

    private final CredentialsProvider provider;
    private final Consumer<Throwable> refreshed;
    private volatile String username;
    private volatile String password;
    private volatile Duration timeToLive;
    private volatile long readAt;

    /**
     * @param provider the application's provider
     * @param refreshed told after each refresh: {@code null} when it succeeded, else what it threw
     */
    ExpiringCredentials(CredentialsProvider provider, String username, String password, Duration timeToLive,
            Consumer<Throwable> refreshed) {
        this.provider = provider;
        this.refreshed = refreshed;
        set(username, password, timeToLive);
    }

    private void set(String username, String password, Duration timeToLive) {
        this.username = username;
        this.password = password;
        this.timeToLive = timeToLive;
        this.readAt = System.nanoTime();
    }

    @Override
    public String getUsername() {
        return username;
    }

    @Override
    public String getPassword() {
        return password;
    }

    /** @return the time to live read last, less the time since */
    @Override
    public Duration getTimeBeforeExpiration() {
        Duration ttl = timeToLive;
        return ttl == null ? null : ttl.minusNanos(System.nanoTime() - readAt);
    }

    @Override
    public void refresh() {
        try {
            provider.refresh();
            set(provider.getUsername(), provider.getPassword(), provider.getTimeBeforeExpiration());
        } catch (RuntimeException | Error e) {
            refreshed.accept(e);
            throw e;
        }
        refreshed.accept(null);
    }

    @Override
    public String toString() {
        return "ExpiringCredentials[" + provider.getClass().getName() + "]";
    }
}
