/**
 * Tether's implementation: private API, no compatibility promise. Use {@link dev.tether} instead.
 *
 * <p>One room per capability; each room's {@code package-info} says what it owns and what it may
 * use, and {@code ArchitectureTest} fails the build when a room imports one it must not:
 *
 * <pre>
 * values    parsing and validating setting values                 (a leaf: nothing of Tether)
 * connect   one connection attempt: addresses, credentials, TLS,  dev.tether, values
 *           opening, classifying failures
 * metrics   what is recorded, and the OpenTelemetry instruments   dev.tether, values
 * access    the port the pools, publisher and proxy see of a      dev.tether, values
 *           holder
 * channels  the pools of channels                                 dev.tether, values, access, metrics
 * publish   confirmed publishing                                  ... and channels
 * consume   managed consumers: subscriptions re-established after dev.tether, values, access, metrics,
 *           every loss, handler threads, error policy, drain      connect (FailureClassifier only)
 * holder    the state machine: one holder per name, its           dev.tether, values, access, connect,
 *           reconnects, waiters, events; the builder's factory    channels, publish, consume, metrics
 * config    reading MicroProfile Config                           dev.tether, values, connect
 * cdi       the CDI run time: registry, proxy, events, creators   dev.tether, values, access, config,
 *                                                                 holder, metrics
 * cdi.build the build compatible extension (build time)           dev.tether, cdi, config
 * health    the readiness check, a plug-in with its own extension dev.tether, values, cdi, config
 * </pre>
 *
 * <p>The public API uses only {@code values} (its records validate through it) and
 * {@code holder.HolderFactory} (what {@code PersistentConnection.builder} builds with). Nothing
 * below {@code cdi} touches CDI.
 */
package dev.tether.internal;
