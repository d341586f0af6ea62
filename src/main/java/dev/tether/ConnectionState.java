package dev.tether;

/**
 * The state of a {@link PersistentConnection}.
 *
 * <pre>
 *   CONNECTING ──connected──▶ CONNECTED ──connection lost──▶ CONNECTING
 *        └──────────── close() ───────────┴──────────▶ CLOSED (final)
 * </pre>
 */
public enum ConnectionState {
    /** No usable connection; attempts are running or scheduled. */
    CONNECTING,
    /** A connection is open and its {@code Connected} listeners have run. */
    CONNECTED,
    /** {@link PersistentConnection#close()} was called; no attempt will be made again. */
    CLOSED
}
