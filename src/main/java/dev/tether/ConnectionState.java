package dev.tether;

/**
 * The state of a {@link PersistentConnection}.
 *
 * <pre>
 *   IDLE (lazy, not yet asked) ──first use──▶ CONNECTING
 *   CONNECTING ──connected──▶ CONNECTED ──connection lost──▶ CONNECTING
 *        └──────────── close() ───────────┴──────────▶ CLOSED (final)
 * </pre>
 */
public enum ConnectionState {
    /**
     * A lazy holder ({@code eager=false}) that nobody has asked for a connection yet: no attempt
     * was made. It does not make readiness DOWN: no traffic would reach a pod that is not ready,
     * and without traffic the connection would never be asked for.
     */
    IDLE,
    /** No usable connection; attempts are running or scheduled. */
    CONNECTING,
    /** A connection is open and its {@code Connected} listeners have run. */
    CONNECTED,
    /** {@link PersistentConnection#close()} was called; no attempt will be made again. */
    CLOSED
}
