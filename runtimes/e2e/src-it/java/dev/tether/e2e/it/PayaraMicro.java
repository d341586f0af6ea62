package dev.tether.e2e.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Payara Micro, started as its documentation says: {@code java -jar payara-micro.jar --deploy
 * app.war --contextroot / --port <free> --nocluster --rootdir <dir>}, with its own fresh root
 * directory for every start. Readiness is at {@code /health/ready} on the HTTP port. A failed
 * deployment leaves Payara Micro running, so the start waits for the application itself.
 */
final class PayaraMicro {

    static final String JAR_PROPERTY = "tether.e2e.payara-micro";

    private PayaraMicro() {
    }

    /**
     * Starts Payara Micro with the application and waits until the application answers.
     *
     * @param war the application
     * @param work a fresh folder for this server's files
     * @param environment added to the server's environment (the application's configuration)
     * @return the running server
     */
    static AppServer start(Path war, Path work, Map<String, String> environment) {
        Path jar = Path.of(System.getProperty(JAR_PROPERTY));
        int port = Ports.free();
        Path root = work.resolve("rootdir");
        List<String> command = List.of(Java.executable(), "-Xmx512m", "-XX:TieredStopAtLevel=1",
                "-jar", jar.toString(),
                "--deploy", war.toString(), "--contextroot", "/",
                "--port", Integer.toString(port), "--nocluster", "--disablephonehome",
                "--rootdir", root.toString());
        ServerProcess process = ServerProcess.start("Payara Micro", command, work, environment,
                work.resolve("server.log"));
        PortServer server = new PortServer(port, process);
        try {
            Startup.awaitApplication(server, process,
                    () -> deploymentFailure(process.output()),
                    () -> process.output().contains("Payara Micro URLs:") || process.output().contains(" ready in "));
        } catch (RuntimeException | Error e) {
            server.close();
            throw e;
        }
        return server;
    }

    private static String deploymentFailure(String log) {
        for (String marker : List.of("Exception while loading the app", "WELD-001408", "Deployment failed")) {
            int at = log.indexOf(marker);
            if (at >= 0) {
                return log.substring(at, Math.min(log.length(), at + 1200));
            }
        }
        return null;
    }

    static boolean prepared() {
        String jar = System.getProperty(JAR_PROPERTY);
        return jar != null && Files.isRegularFile(Path.of(jar));
    }
}
