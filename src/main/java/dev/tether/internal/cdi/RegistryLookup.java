package dev.tether.internal.cdi;

import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.spi.CDI;

/**
 * Finds the application's {@link ConnectionRegistry} for the creator of a synthetic bean (the
 * {@code @Persistent} connections, holders, channel pools and publishers, the readiness check).
 *
 * <p>The creator is handed a lookup that normally sees the registry. On Payara it does not: its
 * Weld integration puts a synthetic bean into the bean archive that lists the bean's class, and
 * an {@code annotated} archive lists only classes with a bean-defining annotation, so each of
 * Tether's synthetic beans gets an archive of its own that sees no other bean. There the registry
 * is found through {@link CDI#current()}, which resolves from the calling class's module (this
 * jar, in the application).
 */
public final class RegistryLookup {

    private RegistryLookup() {
    }

    /**
     * @param lookup the lookup the container handed to a synthetic bean's creator
     * @return the application's registry
     * @throws jakarta.enterprise.inject.UnsatisfiedResolutionException when neither finds it
     */
    public static ConnectionRegistry from(Instance<Object> lookup) {
        Instance<ConnectionRegistry> registry = lookup.select(ConnectionRegistry.class);
        if (registry.isResolvable()) {
            return registry.get();
        }
        return CDI.current().select(ConnectionRegistry.class).get();
    }
}
