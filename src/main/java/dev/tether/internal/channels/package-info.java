/**
 * Tether's pooled channels: a bounded, fair pool per connection whose channels belong to one
 * connection, and the {@link dev.tether.Channels} that lends them. Private API, no compatibility promise.
 */
package dev.tether.internal.channels;
