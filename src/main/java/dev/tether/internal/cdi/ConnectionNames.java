package dev.tether.internal.cdi;

import java.util.Set;

/**
 * The connection names found at {@code @Persistent} injection points while the container was
 * built (a synthetic bean made by {@code internal.cdi.build.TetherExtension}).
 *
 * @param names the names
 */
public record ConnectionNames(Set<String> names) {

    /** Copies the names. */
    public ConnectionNames {
        names = Set.copyOf(names);
    }
}
