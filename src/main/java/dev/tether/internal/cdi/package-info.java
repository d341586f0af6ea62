/**
 * Tether's CDI layer: a build compatible extension that registers one synthetic bean per
 * connection name found at injection points, the application-scoped registry of holders, the
 * connection proxy and the bridge to CDI events. Private API, no compatibility promise.
 */
package dev.tether.internal.cdi;
