package dev.tether.cdi;

import dev.tether.internal.cdi.ConnectionRegistry;
import dev.tether.internal.cdi.build.TetherExtension;
import dev.tether.internal.health.HealthExtension;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.inject.ConfigExtension;
import java.util.Map;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.junit5.WeldInitiator;

/**
 * Boots Weld the way a CDI container with MicroProfile Config does: Tether's build compatible
 * extension (through Weld's translator), the registry bean from the library's bean archive, and
 * SmallRye Config's CDI integration over a configuration the test supplies.
 */
public final class TetherCdi {

    private TetherCdi() {
    }

    /** @return a Weld with Tether, MicroProfile Config and the given fixture beans; discovery off */
    public static Weld weld(Class<?>... beans) {
        return WeldInitiator.createWeld()
                .addExtension(new ConfigExtension())
                .addBuildCompatibleExtensions(TetherExtension.class, HealthExtension.class)
                .addBeanClasses(ConnectionRegistry.class)
                .addBeanClasses(beans);
    }

    /**
     * Makes {@code properties} the application's MicroProfile Config until the returned scope closes.
     *
     * @param properties the configuration
     * @return the scope
     */
    static ConfigScope config(Map<String, String> properties) {
        return config(new PropertiesConfigSource(properties, "test", 500));
    }

    /**
     * Makes {@code sources} the application's MicroProfile Config until the returned scope closes.
     *
     * @param sources the configuration's sources (e.g. one whose values change)
     * @return the scope
     */
    public static ConfigScope config(ConfigSource... sources) {
        SmallRyeConfig config = new SmallRyeConfigBuilder().withSources(sources).build();
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        ConfigProviderResolver resolver = ConfigProviderResolver.instance();
        try {
            resolver.releaseConfig(resolver.getConfig(loader));
        } catch (RuntimeException none) {
            // no config registered yet
        }
        resolver.registerConfig(config, loader);
        return () -> resolver.releaseConfig(config);
    }

    /** A registered configuration; closing it unregisters it. */
    public interface ConfigScope extends AutoCloseable {
        @Override
        void close();
    }
}
