package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Connection;
import dev.tether.ConnectionEvent;
import dev.tether.ConnectionSettings;
import dev.tether.PersistentConnection;
import dev.tether.testing.Await;
import dev.tether.testing.FaultProxy;
import dev.tether.testing.RabbitMq;
import dev.tether.testing.RabbitMqNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A closed connection is not handed out while the client is still shutting it down. The client
 * marks a connection closed ({@code isOpen()} false) first, and calls its shutdown listeners only
 * when its I/O loop ends (after a broker-initiated close, once the broker closes the socket: up to
 * the client's shutdown timeout). {@code get()}, {@code await()} and {@code current()} check the
 * connection is open, and the first caller to find it closed withdraws it and starts the recovery.
 * A caller can still lose the race once per reset (it passed the check just before the socket was
 * cut); the next call waits instead of spinning on {@code AlreadyClosedException}.
 */
@ExtendWith(RabbitMq.class)
class StaleConnectionIT {

    private static final int CALLERS = 8;
    private static final int CUTS = 20;
    private static final Duration WAIT = Duration.ofSeconds(15);

    @Test
    void awaitNeverReturnsAConnectionTheClientHasAlreadyClosed(RabbitMqNode node) throws Exception {
        AtomicInteger connects = new AtomicInteger();
        AtomicLong handedOutClosed = new AtomicLong();
        AtomicLong calls = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> callers = new ArrayList<>();
        try (FaultProxy proxy = FaultProxy.start(node.port())) {
            PersistentConnection holder = PersistentConnection.builder(
                            ConnectionSettings.builder("it-stale").uri(proxy.uri()).build())
                    .listener(event -> {
                        if (event instanceof ConnectionEvent.Connected) {
                            connects.incrementAndGet();
                        }
                    })
                    .build();
            StaleWindow stale = StaleWindow.watch(holder);
            try {
                holder.await(WAIT);
                for (int i = 0; i < CALLERS; i++) {
                    Thread caller = new Thread(() -> {
                        while (running.get()) {
                            try {
                                Connection connection = holder.await(Duration.ofSeconds(2));
                                calls.incrementAndGet();
                                if (!connection.isOpen()) {
                                    handedOutClosed.incrementAndGet();
                                }
                            } catch (TimeoutException e) {
                                calls.incrementAndGet();
                            } catch (Exception e) {
                                return;
                            }
                        }
                    }, "it-stale-caller-" + i);
                    caller.setDaemon(true);
                    callers.add(caller);
                    caller.start();
                }
                for (int cut = 1; cut <= CUTS; cut++) {
                    int expected = cut;
                    Await.until("connection " + expected, WAIT, () -> connects.get() >= expected);
                    proxy.cut();
                }
                Await.until("the connection after the last cut", WAIT, () -> connects.get() >= CUTS + 1);
            } finally {
                running.set(false);
                for (Thread caller : callers) {
                    caller.join(TimeUnit.SECONDS.toMillis(5));
                }
                stale.close();
                holder.close().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
            Survives.report("stale-connection", "callers", CALLERS, "cuts", CUTS, "calls", calls.get(),
                    "await_returned_closed", handedOutClosed.get(),
                    "closed_but_still_handed_out_max_ms", stale.checkedLongestMillis());
        }
        assertTrue(handedOutClosed.get() <= (long) CALLERS * CUTS, "await() returned a closed connection "
                + handedOutClosed.get() + " times in " + calls.get() + " calls over " + CUTS + " resets: more than"
                + " once per caller and reset (before the fix: about 3 million times in 10 million calls)");
    }
}
