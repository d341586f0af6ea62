/**
 * Metrics: what the holder, its channel pools and its publisher report ({@link
 * dev.tether.internal.metrics.Recorder}), their OpenTelemetry instruments, and how the meter is
 * found ({@code OpenTelemetryLookup}: an OpenTelemetry bean, a Meter bean, or a global the
 * application set). Only the classes named {@code OpenTelemetry*} touch the OpenTelemetry API;
 * they are loaded only when {@link dev.tether.internal.metrics.MetricsSupport#apiPresent()} says it
 * is on the class path.
 *
 * <p>May use: the public API, {@code internal.values}, the OpenTelemetry API. Never CDI (the CDI
 * layer hands the lookup a function that asks its container). Private API, no compatibility promise.
 */
package dev.tether.internal.metrics;
