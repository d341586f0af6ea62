package dev.tether.internal.health;

import jakarta.enterprise.inject.build.compatible.spi.BuildCompatibleExtension;
import jakarta.enterprise.inject.build.compatible.spi.Synthesis;
import jakarta.enterprise.inject.build.compatible.spi.SyntheticComponents;

/**
 * Health as a plug-in: registers Tether's readiness check as a synthetic {@code @Readiness} bean,
 * at build time, when MicroProfile Health is on the class path and {@code tether.health.enabled}
 * is not {@code false}. The core CDI layer knows nothing of it. This class's own signatures name
 * no MicroProfile Health type, so it loads on a runtime without Health.
 */
public class HealthExtension implements BuildCompatibleExtension {

    /** @param components where the readiness check is registered */
    @Synthesis
    public void register(SyntheticComponents components) {
        if (HealthSupport.enabled()) { // only then is a MicroProfile Health type loaded
            ReadinessRegistration.register(components);
        }
    }
}
