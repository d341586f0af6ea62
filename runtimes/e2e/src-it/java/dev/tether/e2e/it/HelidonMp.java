package dev.tether.e2e.it;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The test application on Helidon MP 4.2.0 (runtimes/helidon-app: the application's sources in a
 * jar whose manifest starts {@code io.helidon.microprofile.cdi.Main}, its dependencies in
 * {@code libs/}), run on Java 21 or later (Helidon 4's minimum; the tests pass Temurin 25):
 * {@code java -Dserver.port=<free> -jar tether-e2e-helidon-app.jar}. Readiness is at
 * {@code /health/ready}; its configuration comes from the environment, at run time.
 */
final class HelidonMp implements AppServer {

    static final String JAR_PROPERTY = "tether.e2e.helidon-jar";
    static final String JAVA_HOME_PROPERTY = "tether.e2e.helidon-java-home";

    private final int port;
    private final ServerProcess process;

    private HelidonMp(int port, ServerProcess process) {
        this.port = port;
        this.process = process;
    }

    /**
     * Starts the Helidon application and waits until it answers.
     *
     * @param work a fresh folder for its log
     * @param environment added to its environment (the application's configuration)
     * @return the running application
     */
    static HelidonMp start(Path work, Map<String, String> environment) {
        Path jar = Path.of(System.getProperty(JAR_PROPERTY));
        String java = Path.of(System.getProperty(JAVA_HOME_PROPERTY), "bin", "java").toString();
        int port = Ports.free();
        List<String> command = List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-Dserver.port=" + port, "-Dserver.host=127.0.0.1", "-jar", jar.toString());
        ServerProcess process = ServerProcess.start("Helidon MP", command, work, environment,
                work.resolve("server.log"));
        HelidonMp server = new HelidonMp(port, process);
        try {
            Startup.awaitApplication(server, process, () -> null,
                    () -> process.output().contains("Server started on"));
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
