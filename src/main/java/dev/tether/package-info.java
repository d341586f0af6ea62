/**
 * Tether's public API: what applications touch.
 *
 * <p>{@link dev.tether.PersistentConnection} is the holder of one long-lived, self-healing RabbitMQ
 * connection; {@link dev.tether.ConnectionSettings} and {@link dev.tether.Backoff} configure it;
 * {@link dev.tether.ConnectionEvent} and its records describe each step of the connection's life and
 * reach {@link dev.tether.ConnectionListener}s; {@link dev.tether.ConnectionStatus} is a snapshot for
 * health checks. Everything in {@code dev.tether.internal} is private API with no compatibility
 * promise.
 */
package dev.tether;
