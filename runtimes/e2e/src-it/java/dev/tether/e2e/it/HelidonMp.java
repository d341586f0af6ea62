package dev.tether.e2e.it;

import java.nio.file.Path;
import java.util.Map;

/**
 * The test application on Helidon MP 4.2.0 (runtimes/helidon-app: the application's sources in a
 * jar whose manifest starts {@code io.helidon.microprofile.cdi.Main}, its dependencies in
 * {@code libs/}), run on Java 21 or later (Helidon 4's minimum; the build passes Temurin 25):
 * {@code java -Dserver.port=<free> -jar tether-e2e-helidon-app.jar}. Readiness is at
 * {@code /health/ready}; its configuration comes from the environment, at run time.
 */
final class HelidonMp {

    static final String JAR_PROPERTY = "tether.e2e.helidon-jar";
    static final String JAVA_HOME_PROPERTY = "tether.e2e.helidon-java-home";

    private HelidonMp() {
    }

    /**
     * @param work a fresh folder for its log
     * @param environment added to its environment (the application's configuration)
     * @return the running application
     */
    static AppServer start(Path work, Map<String, String> environment) {
        String java = Path.of(System.getProperty(JAVA_HOME_PROPERTY), "bin", "java").toString();
        return JarApplication.start("Helidon MP", java, Path.of(System.getProperty(JAR_PROPERTY)), "server.port",
                "Server started on", work, environment);
    }
}
