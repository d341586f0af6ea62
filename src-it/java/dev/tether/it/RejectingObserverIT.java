package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Connection;
import dev.tether.ConnectionEvent;
import dev.tether.ConnectionEvent.ConnectFailed;
import dev.tether.ConnectionEvent.Connected;
import dev.tether.ConnectionSettings;
import dev.tether.FailureKind;
import dev.tether.PersistentConnection;
import dev.tether.testing.Await;
import dev.tether.testing.RabbitMq;
import dev.tether.testing.RabbitMqNode;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Row {@code observer} of the reliability table: a {@code Connected} listener that throws (the
 * first time) rejects that connection; the holder reports it as an {@code APPLICATION} failure
 * with the listener's exception, and recovers with the next attempt.
 */
@ExtendWith(RabbitMq.class)
class RejectingObserverIT {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String NAME = "it-observer";

    @Test
    void aConnectedListenerThatThrowsClosesThatConnectionReportsAnApplicationFailureAndTheNextAttemptRecovers(
            RabbitMqNode node) throws Exception {
        Timeline timeline = new Timeline();
        IllegalStateException thrown = new IllegalStateException("topology declaration failed (thrown on purpose)");
        AtomicInteger connectedCalls = new AtomicInteger();
        PersistentConnection holder = PersistentConnection.builder(
                        ConnectionSettings.builder(NAME).uri(node.uri()).build())
                .listener(timeline) // first, so that it records the rejected Connected too
                .listener(event -> {
                    if (event instanceof ConnectionEvent.Connected && connectedCalls.getAndIncrement() == 0) {
                        throw thrown;
                    }
                })
                .build();
        try {
            CompletableFuture<Connection> firstSeen = holder.connected().toCompletableFuture();

            Connected rejected = timeline.await(Connected.class, 1, WAIT);
            ConnectFailed failed = timeline.await(ConnectFailed.class, 1, WAIT);
            assertEquals(FailureKind.APPLICATION, failed.kind(), failed.toString());
            assertSame(thrown, failed.cause(), "the listener's exception is the failure's cause");
            assertFalse(rejected.connection().isOpen(), "the rejected connection is closed");

            Connected accepted = timeline.await(Connected.class, 2, WAIT);
            Connection published = holder.await(WAIT);
            assertSame(accepted.connection(), published);
            assertNotSame(rejected.connection(), published);
            assertSame(published, firstSeen.get(5, TimeUnit.SECONDS),
                    "a caller waiting meanwhile never saw the rejected connection");
            Await.slowly("exactly one broker connection named tether-" + NAME, WAIT,
                    () -> node.connectionNames().stream().filter(("tether-" + NAME)::equals).count() == 1);

            Survives.report("observer", "kind", failed.kind(), "cause_kept", failed.cause() == thrown,
                    "rejected_closed", !rejected.connection().isOpen(), "next_delay_ms", failed.nextDelay().toMillis(),
                    "recover_ms", timeline.millisBetween(failed, accepted), "attempt", accepted.attempt(),
                    "broker_connections", 1);
        } finally {
            holder.close().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }
}
