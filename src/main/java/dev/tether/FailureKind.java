package dev.tether;

/**
 * Why a connection attempt failed. Transient kinds are expected while a broker restarts or the
 * network heals; {@linkplain #misconfiguration() misconfiguration} kinds will not go away by
 * themselves, so they are retried at the maximum backoff delay and reported loudly.
 */
public enum FailureKind {
    /** The broker's host answered that nothing listens on the port (TCP RST). */
    REFUSED(false),
    /** The host could not be reached or resolved (no route, unknown host, network down). */
    UNREACHABLE(false),
    /** TCP connect or the AMQP handshake did not finish within {@code connection-timeout}. */
    TIMED_OUT(false),
    /** The broker or the network ended the handshake (connection reset, broker shutting down). */
    HANDSHAKE_FAILED(false),
    /** The broker refused the credentials. */
    AUTHENTICATION(true),
    /** The virtual host does not exist, or the user may not access it. */
    VIRTUAL_HOST(true),
    /** The broker's certificate is not trusted or does not match its host name. */
    TLS(true),
    /** A synchronous {@code Connected} listener threw; the connection was closed. */
    APPLICATION(false),
    /** Anything else. */
    UNKNOWN(false);

    private final boolean misconfiguration;

    FailureKind(boolean misconfiguration) {
        this.misconfiguration = misconfiguration;
    }

    /**
     * Whether this failure is caused by configuration (credentials, virtual host, TLS trust) and
     * will repeat until someone changes it.
     *
     * @return {@code true} for {@link #AUTHENTICATION}, {@link #VIRTUAL_HOST} and {@link #TLS}
     */
    public boolean misconfiguration() {
        return misconfiguration;
    }
}
