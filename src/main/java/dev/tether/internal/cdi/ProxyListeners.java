package dev.tether.internal.cdi;

import com.rabbitmq.client.BlockedListener;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownListener;
import dev.tether.ConnectionEvent;
import dev.tether.ConnectionListener;
import java.util.ArrayList;
import java.util.List;

/**
 * The shutdown and blocked listeners added through a connection proxy. They are attached to the
 * live connection and again to every later one (registered as the holder's last listener, so only
 * to connections its {@code Connected} observers accepted).
 */
final class ProxyListeners implements ConnectionListener {

    private final List<ShutdownListener> shutdownListeners = new ArrayList<>();
    private final List<BlockedListener> blockedListeners = new ArrayList<>();
    private Connection latest;

    @Override
    public synchronized void onEvent(ConnectionEvent event) {
        if (event instanceof ConnectionEvent.Connected connected) {
            latest = connected.connection();
            shutdownListeners.forEach(latest::addShutdownListener);
            blockedListeners.forEach(latest::addBlockedListener);
        }
    }

    synchronized void add(ShutdownListener listener) {
        shutdownListeners.add(listener);
        if (latest != null) {
            latest.addShutdownListener(listener);
        }
    }

    synchronized void remove(ShutdownListener listener) {
        shutdownListeners.remove(listener);
        if (latest != null) {
            latest.removeShutdownListener(listener);
        }
    }

    synchronized void add(BlockedListener listener) {
        blockedListeners.add(listener);
        if (latest != null) {
            latest.addBlockedListener(listener);
        }
    }

    synchronized boolean remove(BlockedListener listener) {
        boolean removed = blockedListeners.remove(listener);
        if (latest != null) {
            latest.removeBlockedListener(listener);
        }
        return removed;
    }

    /** Removes the blocked listeners added through the proxy, and only those: Tether's own stays. */
    synchronized void clearBlocked() {
        if (latest != null) {
            blockedListeners.forEach(latest::removeBlockedListener);
        }
        blockedListeners.clear();
    }
}
