package dev.tether.internal.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.EmbeddedBroker;
import dev.tether.testing.QpidBroker;
import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Tether without OpenTelemetry on the class path (its API is an optional, provided dependency):
 * the test's class path minus every OpenTelemetry jar, in a class loader of its own.
 */
@ExtendWith(EmbeddedBroker.class)
class NoOpenTelemetryTest {

    @Test
    void theLibraryConnectsLendsChannelsAndPublishesWithoutTheApi(QpidBroker broker) throws Exception {
        try (URLClassLoader loader = withoutOpenTelemetry()) {
            assertThrows(ClassNotFoundException.class, () -> Class.forName("io.opentelemetry.api.metrics.Meter", false, loader));
            Callable<?> scenario = (Callable<?>) loader.loadClass(PlainJavaScenario.class.getName())
                    .getConstructor(String.class).newInstance(broker.uri());
            assertEquals("CONNECTED 1", scenario.call());
        }
    }

    @Test
    void theGuardSaysAbsentAndTheCdiClassesIntrospectWithoutTheApi() throws Exception {
        try (URLClassLoader loader = withoutOpenTelemetry()) {
            assertFalse((Boolean) loader.loadClass(MetricsSupport.class.getName()).getMethod("apiPresent").invoke(null));
            // what a CDI container does with the library's bean and extension classes
            for (String name : List.of("dev.tether.internal.cdi.ConnectionRegistry",
                    "dev.tether.internal.cdi.TetherExtension")) {
                Class<?> type = Class.forName(name, true, loader);
                assertTrue(type.getDeclaredMethods().length > 0);
                type.getDeclaredConstructors();
                type.getDeclaredFields();
            }
        }
        assertTrue(MetricsSupport.apiPresent(), "the test's own class path has the API");
    }

    /** The test's class path without OpenTelemetry, with no parent but the platform's classes. */
    private static URLClassLoader withoutOpenTelemetry() throws MalformedURLException {
        List<URL> urls = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.contains("opentelemetry")) {
                urls.add(new File(entry).toURI().toURL());
            }
        }
        return new URLClassLoader("no-opentelemetry", urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
    }
}
