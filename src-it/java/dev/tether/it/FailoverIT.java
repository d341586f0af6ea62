package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import dev.tether.ConnectionEvent.ConnectFailed;
import dev.tether.ConnectionEvent.Connected;
import dev.tether.ConnectionEvent.Connecting;
import dev.tether.ConnectionEvent.Disconnected;
import dev.tether.ConnectionSettings;
import dev.tether.PersistentConnection;
import dev.tether.testing.RabbitMq;
import dev.tether.testing.RabbitMqNode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Row {@code failover} of the reliability table: two private nodes (the shared one and a second
 * one started here) as the addresses of one connection; the node it is connected to stops, and it
 * moves to the other within the same attempt.
 */
@ExtendWith(RabbitMq.class)
class FailoverIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void whenItsNodeStopsItConnectsToTheOtherAddressInTheSameAttempt(RabbitMqNode shared) throws Exception {
        Timeline timeline = new Timeline();
        RabbitMqNode second = RabbitMqNode.start();
        RabbitMqNode stopped = null;
        PersistentConnection holder = null;
        try {
            ConnectionSettings settings = ConnectionSettings.builder("it-failover").uri(shared.uri())
                    .addresses("127.0.0.1:" + shared.port() + ",127.0.0.1:" + second.port())
                    .connectionTimeout(Duration.ofSeconds(2)).build();
            holder = PersistentConnection.builder(settings).listener(timeline).build();
            Connected first = timeline.await(Connected.class, 1, WAIT);
            RabbitMqNode from = first.address().getPort() == shared.port() ? shared : second;
            RabbitMqNode to = from == shared ? second : shared;

            long stopAt = System.nanoTime();
            stopped = from;
            from.stopApp();
            Connected again = timeline.await(Connected.class, 2, WAIT);
            Disconnected lost = timeline.all(Disconnected.class).get(0);

            assertFalse(lost.applicationInitiated());
            List<Connecting> attempts = timeline.between(lost, again).stream()
                    .filter(Connecting.class::isInstance).map(Connecting.class::cast).toList();
            assertEquals(1, attempts.size(), "one attempt between the loss and the new connection: " + timeline);
            assertEquals(1, again.attempt(), again.toString());
            assertTrue(timeline.between(lost, again).stream().noneMatch(ConnectFailed.class::isInstance),
                    "no failed attempt: " + timeline);
            assertEquals(to.port(), again.address().getPort(), "connected to the other node: " + again);
            holder.await(WAIT);
            try (Channel channel = holder.get().createChannel()) {
                assertTrue(channel.isOpen());
            }

            Survives.report("failover", "from_port", from.port(), "to_port", to.port(), "attempt", again.attempt(),
                    "failover_ms", timeline.millisBetween(lost, again),
                    "since_stop_app_call_ms", timeline.millisFrom(stopAt, again),
                    "stopped", from == shared ? "shared-node" : "second-node");
        } finally {
            if (holder != null) {
                holder.close().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
            if (stopped == shared) {
                shared.startApp();
            }
            second.stop();
        }
    }
}
