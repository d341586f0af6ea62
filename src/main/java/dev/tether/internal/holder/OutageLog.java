package dev.tether.internal.holder;

import com.rabbitmq.client.Address;
import dev.tether.ConnectionEvent;
import dev.tether.FailureKind;
import java.lang.System.Logger.Level;

/**
 * Logs a connection's life without flooding: an identical failure repeated across attempts is
 * logged once at WARNING (ERROR for misconfiguration), then at DEBUG; a recovery is logged with the
 * number of attempts and the downtime. Confined to the holder's thread.
 */
final class OutageLog {

    private static final System.Logger LOG = System.getLogger("dev.tether");

    private final String name;
    private String lastFailure;

    OutageLog(String name) {
        this.name = name;
    }

    void failed(ConnectionEvent.ConnectFailed failure) {
        String key = failure.kind() + "|" + failure.cause().getClass().getName() + "|" + failure.cause().getMessage();
        if (key.equals(lastFailure)) {
            LOG.log(Level.DEBUG, () -> "Connection '" + name + "': " + failure.describe() + "; retrying in "
                    + failure.nextDelay().toMillis() + " ms");
            return;
        }
        lastFailure = key;
        Level level = failure.kind().misconfiguration() ? Level.ERROR : Level.WARNING;
        String hint = failure.kind().misconfiguration()
                ? " This is a configuration problem; retrying at the maximum delay."
                : failure.kind() == FailureKind.RESOURCE_LOCKED
                ? " An exclusive queue is still held by an earlier connection that the broker has not yet found"
                        + " dead; it frees the queue once that connection misses its heartbeats."
                : "";
        LOG.log(level, "Connection '" + name + "': " + failure.describe() + "; retrying in "
                + failure.nextDelay().toMillis() + " ms (identical failures are logged at DEBUG)." + hint);
    }

    void connected(ConnectionEvent.Connected connected, int failedAttempts) {
        lastFailure = null;
        if (failedAttempts == 0) {
            LOG.log(Level.INFO, "Connection '" + name + "': connected to " + connected.address());
        } else {
            LOG.log(Level.INFO, "Connection '" + name + "': recovered, connected to " + connected.address()
                    + " after " + connected.attempt() + " attempts and " + connected.downtime().toMillis()
                    + " ms without a connection");
        }
    }

    void lost(ConnectionEvent.Disconnected disconnected, Address address) {
        if (disconnected.applicationInitiated()) {
            LOG.log(Level.INFO, "Connection '" + name + "': connection to " + address
                    + " closed by the application; reconnecting");
        } else {
            String cause = disconnected.cause() == null ? "unknown cause" : disconnected.cause().getMessage();
            LOG.log(Level.WARNING, "Connection '" + name + "': connection to " + address + " lost (" + cause
                    + "); reconnecting at once");
        }
    }
}
