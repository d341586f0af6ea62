package dev.tether.internal.cdi;

import jakarta.enterprise.inject.Stereotype;
import jakarta.inject.Singleton;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * {@code @Singleton} as a bean-defining annotation: the library's {@code beans.xml} has
 * {@code bean-discovery-mode="annotated"}, where a bare {@code @Singleton} class is not discovered
 * on the Weld runtimes (a stereotype is bean defining; ArC discovers either).
 */
@Stereotype
@Singleton
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface DiscoveredSingleton {
}
