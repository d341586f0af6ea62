package dev.tether.internal.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.EmbeddedBroker;
import dev.tether.testing.QpidBroker;
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Tether's metrics on OpenTelemetry 1.29.0, the API and SDK of 2023 that Payara Micro 6 ships,
 * which lacks {@code DoubleHistogramBuilder.setExplicitBucketBoundariesAdvice} (1.32): the test's
 * class path minus its OpenTelemetry jars, plus the 1.29.0 jars that pom.xml copies to
 * {@code target/opentelemetry-1.29.0}, in a class loader of its own.
 */
@ExtendWith(EmbeddedBroker.class)
class OlderOpenTelemetryApiTest {

    private static final String JARS = "tether.test.opentelemetry-1.29";
    private static final List<String> JAR_FILES = List.of("opentelemetry-api-1.29.0.jar",
            "opentelemetry-context-1.29.0.jar", "opentelemetry-sdk-common-1.29.0.jar",
            "opentelemetry-semconv-1.29.0-alpha.jar", "opentelemetry-sdk-metrics-1.29.0.jar",
            "opentelemetry-extension-incubator-1.29.0-alpha.jar", "opentelemetry-sdk-testing-1.29.0.jar");

    @Test
    void aHolderWithAMeterConnectsReconnectsAndRecordsItsMetricsWithoutBucketAdvice(QpidBroker broker)
            throws Exception {
        try (URLClassLoader loader = withOpenTelemetry129()) {
            Class<?> builder = loader.loadClass("io.opentelemetry.api.metrics.DoubleHistogramBuilder");
            assertTrue(builder.getProtectionDomain().getCodeSource().getLocation().getPath()
                    .endsWith("opentelemetry-api-1.29.0.jar"), "the loader's API is 1.29.0");
            assertFalse(Arrays.stream(builder.getMethods())
                    .anyMatch(m -> m.getName().equals("setExplicitBucketBoundariesAdvice")), "1.29.0 has no advice");

            @SuppressWarnings("unchecked")
            Callable<Map<String, Object>> scenario = (Callable<Map<String, Object>>) loader
                    .loadClass(OlderOpenTelemetryScenario.class.getName())
                    .getConstructor(Integer.class).newInstance(broker.port());
            Map<String, Object> seen = withContextClassLoader(loader, scenario);

            assertEquals(2L, seen.get("connects"), "the first connection and the reconnect: " + seen);
            assertEquals(1L, seen.get("losses"), String.valueOf(seen));
            assertEquals(1L, seen.get("outages"), "one outage recorded: " + seen);
            assertNotEquals(List.of(0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0),
                    seen.get("outageBoundaries"), "the SDK's default buckets, not the advice");
        }
    }

    /**
     * As an application server does: OpenTelemetry's context finds its storage through the context
     * class loader (a ServiceLoader), which must see 1.29.0, not the test's own OpenTelemetry. The
     * holder's threads, started inside, inherit it. JDK 17 finds {@code RandomGenerator.getDefault()}'s
     * algorithm (module jdk.random, in the application class loader) through the context class
     * loader too, once per JVM: that happens first, under the test's own.
     */
    private static <T> T withContextClassLoader(ClassLoader loader, Callable<T> work) throws Exception {
        RandomGenerator.getDefault();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return work.call();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** The test's class path without its OpenTelemetry, plus the 1.29.0 jars; the platform as parent. */
    private static URLClassLoader withOpenTelemetry129() throws Exception {
        String dir = System.getProperty(JARS);
        assertTrue(dir != null, "system property " + JARS + " is not set: run through Maven (pom.xml sets it"
                + " for surefire) or set it to a folder holding " + JAR_FILES);
        List<URL> urls = new ArrayList<>();
        for (String file : JAR_FILES) {
            Path jar = Path.of(dir, file);
            assertTrue(Files.isRegularFile(jar), jar + " is missing: maven-dependency-plugin's copy-opentelemetry-1.29"
                    + " execution (generate-test-resources) puts it there; run ./mvnw test once without -o");
            urls.add(jar.toUri().toURL());
        }
        for (String entry : NoOpenTelemetryTest.classPathWithoutOpenTelemetry()) {
            urls.add(new File(entry).toURI().toURL());
        }
        return new URLClassLoader("opentelemetry-1.29", urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
    }
}
