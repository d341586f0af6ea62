package dev.tether;

import java.io.IOException;
import java.util.Optional;

/**
 * Thrown when a connection is needed and there is none: by {@link PersistentConnection#get()}
 * while disconnected, and by calls on an injected connection proxy that waited in vain. The message
 * names the connection and its last failure (never a credential).
 */
public class NotConnectedException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String connectionName;
    private final transient ConnectionEvent.ConnectFailed lastFailure;

    /**
     * Creates the exception.
     *
     * @param connectionName the connection's name
     * @param lastFailure the last failed attempt, or {@code null} if none has failed yet
     */
    public NotConnectedException(String connectionName, ConnectionEvent.ConnectFailed lastFailure) {
        this(connectionName, lastFailure, "is not connected");
    }

    /**
     * Creates the exception with a phrase saying why.
     *
     * @param connectionName the connection's name
     * @param lastFailure the last failed attempt, or {@code null}
     * @param why a phrase completing "Connection 'name' ...", e.g. {@code is not connected (waited 5s)}
     */
    public NotConnectedException(String connectionName, ConnectionEvent.ConnectFailed lastFailure, String why) {
        super(message(connectionName, lastFailure, why), lastFailure == null ? null : lastFailure.cause());
        this.connectionName = connectionName;
        this.lastFailure = lastFailure;
    }

    /** @return the name of the connection that was not available */
    public String connectionName() {
        return connectionName;
    }

    /** @return the last failed attempt before this exception, if any */
    public Optional<ConnectionEvent.ConnectFailed> lastFailure() {
        return Optional.ofNullable(lastFailure);
    }

    private static String message(String name, ConnectionEvent.ConnectFailed failure, String why) {
        String text = "Connection '" + name + "' " + why;
        if (failure == null) {
            return text;
        }
        return text + "; last failure: " + failure.describe();
    }
}
