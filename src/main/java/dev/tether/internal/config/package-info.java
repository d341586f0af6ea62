/**
 * Reading Tether's MicroProfile Config keys into {@link dev.tether.ConnectionSettings}, with every
 * problem named after the key that supplied it; credentials read anew on every attempt
 * ({@code ConfigCredentials}).
 *
 * <p>May use: the public API, {@code internal.values}, {@code internal.connect} (to validate TLS
 * stores at deployment) and the MicroProfile Config API. Never CDI. Private API, no compatibility
 * promise.
 */
package dev.tether.internal.config;
