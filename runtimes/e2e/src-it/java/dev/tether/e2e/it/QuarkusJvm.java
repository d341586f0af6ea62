package dev.tether.e2e.it;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The test application built as a Quarkus 3.37.4 application (runtimes/quarkus-app), in JVM mode:
 * {@code java -Dquarkus.http.port=<free> -jar target/quarkus-app/quarkus-run.jar}. Its configuration
 * comes only at run time, from the environment; readiness is at {@code /health/ready}
 * ({@code quarkus.smallrye-health.root-path=/health}). Quarkus exits when the start fails.
 */
final class QuarkusJvm implements AppServer {

    static final String RUN_JAR_PROPERTY = "tether.e2e.quarkus-run-jar";

    private final int port;
    private final ServerProcess process;

    private QuarkusJvm(int port, ServerProcess process) {
        this.port = port;
        this.process = process;
    }

    /**
     * Starts the Quarkus application and waits until it answers.
     *
     * @param work a fresh folder for its log
     * @param environment added to its environment (the application's configuration)
     * @return the running application
     */
    static QuarkusJvm start(Path work, Map<String, String> environment) {
        Path jar = Path.of(System.getProperty(RUN_JAR_PROPERTY));
        int port = Ports.free();
        List<String> command = List.of(Java.executable(), "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-Dquarkus.http.port=" + port, "-Dquarkus.http.host=127.0.0.1", "-jar", jar.toString());
        ServerProcess process = ServerProcess.start("Quarkus", command, work, environment, work.resolve("server.log"));
        QuarkusJvm server = new QuarkusJvm(port, process);
        try {
            Startup.awaitApplication(server, process, () -> null,
                    () -> process.output().contains("Listening on: "));
        } catch (RuntimeException | Error e) {
            server.close();
            throw e;
        }
        return server;
    }

    @Override
    public String appUrl() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public String readinessUrl() {
        return "http://127.0.0.1:" + port + "/health/ready";
    }

    @Override
    public ServerProcess process() {
        return process;
    }
}
