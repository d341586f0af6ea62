package dev.tether.internal.metrics;

import dev.tether.ConnectionSettings;
import dev.tether.PersistentConnection;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * What an application without OpenTelemetry does with Tether: connects, borrows a pooled channel,
 * publishes with confirms, closes. {@link NoOpenTelemetryTest} runs it in a class loader that has
 * no OpenTelemetry class; it uses only Tether's public API.
 */
public final class PlainJavaScenario implements Callable<String> {

    private final String uri;

    /** @param uri the broker */
    public PlainJavaScenario(String uri) {
        this.uri = uri;
    }

    /** @return the holder's state once it has connected, used a channel and published */
    @Override
    public String call() throws Exception {
        PersistentConnection holder = PersistentConnection.builder(
                ConnectionSettings.builder("plain").uri(uri).build()).build();
        try {
            holder.await(Duration.ofSeconds(10));
            String queue = "plain-" + UUID.randomUUID();
            holder.channels().run(channel -> channel.queueDeclare(queue, false, false, true, null));
            holder.publisher().publish("", queue, null, new byte[] {1});
            return holder.state() + " " + holder.channels().call(channel -> channel.messageCount(queue));
        } finally {
            holder.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
