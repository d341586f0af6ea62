package dev.tether.e2e.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Open Liberty from its full runtime zip ({@code io.openliberty:openliberty-runtime}, every feature
 * included): every start gets a fresh user directory ({@code WLP_USER_DIR}) holding one server
 * whose {@code server.xml} is written here (the features the application needs, plain HTTP on a
 * free port of 127.0.0.1, the war as a {@code <webApplication>} at context root {@code /}). The
 * server runs in the foreground, {@code bin/server run <name>}: the script {@code exec}s the JVM, so
 * the process started is the server's JVM and SIGTERM stops it through Liberty's shutdown hook.
 * Readiness is at {@code /health/ready} on the HTTP port.
 *
 * <p>Liberty finishes its start (CWWKF0011I) whether the application deployed or not, so the start
 * waits for the application itself, and fails at once when {@code messages.log} says the
 * application did not start: an exception thrown while the web module starts (a CDI
 * {@code DeploymentException}, for one) is logged as SRVE0283E and then CWWKZ0012I "was not
 * started", an informational message; other application and feature errors as CWWKZ...E or
 * CWWKF...E.
 */
final class OpenLiberty implements AppServer {

    static final String HOME_PROPERTY = "tether.e2e.liberty-home";

    private static final String SERVER = "tether-e2e";
    /** What runtimes/app uses: CDI, JAX-RS, MicroProfile Config and Health; all in the full runtime zip. */
    private static final List<String> FEATURES = List.of("cdi-4.0", "restfulWS-3.1", "mpConfig-3.1", "mpHealth-4.0");
    /**
     * An application that was not started (CWWKZ0012I), failed to start (CWWKZ0002E, CWWKZ0004E, ...) or
     * was not found (CWWKZ0014W), or a feature that is missing or conflicts (CWWKF0001E, ...).
     */
    private static final Pattern FAILURE = Pattern.compile("\\b(CWWKZ\\d{4}E|CWWKZ0012I|CWWKZ0014W|CWWKF\\d{4}E)\\b");
    /** A line of messages.log at level E: {@code [date] thread logger E CODE: message}. */
    private static final Pattern ERROR_LINE = Pattern.compile("(?m)^\\[[^\\]]*\\] \\S+ \\S+\\s+E ");
    /** "The server tether-e2e is ready to run a smarter planet.", printed with or without the application. */
    private static final String SERVER_READY = "CWWKF0011I";

    private final int port;
    private final Path messagesLog;
    private final ServerProcess process;

    private OpenLiberty(int port, Path messagesLog, ServerProcess process) {
        this.port = port;
        this.messagesLog = messagesLog;
        this.process = process;
    }

    /**
     * Starts Open Liberty with the application deployed and waits until the application answers.
     *
     * @param war the application
     * @param work a fresh folder for this server's files
     * @param environment added to the server's environment (the application's configuration)
     * @return the running server
     */
    static OpenLiberty start(Path war, Path work, Map<String, String> environment) {
        Path home = Path.of(System.getProperty(HOME_PROPERTY));
        Path userDir = work.resolve("usr").toAbsolutePath();
        Path serverDir = userDir.resolve("servers").resolve(SERVER);
        int port = Ports.free();
        try {
            Files.createDirectories(serverDir);
            Files.writeString(serverDir.resolve("server.xml"), serverXml(war.toAbsolutePath(), port),
                    StandardCharsets.UTF_8);
            // as Payara Micro is started: a bounded heap, C1 only (a faster start on 2 shared cores)
            Files.writeString(serverDir.resolve("jvm.options"), "-Xmx512m\n-XX:TieredStopAtLevel=1\n",
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = List.of(home.resolve("bin/server").toString(), "run", SERVER);
        Map<String, String> env = new HashMap<>(environment);
        env.put("JAVA_HOME", Java.home().toString());
        env.put("WLP_USER_DIR", userDir.toString());
        env.put("WLP_OUTPUT_DIR", userDir.resolve("servers").toString());
        ServerProcess process = ServerProcess.start("Open Liberty", command, work, env, work.resolve("server.log"));
        OpenLiberty server = new OpenLiberty(port, serverDir.resolve("logs").resolve("messages.log"), process);
        try {
            Startup.awaitApplication(server, process, server::deploymentFailure,
                    () -> server.messages().contains(SERVER_READY));
        } catch (RuntimeException | Error e) {
            server.close();
            throw e;
        }
        return server;
    }

    private static String serverXml(Path war, int port) {
        StringBuilder features = new StringBuilder();
        FEATURES.forEach(feature -> features.append("        <feature>").append(feature).append("</feature>\n"));
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <server description="Tether runtime contract">
                    <featureManager>
                %s    </featureManager>
                    <httpEndpoint id="defaultHttpEndpoint" host="127.0.0.1" httpPort="%d" httpsPort="-1"/>
                    <!-- the war is named below; nothing to watch -->
                    <applicationMonitor updateTrigger="disabled" dropinsEnabled="false"/>
                    <webApplication id="tether-e2e-app" name="tether-e2e-app" location="%s" contextRoot="/"/>
                    <!-- Tether's INFO lines (java.util.logging) on the console too, as on the other runtimes -->
                    <logging consoleLogLevel="INFO"/>
                </server>
                """.formatted(features, port, escape(war.toString()));
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /**
     * @return null while messages.log does not say the application failed; else the log from its first
     *     error line (the reason, e.g. SRVE0283E with the exception), or from the failure message
     */
    private String deploymentFailure() {
        String log = messages();
        Matcher failure = FAILURE.matcher(log);
        if (!failure.find()) {
            return null;
        }
        Matcher error = ERROR_LINE.matcher(log);
        int from = error.find() ? Math.min(error.start(), failure.start()) : failure.start();
        return log.substring(from, Math.min(log.length(), from + 1500));
    }

    /** @return Liberty's messages.log so far (INFO and above, with stack traces), or "" before it exists */
    private String messages() {
        try {
            return Files.readString(messagesLog, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** messages.log, which has the stack traces, after the last lines of the process's own output. */
    @Override
    public String logTail() {
        List<String> lines = messages().lines().toList();
        return process.tail(15) + "\n--- last lines of " + messagesLog + " ---\n"
                + String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }

    @Override
    public String appUrl() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public String readinessUrl() {
        return appUrl() + "/health/ready";
    }

    @Override
    public ServerProcess process() {
        return process;
    }
}
