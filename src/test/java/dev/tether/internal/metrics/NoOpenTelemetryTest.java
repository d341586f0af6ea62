package dev.tether.internal.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.EmbeddedBroker;
import dev.tether.testing.QpidBroker;
import java.io.File;
import java.io.StringWriter;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

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
                    "dev.tether.internal.cdi.build.TetherExtension", "dev.tether.internal.health.HealthExtension")) {
                Class<?> type = Class.forName(name, true, loader);
                assertTrue(type.getDeclaredMethods().length > 0);
                type.getDeclaredConstructors();
                type.getDeclaredFields();
            }
        }
        assertTrue(MetricsSupport.apiPresent(), "the test's own class path has the API");
    }

    @Test
    void applicationCodeThatDoesNotAskForAMeterCompilesWithoutTheApi(@TempDir Path dir) throws Exception {
        Path source = dir.resolve("App.java");
        Files.writeString(source, """
                import dev.tether.ConnectionSettings;
                import dev.tether.PersistentConnection;
                class App {
                    void run() throws Exception {
                        PersistentConnection holder = PersistentConnection.builder(ConnectionSettings.builder().build())
                                .listener(event -> { }).build();
                        holder.channels().run(channel -> channel.queueDeclare("q", false, false, true, null));
                        holder.publisher().publish("", "q", null, new byte[0]);
                        holder.close();
                    }
                }
                """);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter errors = new StringWriter();
        try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, null)) {
            boolean compiled = javac.getTask(errors, files, null,
                    List.of("-d", dir.toString(), "-classpath", String.join(File.pathSeparator, classPathWithoutOpenTelemetry())),
                    null, files.getJavaFileObjects(source)).call();
            assertTrue(compiled, errors.toString());
        }
    }

    static List<String> classPathWithoutOpenTelemetry() {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.contains("opentelemetry")) {
                entries.add(entry);
            }
        }
        return entries;
    }

    /** The test's class path without OpenTelemetry, with no parent but the platform's classes. */
    private static URLClassLoader withoutOpenTelemetry() throws MalformedURLException {
        List<URL> urls = new ArrayList<>();
        for (String entry : classPathWithoutOpenTelemetry()) {
            urls.add(new File(entry).toURI().toURL());
        }
        return new URLClassLoader("no-opentelemetry", urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
    }
}
