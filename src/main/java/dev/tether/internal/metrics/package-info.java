/**
 * Tether's metrics: what the holder, its channel pools and its publisher report ({@link
 * dev.tether.internal.metrics.Recorder}), and their OpenTelemetry instruments. Only the classes
 * named {@code OpenTelemetry*} touch the OpenTelemetry API; they are loaded only when
 * {@link dev.tether.internal.metrics.MetricsSupport#apiPresent()} says it is on the class path.
 * Private API, no compatibility promise.
 */
package dev.tether.internal.metrics;
