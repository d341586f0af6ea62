/**
 * The holder: one {@link dev.tether.PersistentConnection} per name and its state machine. The
 * reconnect loop ({@code Reconnector}) runs on one thread at a time (an {@code internal.threads}
 * scheduler, guarded by {@code GuardedScheduler}); the published state and waiters ({@code HolderState},
 * {@code Waiters}); the watched connection ({@code HeldConnection}); the backoff ({@code
 * ReconnectPolicy}); listeners ({@code EventDispatcher}); the outage log. {@link
 * dev.tether.internal.holder.HolderFactory} is the one door the public builder and the CDI
 * registry use to make a holder.
 *
 * <p>May use: the public API, {@code internal.values}, {@code internal.threads}, {@code internal.connect} (one attempt),
 * {@code internal.access} (the port it implements), {@code internal.channels} and {@code
 * internal.publish} (which it owns one of each), {@code internal.metrics}. Never CDI or
 * configuration. Private API, no compatibility promise.
 */
package dev.tether.internal.holder;
