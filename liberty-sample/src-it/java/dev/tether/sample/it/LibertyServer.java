package dev.tether.sample.it;

import dev.tether.testing.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The sample's Open Liberty server, prepared by the sample's build ({@code liberty:create
 * liberty:deploy}) and started here as the operator would, with {@code TETHER_URI} and
 * {@code HTTP_PORT} in its environment.
 */
final class LibertyServer implements AutoCloseable {

    static final String WLP_PROPERTY = "liberty.wlp";
    static final String SERVER = "tether-sample";

    private final Path wlp;
    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private boolean running;

    private LibertyServer(Path wlp, int port) {
        this.wlp = wlp;
        this.port = port;
    }

    /** @return the prepared Liberty installation, or {@code null} when the build did not prepare one */
    static Path installation() {
        String dir = System.getProperty(WLP_PROPERTY);
        if (dir == null || !Files.isExecutable(Path.of(dir, "bin", "server"))) {
            return null;
        }
        return Path.of(dir);
    }

    /**
     * Starts the server and waits until the application answers.
     *
     * @param tetherUri the broker URI for the application
     * @return the running server
     */
    static LibertyServer start(String tetherUri) throws Exception {
        Path wlp = installation();
        if (wlp == null) {
            throw new IllegalStateException("no Liberty installation at -D" + WLP_PROPERTY);
        }
        LibertyServer server = new LibertyServer(wlp, freePort());
        server.run(tetherUri);
        return server;
    }

    private void run(String tetherUri) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(wlp.resolve("bin/server").toString(), "start", SERVER)
                .redirectErrorStream(true);
        builder.environment().put("TETHER_URI", tetherUri);
        builder.environment().put("HTTP_PORT", Integer.toString(port));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("server start failed: " + output);
        }
        running = true;
        try {
            Await.until("the sample to answer /api/status on port " + port, Duration.ofSeconds(90),
                    () -> get("/api/status").statusCode() == 200);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + messagesTail(), e);
        }
    }

    /** @return the last lines of the server's messages.log, for failure messages */
    String messagesTail() {
        Path log = wlp.resolve("usr/servers/" + SERVER + "/logs/messages.log");
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no " + log + ")";
        }
    }

    /** @return the server's whole messages.log, or an empty string before it exists */
    String messagesLog() {
        try {
            return Files.readString(wlp.resolve("usr/servers/" + SERVER + "/logs/messages.log"));
        } catch (IOException e) {
            return "";
        }
    }

    int port() {
        return port;
    }

    String baseUrl() {
        return "http://localhost:" + port;
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).GET());
    }

    HttpResponse<String> postText(String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException notListening) {
            return new NotAnswered(notListening);
        } catch (java.net.http.HttpTimeoutException slow) { // a loaded machine: the caller's deadline decides
            return new NotAnswered(slow);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws Exception {
        if (!running) {
            return;
        }
        running = false;
        Process stop = new ProcessBuilder(wlp.resolve("bin/server").toString(), "stop", SERVER)
                .redirectErrorStream(true).start();
        String output = new String(stop.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!stop.waitFor(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("server stop did not finish: " + output);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** A request nobody answered (server not listening yet): status 0. */
    private record NotAnswered(Exception cause) implements HttpResponse<String> {
        @Override
        public int statusCode() {
            return 0;
        }

        @Override
        public HttpRequest request() {
            return null;
        }

        @Override
        public java.util.Optional<HttpResponse<String>> previousResponse() {
            return java.util.Optional.empty();
        }

        @Override
        public java.net.http.HttpHeaders headers() {
            return java.net.http.HttpHeaders.of(java.util.Map.of(), (a, b) -> true);
        }

        @Override
        public String body() {
            return String.valueOf(cause);
        }

        @Override
        public java.util.Optional<javax.net.ssl.SSLSession> sslSession() {
            return java.util.Optional.empty();
        }

        @Override
        public URI uri() {
            return null;
        }

        @Override
        public HttpClient.Version version() {
            return HttpClient.Version.HTTP_1_1;
        }
    }
}
