/**
 * MicroProfile Health, as a plug-in: its own build compatible extension registers the readiness
 * check when the Health API is present and {@code tether.health.enabled} allows it; the check reads
 * the holders' cached status through the registry and does no I/O.
 *
 * <p>May use: the public API, {@code internal.values}, {@code internal.cdi} (the registry), {@code
 * internal.config}, and the CDI and MicroProfile Health APIs. Nothing else in Tether imports it.
 * Private API, no compatibility promise.
 */
package dev.tether.internal.health;
