package dev.tether.internal.cdi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.tether.ConnectionEvent;
import dev.tether.ConnectionSettings;
import dev.tether.PersistentConnection;
import dev.tether.internal.access.ConnectionAccess;
import dev.tether.testing.Await;
import dev.tether.testing.RabbitMq;
import dev.tether.testing.RabbitMqNode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Blocked listeners managed through the injected proxy, against RabbitMQ's real
 * {@code connection.blocked} (a memory alarm): clearing the application's listeners must leave
 * Tether's own, so events and readiness still report the block.
 */
@ExtendWith(RabbitMq.class)
class ProxyBlockedListenersIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final double DEFAULT_WATERMARK = 0.4;

    @Test
    void clearBlockedListenersOnTheProxyKeepsTethersOwnBlockedReporting(RabbitMqNode node) throws Exception {
        List<ConnectionEvent> events = new CopyOnWriteArrayList<>();
        ProxyListeners proxyListeners = new ProxyListeners();
        PersistentConnection holder = PersistentConnection.builder(
                        ConnectionSettings.builder("it-proxy-blocked").uri(node.uri()).build())
                .listener(events::add).listener(proxyListeners).build();
        try {
            Connection proxy = ConnectionProxy.create((ConnectionAccess) holder, proxyListeners); // the holder is the port
            holder.await(WAIT);
            List<String> applicationSaw = new CopyOnWriteArrayList<>();
            proxy.addBlockedListener(applicationSaw::add, () -> applicationSaw.add("unblocked"));
            proxy.clearBlockedListeners();

            Channel channel = proxy.createChannel();
            try {
                node.setMemoryHighWatermark(0.0001);
                channel.basicPublish("", "tether-it-proxy-blocked-nowhere", null, new byte[] {1});
                Await.until("Tether's Blocked event", WAIT,
                        () -> events.stream().anyMatch(ConnectionEvent.Blocked.class::isInstance));
                assertTrue(holder.status().blocked(), "readiness data reports the block: " + holder.status());
            } finally {
                node.setMemoryHighWatermark(DEFAULT_WATERMARK);
            }
            Await.until("Tether's Unblocked event", WAIT,
                    () -> events.stream().anyMatch(ConnectionEvent.Unblocked.class::isInstance));
            assertFalse(holder.status().blocked());
            assertEquals(List.of(), applicationSaw, "the cleared application listener heard nothing");
            channel.close();
        } finally {
            holder.close().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }
}
