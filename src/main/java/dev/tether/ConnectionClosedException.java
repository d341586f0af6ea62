package dev.tether;

/**
 * Thrown to callers waiting for, or asking for, a connection whose {@link PersistentConnection}
 * was closed. It never resolves: the holder makes no attempt after {@link PersistentConnection#close()}.
 */
public class ConnectionClosedException extends NotConnectedException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param connectionName the closed connection's name
     */
    public ConnectionClosedException(String connectionName) {
        super(connectionName, null, "is closed");
    }
}
