package dev.tether.e2e.it;

import java.nio.file.Path;
import java.util.Map;

/**
 * The test application built as a Quarkus 3.37.4 application (runtimes/quarkus-app), in JVM mode:
 * {@code java -Dquarkus.http.port=<free> -jar target/quarkus-app/quarkus-run.jar}. Its
 * configuration comes only at run time, from the environment; readiness is at {@code /health/ready}
 * ({@code quarkus.smallrye-health.root-path=/health}).
 */
final class QuarkusJvm {

    static final String RUN_JAR_PROPERTY = "tether.e2e.quarkus-run-jar";

    private QuarkusJvm() {
    }

    /**
     * @param work a fresh folder for its log
     * @param environment added to its environment (the application's configuration)
     * @return the running application
     */
    static AppServer start(Path work, Map<String, String> environment) {
        return JarApplication.start("Quarkus", Java.executable(), Path.of(System.getProperty(RUN_JAR_PROPERTY)),
                "quarkus.http.port", "Listening on: ", work, environment);
    }
}
