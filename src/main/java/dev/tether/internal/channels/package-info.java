/**
 * Pooled channels: a bounded, fair pool per connection whose channels belong to one connection,
 * and the {@link dev.tether.Channels} that lends them. Reaches the holder's connection only
 * through {@link dev.tether.internal.access.ConnectionAccess}; its size and timeouts come in
 * through the constructor, fixed for its life.
 *
 * <p>May use: the public API, {@code internal.values}, {@code internal.threads} (its {@code
 * BackgroundThread}), {@code internal.access}, {@code internal.metrics}. Never the holder's
 * internals ({@code internal.holder}) or CDI. Private API, no compatibility promise.
 */
package dev.tether.internal.channels;
