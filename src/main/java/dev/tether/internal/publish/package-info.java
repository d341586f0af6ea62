/**
 * Confirmed publishing: confirm channels from a {@link dev.tether.internal.channels.ChannelPool},
 * one {@link dev.tether.internal.publish.ConfirmTracker} per channel that settles outstanding
 * publishes by sequence number, and the {@link dev.tether.Publisher}.
 *
 * <p>May use: the public API, {@code internal.values}, {@code internal.threads} (its {@code
 * BackgroundThread}), {@code internal.access}, {@code internal.channels}, {@code
 * internal.metrics}. Never the holder's internals or CDI. Private API, no compatibility promise.
 */
package dev.tether.internal.publish;
