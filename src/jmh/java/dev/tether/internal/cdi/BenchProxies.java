package dev.tether.internal.cdi;

import com.rabbitmq.client.Connection;
import dev.tether.ConnectionListener;
import dev.tether.ConnectionSettings;
import dev.tether.PersistentConnection;
import dev.tether.internal.access.ConnectionAccess;

/**
 * Benchmark-only access to the package-private {@link ConnectionProxy}: a holder and the same
 * {@code Connection} proxy that {@code @Inject @Persistent Connection} gets from
 * {@link ConnectionRegistry}, wired the same way (the proxy's listeners registered last).
 */
public final class BenchProxies {

    private BenchProxies() {
    }

    /** A holder and its connection proxy. */
    public record Managed(PersistentConnection holder, Connection proxy) {
    }

    /**
     * Builds a holder (started at once when the settings are eager) and its proxy.
     *
     * @param settings the holder's settings
     * @param listeners listeners called before the proxy's own
     * @return the holder and its proxy
     */
    public static Managed create(ConnectionSettings settings, ConnectionListener... listeners) {
        ProxyListeners proxyListeners = new ProxyListeners();
        PersistentConnection.Builder builder = PersistentConnection.builder(settings);
        for (ConnectionListener listener : listeners) {
            builder.listener(listener);
        }
        PersistentConnection holder = builder.listener(proxyListeners).build();
        return new Managed(holder, ConnectionProxy.create((ConnectionAccess) holder, proxyListeners));
    }
}
