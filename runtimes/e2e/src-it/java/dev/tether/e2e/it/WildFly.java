package dev.tether.e2e.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * WildFly from its distribution zip, with the MicroProfile profile ({@code standalone.sh -c
 * standalone-microprofile.xml}): every start gets a fresh copy of the distribution's
 * {@code standalone} folder as its base directory ({@code jboss.server.base.dir}), the application
 * copied into its {@code deployments} folder (the deployment scanner deploys it at boot), and a
 * port offset at which every socket the profile opens is free. The application answers on the HTTP
 * port under {@code /tether-e2e-app}; readiness is on the management port, {@code /health/ready}.
 */
final class WildFly implements AppServer {

    static final String HOME_PROPERTY = "tether.e2e.wildfly-home";

    private static final String CONFIG = "standalone-microprofile.xml";
    private static final String CONTEXT_ROOT = "/tether-e2e-app";
    private static final int HTTP = 8080;
    private static final int MANAGEMENT = 9990;
    /** Every port standalone-microprofile.xml listens on: ajp, http, https, management http(s), transactions. */
    private static final List<Integer> PORTS = List.of(8009, HTTP, 8443, MANAGEMENT, 9993, 4712, 4713);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final int offset;
    private final Path deployments;
    private final String deployment;
    private final ServerProcess process;

    private WildFly(int offset, Path deployments, String deployment, ServerProcess process) {
        this.offset = offset;
        this.deployments = deployments;
        this.deployment = deployment;
        this.process = process;
    }

    /**
     * Starts WildFly with the application deployed and waits until the application answers.
     *
     * @param war the application
     * @param work a fresh folder for this server's files
     * @param environment added to the server's environment (the application's configuration)
     * @return the running server
     */
    static WildFly start(Path war, Path work, Map<String, String> environment) {
        Path home = Path.of(System.getProperty(HOME_PROPERTY));
        Path base = work.resolve("standalone");
        copyTree(home.resolve("standalone"), base);
        String deployment = "tether-e2e-app.war";
        try {
            Files.copy(war, base.resolve("deployments").resolve(deployment), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int offset = freeOffset();
        List<String> command = List.of(home.resolve("bin/standalone.sh").toString(), "-c", CONFIG,
                "-Djboss.server.base.dir=" + base,
                "-Djboss.socket.binding.port-offset=" + offset,
                "-Djboss.bind.address=127.0.0.1", "-Djboss.bind.address.management=127.0.0.1");
        Map<String, String> env = new HashMap<>(environment);
        env.put("JAVA_HOME", Java.home().toString());
        env.put("LAUNCH_JBOSS_IN_BACKGROUND", "1"); // the script forwards SIGTERM to the JVM
        ServerProcess process = ServerProcess.start("WildFly", command, work, env, work.resolve("server.log"));
        WildFly server = new WildFly(offset, base.resolve("deployments"), deployment, process);
        try {
            Startup.awaitApplication(server, process, server::deploymentFailure,
                    () -> process.output().contains("WFLYSRV0025") || process.output().contains("WFLYSRV0026"));
        } catch (RuntimeException | Error e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** The deployment scanner writes {@code <war>.failed} with the reason when the deployment fails. */
    private String deploymentFailure() {
        Path failed = deployments.resolve(deployment + ".failed");
        if (!Files.exists(failed)) {
            return null;
        }
        try {
            return Files.readString(failed);
        } catch (IOException e) {
            return failed + " (unreadable: " + e + ")";
        }
    }

    @Override
    public String appUrl() {
        return "http://127.0.0.1:" + (HTTP + offset) + CONTEXT_ROOT;
    }

    @Override
    public String readinessUrl() {
        return "http://127.0.0.1:" + (MANAGEMENT + offset) + "/health/ready";
    }

    @Override
    public ServerProcess process() {
        return process;
    }

    static boolean prepared() {
        String home = System.getProperty(HOME_PROPERTY);
        return home != null && Files.isExecutable(Path.of(home, "bin", "standalone.sh"));
    }

    /** An offset in 1000..8999 at which every port of the profile is free now. */
    private static int freeOffset() {
        for (int i = 0; i < 200; i++) {
            int offset = 1000 + RANDOM.nextInt(8000);
            if (PORTS.stream().allMatch(port -> Ports.isFree(port + offset))) {
                return offset;
            }
        }
        throw new IllegalStateException("found no port offset at which " + PORTS + " are all free");
    }

    private static void copyTree(Path from, Path to) {
        List<Path> sources = new ArrayList<>();
        try (Stream<Path> paths = Files.walk(from)) {
            paths.forEach(sources::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            for (Path source : sources) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
