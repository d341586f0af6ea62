package dev.tether.cdi;

import dev.tether.internal.cdi.ConnectionRegistry;
import dev.tether.internal.cdi.TetherExtension;
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
final class TetherCdi {

    private TetherCdi() {
    }

    /** @return a Weld with Tether, MicroProfile Config and the given fixture beans; discovery off */
    static Weld weld(Class<?>... beans) {
        return WeldInitiator.createWeld()
                .addExtension(new ConfigExtension())
                .addBuildCompatibleExtensions(TetherExtension.class)
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
     * Makes {@code source} the application's MicroProfile Config until the returned scope closes.
     *
     * @param source the configuration
     * @return the scope
     */
    static ConfigScope config(ConfigSource source) {
        SmallRyeConfig config = new SmallRyeConfigBuilder().withSources(source).build();
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
    interface ConfigScope extends AutoCloseable {
        @Override
        void close();
    }
}
