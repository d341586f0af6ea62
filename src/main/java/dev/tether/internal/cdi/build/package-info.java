/**
 * The CDI layer's build time: the build compatible extension that collects the connection names
 * used at injection points and configured with keys of their own, and registers one synthetic bean
 * per name and type ({@code Connection}, {@code PersistentConnection}, {@code Channels}, {@code
 * Publisher}). It runs during the build on Quarkus and at deployment elsewhere, so it holds no
 * run-time state.
 *
 * <p>May use: the public API, {@code internal.cdi} (the creators it names), {@code internal.config}
 * and the CDI build compatible extension API. Private API, no compatibility promise.
 */
package dev.tether.internal.cdi.build;
