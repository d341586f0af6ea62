/**
 * Managed consumers: {@link dev.tether.Consumers} per connection, one {@link
 * dev.tether.internal.consume.ManagedSubscription} per queue with its own channel and consumer, re-established after
 * every loss with its own classified backoff; deliveries handed to Tether's handler threads with
 * bounded concurrency, settled on the channel that delivered them; an error policy with a redelivery
 * limit; the drain at close. Learns of new connections as the holder's last {@code Connected}
 * listener, and reaches the holder only through {@link dev.tether.internal.access.ConnectionAccess}.
 *
 * <p>May use: the public API, {@code internal.values}, {@code internal.threads} (its one-at-a-time
 * scheduler, {@code tether-<name>-consumers}), {@code internal.access}, {@code internal.metrics},
 * and {@code internal.connect} for {@code FailureClassifier} only. Never the holder's internals or
 * CDI. Private API, no compatibility promise.
 */
package dev.tether.internal.consume;
