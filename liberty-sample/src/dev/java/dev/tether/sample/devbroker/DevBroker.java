package dev.tether.sample.devbroker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.apache.qpid.server.SystemLauncher;

/**
 * DEVELOPMENT ONLY. An embedded AMQP 0-9-1 broker (Apache Qpid Broker-J) for running the sample
 * on a machine without RabbitMQ: {@code amqp://guest:guest@127.0.0.1:5673}, in memory (messages
 * are lost when it stops). It is not RabbitMQ, is never packaged into the war or the library, and
 * is not for production.
 *
 * <p>{@code run.sh} starts it as its own {@code java -cp ...} process (Qpid's {@code classpath:}
 * URLs only resolve when Qpid is on the system class path of its own JVM) and {@code stop.sh}
 * stops it with SIGTERM.
 *
 * <pre>
 * java -cp target/test-classes:$(cat target/dev-broker.classpath) dev.tether.sample.devbroker.DevBroker [port [work-dir]]
 * </pre>
 */
public final class DevBroker {

    private DevBroker() {
    }

    /**
     * Starts the broker and runs until the JVM is told to stop.
     *
     * @param args optional: the port (default 5673) and the work folder (default a temp folder)
     * @throws Exception if the broker does not start
     */
    public static void main(String[] args) throws Exception {
        quietLogger("org.apache.qpid", "warn");
        quietLogger("qpid.message", "info"); // Qpid's operational log: connections opened and closed
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd HH:mm:ss.SSS");

        int port = args.length > 0 ? Integer.parseInt(args[0]) : 5673;
        Path workDir = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("tether-dev-broker-");
        deleteRecursively(workDir);
        Files.createDirectories(workDir);

        Path config = workDir.resolve("initial-config.json");
        Files.writeString(config, initialConfig(port), StandardCharsets.UTF_8);
        Map<String, Object> context = new HashMap<>();
        context.put("qpid.work_dir", workDir.toString());
        context.put("qpid.home_dir", workDir.toString());
        // Few I/O threads: a development broker on a small machine.
        context.put("qpid.port.amqp.threadPool.size", "4");
        context.put("qpid.port.amqp.threadPool.numberOfSelectors", "1");
        context.put("virtualhost.connectionThreadPool.size", "4");
        context.put("virtualhost.connectionThreadPool.numberOfSelectors", "1");
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("type", "Memory");
        attributes.put("initialConfigurationLocation", config.toUri().toString());
        attributes.put("startupLoggedToSystemOut", false);
        attributes.put("context", context);

        SystemLauncher launcher = new SystemLauncher();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("DEVELOPMENT ONLY broker: stopping");
            launcher.shutdown();
            stopped.countDown();
        }, "dev-broker-shutdown"));
        launcher.startup(attributes);
        System.out.println("DEVELOPMENT ONLY broker (Apache Qpid Broker-J, not RabbitMQ) listening on "
                + "amqp://guest:guest@127.0.0.1:" + port + " (pid " + ProcessHandle.current().pid() + ")");
        stopped.await();
    }

    /** PLAIN over a plain port needs secureOnlyMechanisms []; virtual host "/" reaches the only one through defaultAlias. */
    private static String initialConfig(int port) {
        return """
                {
                  "name": "tether-sample-dev-broker",
                  "modelVersion": "8.0",
                  "authenticationproviders": [ {
                    "name": "plain",
                    "type": "Plain",
                    "secureOnlyMechanisms": [],
                    "users": [ { "name": "guest", "type": "managed", "password": "guest" } ]
                  } ],
                  "ports": [ {
                    "name": "AMQP",
                    "port": %d,
                    "bindingAddress": "127.0.0.1",
                    "authenticationProvider": "plain",
                    "virtualhostaliases": [
                      { "name": "nameAlias", "type": "nameAlias" },
                      { "name": "defaultAlias", "type": "defaultAlias" }
                    ]
                  } ],
                  "virtualhostnodes": [ {
                    "name": "default",
                    "type": "Memory",
                    "defaultVirtualHostNode": "true",
                    "virtualHostInitialConfiguration": "{ \\"type\\": \\"Memory\\" }"
                  } ]
                }
                """.formatted(port);
    }

    private static void quietLogger(String name, String level) {
        String key = "org.slf4j.simpleLogger.log." + name;
        if (System.getProperty(key) == null) {
            System.setProperty(key, level);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
