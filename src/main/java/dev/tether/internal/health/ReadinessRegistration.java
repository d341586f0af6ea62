package dev.tether.internal.health;

import dev.tether.internal.cdi.RegistryLookup;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.build.compatible.spi.Parameters;
import jakarta.enterprise.inject.build.compatible.spi.SyntheticBeanCreator;
import jakarta.enterprise.inject.build.compatible.spi.SyntheticComponents;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.Readiness;

/**
 * Registers the readiness check as a synthetic {@code @Readiness HealthCheck} bean. Synthetic, not
 * a discovered class: Quarkus treats {@code @Readiness} as bean-defining (so a discovered check
 * would ignore {@code tether.health.enabled=false}), and Payara's Weld cannot resolve the
 * registry's injection point from a class added to the application at discovery. Loaded only when
 * MicroProfile Health is present.
 */
public final class ReadinessRegistration {

    private ReadinessRegistration() {
    }

    /** @param components where the bean is registered */
    public static void register(SyntheticComponents components) {
        components.addBean(ReadinessCheck.class).type(HealthCheck.class).type(ReadinessCheck.class)
                .qualifier(Readiness.Literal.INSTANCE).scope(Dependent.class).createWith(Creator.class);
    }

    /** Creates the check over the application's registry. */
    public static final class Creator implements SyntheticBeanCreator<ReadinessCheck> {
        @Override
        public ReadinessCheck create(Instance<Object> lookup, Parameters params) {
            return new ReadinessCheck(RegistryLookup.from(lookup));
        }
    }
}
