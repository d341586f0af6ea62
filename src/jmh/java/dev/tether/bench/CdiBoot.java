package dev.tether.bench;

import com.rabbitmq.client.Connection;
import dev.tether.Persistent;
import dev.tether.internal.cdi.ConnectionRegistry;
import dev.tether.internal.cdi.build.TetherExtension;
import dev.tether.internal.health.HealthExtension;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.inject.ConfigExtension;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.jboss.weld.junit5.WeldInitiator;

/**
 * Boots a Weld SE container (discovery off) with SmallRye Config, with or without Tether, the way
 * the CDI tests do ({@code src/test/java/dev/tether/cdi/TetherCdi.java}). Without Tether the
 * application is one bean injecting {@code Config}; with Tether it also has Tether's build
 * compatible extension, the registry bean and one bean injecting {@code @Persistent Connection},
 * so one holder is created (and starts connecting in the background) at start.
 *
 * <p>Also a main, {@code CdiBoot <with|without> <uri>}, that boots once in a fresh JVM and prints
 * {@code cdi-boot-ms=<millis>}: the cold start.
 */
public final class CdiBoot {

    /** The application without Tether. */
    @ApplicationScoped
    public static class PlainService {
        @Inject
        Config config;
    }

    /** The application's use of Tether: one injected connection. */
    @ApplicationScoped
    public static class TetherService {
        @Inject
        @Persistent
        Connection connection;
    }

    private static final String BCE_SERVICES =
            "META-INF/services/jakarta.enterprise.inject.build.compatible.spi.BuildCompatibleExtension";

    /**
     * The class loader of the container without Tether. Weld SE also finds build compatible
     * extensions through {@code ServiceLoader} on the context class loader, which would add
     * Tether's from its jar; this loader hides Tether's service file, as if the jar were absent.
     */
    private static final ClassLoader WITHOUT_TETHER = new ClassLoader(CdiBoot.class.getClassLoader()) {
        private final String tetherLocation =
                TetherExtension.class.getProtectionDomain().getCodeSource().getLocation().toString();

        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
            Enumeration<URL> all = super.getResources(name);
            if (!name.equals(BCE_SERVICES)) {
                return all;
            }
            List<URL> kept = new ArrayList<>();
            for (URL url : Collections.list(all)) {
                if (!url.toString().contains(tetherLocation)) {
                    kept.add(url);
                }
            }
            return Collections.enumeration(kept);
        }
    };

    /** Boot and shutdown times of one container, in milliseconds. */
    record Times(double bootMillis, double shutdownMillis) {
    }

    private CdiBoot() {
    }

    public static void main(String[] args) {
        Times times = boot(args[0].equals("with"), args[1]);
        System.out.println("cdi-boot-ms=" + times.bootMillis());
    }

    @SuppressWarnings("unchecked") // Weld's addBuildCompatibleExtensions(Class<? extends ...>...)
    static Times boot(boolean tether, String uri) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(Map.of("tether.uri", uri), "bench", 500))
                .build();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        ClassLoader loader = tether ? CdiBoot.class.getClassLoader() : WITHOUT_TETHER;
        thread.setContextClassLoader(loader);
        ConfigProviderResolver resolver = ConfigProviderResolver.instance();
        try {
            resolver.releaseConfig(resolver.getConfig(loader));
        } catch (RuntimeException none) {
            // no config registered yet
        }
        resolver.registerConfig(config, loader);
        try {
            Weld weld = WeldInitiator.createWeld()
                    .addExtension(new ConfigExtension())
                    .addBeanClasses(PlainService.class);
            if (tether) {
                weld.addBuildCompatibleExtensions(TetherExtension.class, HealthExtension.class)
                        .addBeanClasses(ConnectionRegistry.class, TetherService.class);
            }
            long start = System.nanoTime();
            WeldContainer container = weld.initialize();
            long booted = System.nanoTime();
            container.shutdown();
            long stopped = System.nanoTime();
            return new Times((booted - start) / 1e6, (stopped - booted) / 1e6);
        } finally {
            resolver.releaseConfig(config);
            thread.setContextClassLoader(previous);
        }
    }
}
