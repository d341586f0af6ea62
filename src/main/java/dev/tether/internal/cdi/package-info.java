/**
 * The CDI layer's run time: the application-scoped {@code ConnectionRegistry} of holders (started
 * on {@code Startup}, closed after the application's beans), the injected connection proxy, the
 * bridge from listener events to CDI events, and the creators of the synthetic beans that {@code
 * internal.cdi.build} registers.
 *
 * <p>May use: the public API, {@code internal.values}, {@code internal.access}, {@code
 * internal.config}, {@code internal.holder} (its {@code HolderFactory}), {@code internal.metrics},
 * and the CDI and MicroProfile Config APIs. Never a plug-in such as {@code internal.health}: plug-ins
 * use it. Private API, no compatibility promise.
 */
package dev.tether.internal.cdi;
