package dev.tether.internal.health;

import dev.tether.ConfigKeys;
import java.lang.System.Logger.Level;
import org.eclipse.microprofile.config.ConfigProvider;

/** Decides whether to register the readiness check; touches no MicroProfile Health type itself. */
final class HealthSupport {

    private static final String HEALTH_API = "org.eclipse.microprofile.health.HealthCheck";
    private static final System.Logger LOG = System.getLogger("dev.tether");

    private HealthSupport() {
    }

    /** @return whether MicroProfile Health is present and {@code tether.health.enabled} is not false */
    static boolean enabled() {
        ClassLoader loader = HealthSupport.class.getClassLoader();
        try {
            Class.forName(HEALTH_API, false, loader);
        } catch (ClassNotFoundException | LinkageError absent) {
            return false;
        }
        try {
            // strict parsing and its error message happen at deployment, in ConfigReader.globalSwitches()
            boolean enabled = !ConfigProvider.getConfig()
                    .getOptionalValue(ConfigKeys.PREFIX + ConfigKeys.HEALTH_ENABLED, String.class)
                    .map(value -> value.trim().equalsIgnoreCase("false")).orElse(false);
            if (!enabled) {
                LOG.log(Level.INFO, "Tether readiness check disabled by tether.health.enabled=false");
            }
            return enabled;
        } catch (RuntimeException | LinkageError noConfig) {
            return true;
        }
    }
}
