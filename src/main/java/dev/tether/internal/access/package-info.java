/**
 * The port between the holder and what lends its connection out: {@link
 * dev.tether.internal.access.ConnectionAccess}, the one interface the channel pools
 * ({@code internal.channels}), the publisher ({@code internal.publish}) and the injected proxy
 * ({@code internal.cdi}) see of a holder, and the one place of the "wait up to {@code await-timeout},
 * else fail naming the last failure" rule.
 *
 * <p>Owns: that interface. May use: the public API ({@code dev.tether}) and {@code internal.values}.
 * Private API, no compatibility promise.
 */
package dev.tether.internal.access;
