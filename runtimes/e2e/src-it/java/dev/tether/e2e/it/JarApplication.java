package dev.tether.e2e.it;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An application that is its own server, started with {@code java [options] -jar <jar>} on a free
 * HTTP port (Quarkus's {@code quarkus-run.jar}, Helidon's application jar). Its REST API and
 * readiness ({@code /health/ready}) are on that port. It exits when its start fails, which the
 * start notices.
 */
final class JarApplication {

    private JarApplication() {
    }

    /**
     * Starts the jar and waits until the application answers.
     *
     * @param name the runtime's name, for logs and failures
     * @param java the {@code java} launcher to run it with
     * @param jar the application jar
     * @param portProperty the system property that sets its HTTP port
     * @param bootFinished a line its log prints once the server is up
     * @param work a fresh folder for its log
     * @param environment added to its environment (the application's configuration)
     * @return the running application
     */
    static AppServer start(String name, String java, Path jar, String portProperty, String bootFinished,
            Path work, Map<String, String> environment) {
        int port = Ports.free();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-D" + portProperty + "=" + port, "-jar", jar.toString()));
        ServerProcess process = ServerProcess.start(name, command, work, environment, work.resolve("server.log"));
        PortServer server = new PortServer(port, process);
        try {
            Startup.awaitApplication(server, process, () -> null, () -> process.output().contains(bootFinished));
        } catch (RuntimeException | Error e) {
            server.close();
            throw e;
        }
        return server;
    }
}
