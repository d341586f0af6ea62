package dev.tether.internal.channels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.ChannelSettings;
import dev.tether.ConnectionSettings;
import dev.tether.PersistentConnection;
import dev.tether.internal.access.ConnectionAccess;
import dev.tether.testing.Await;
import dev.tether.testing.EmbeddedBroker;
import dev.tether.testing.QpidBroker;
import dev.tether.testing.ThreadLeaks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A pool given no background executor trims its idle channels on a thread of its own,
 * {@code tether-<name>-<kind>s}, which lives a minute after its last task; closing the pool ends it
 * as soon as it has no work, so a closed holder leaves no thread behind for that minute. And the
 * wait it reports for each borrow (the borrow-wait metric's value) is the borrow's own.
 */
@ExtendWith(EmbeddedBroker.class)
class ChannelPoolThreadAndWaitTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String THREAD = "tether-trimmed-trimmed-channels";

    private final QpidBroker broker;

    ChannelPoolThreadAndWaitTest(QpidBroker broker) {
        this.broker = broker;
    }

    @Test
    void closingThePoolEndsItsOwnTrimmingThreadAtOnce() throws Exception {
        PersistentConnection holder = PersistentConnection.builder(ConnectionSettings.builder("trimmed")
                .uri(broker.uri()).build()).build();
        try {
            holder.await(WAIT);
            ChannelPool<Void> pool = new ChannelPool<>((ConnectionAccess) holder, "trimmed channel",
                    ChannelSettings.DEFAULT.withMax(4), channel -> null, null, wait -> { }, null, Duration.ZERO);
            List<PooledChannel<Void>> lent = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                lent.add(pool.borrow());
            }
            lent.forEach(channel -> pool.giveBack(channel, true)); // 4 idle: above the floor, a trim is due at once
            Await.until("the idle channels above the floor trimmed", WAIT,
                    () -> pool.open() == ChannelPool.IDLE_FLOOR);
            assertEquals(List.of(THREAD), ThreadLeaks.threadsStartingWith(THREAD), "the trim ran on the pool's thread");

            pool.close();
            // Without the close, the idle thread would stay for its minute of keep-alive.
            ThreadLeaks.awaitNone(THREAD, WAIT);
        } finally {
            holder.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void eachBorrowReportsItsOwnWaitNoMoreThanTheBorrowTook() throws Exception {
        PersistentConnection holder = PersistentConnection.builder(ConnectionSettings.builder("waits")
                .uri(broker.uri()).build()).build();
        List<Long> waits = new CopyOnWriteArrayList<>();
        ChannelPool<Void> pool = new ChannelPool<>((ConnectionAccess) holder, "timed channel",
                ChannelSettings.DEFAULT.withMax(1), channel -> null, null, waits::add, null, ChannelPool.IDLE_TIME);
        try {
            holder.await(WAIT);
            for (int i = 0; i < 3; i++) {
                long before = System.nanoTime();
                PooledChannel<Void> lent = pool.borrow(); // the first opens a channel, the others reuse it
                long took = System.nanoTime() - before;
                pool.giveBack(lent, true);
                assertEquals(i + 1, waits.size(), "one wait reported per borrow");
                long wait = waits.get(i);
                assertTrue(wait >= 0 && wait <= took, "reported " + wait + " ns for a borrow of " + took + " ns");
            }
        } finally {
            pool.close();
            holder.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
