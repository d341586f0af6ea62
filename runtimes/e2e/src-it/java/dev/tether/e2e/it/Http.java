package dev.tether.e2e.it;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/** A plain HTTP client for the tests: a server that is not listening (yet) answers status 0. */
final class Http {

    /** What the server answered: its status (0 when nothing listened) and body. */
    record Reply(int status, String body) {
        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    private Http() {
    }

    static Reply get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET());
    }

    static Reply postText(String url, String text) {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(text)));
    }

    private static Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = CLIENT.send(request.timeout(Duration.ofSeconds(15)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body());
        } catch (ConnectException | HttpTimeoutException notAnswering) {
            return new Reply(0, notAnswering.toString());
        } catch (IOException e) {
            // a server closing the connection while it starts or stops
            return new Reply(0, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + request.build().uri(), e);
        }
    }
}
