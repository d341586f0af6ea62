package dev.tether.internal.channels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import dev.tether.ChannelSettings;
import dev.tether.ConnectionClosedException;
import dev.tether.ConnectionSettings;
import dev.tether.PersistentConnection;
import dev.tether.internal.access.ConnectionAccess;
import dev.tether.testing.Await;
import dev.tether.testing.QpidBroker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The pool under the ways applications use it: reconnects while borrowers queue, close, misuse, bursts. */
class ChannelPoolUnderUseTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "pool-test-borrower");
        thread.setDaemon(true);
        return thread;
    });
    private final QpidBroker broker = QpidBroker.start();
    private PersistentConnection holder;

    @AfterEach
    void close() throws Exception {
        if (holder != null) {
            holder.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        broker.close();
        threads.shutdownNow();
    }

    private ChannelPool<Channel> pool(int max) throws Exception {
        holder = PersistentConnection.builder(ConnectionSettings.builder("pool").uri(broker.uri())
                .channels(ChannelSettings.DEFAULT.withMax(max).withCheckoutTimeout(Duration.ofSeconds(30))).build()).build();
        holder.await(WAIT);
        return ((PooledChannels) holder.channels()).pool();
    }

    /** A borrower holding the pool's channel until {@code release}. */
    private CompletableFuture<Void> occupy(CountDownLatch borrowed, CountDownLatch release) {
        return CompletableFuture.runAsync(() -> {
            try {
                holder.channels().run(channel -> {
                    borrowed.countDown();
                    try {
                        assertTrue(release.await(30, TimeUnit.SECONDS));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            } catch (IOException | RuntimeException e) {
                borrowed.countDown();
            }
        }, threads);
    }

    private CompletableFuture<Object> borrowInBackground() {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return holder.channels().call(channel -> channel);
            } catch (IOException e) {
                return e;
            }
        }, threads);
    }

    @Test
    void borrowersThatWaitedForAPermitAcrossAReconnectShareTheNewConnectionsChannel() throws Exception {
        ChannelPool<Channel> pool = pool(1);
        CountDownLatch borrowed = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> occupant = occupy(borrowed, release);
        assertTrue(borrowed.await(10, TimeUnit.SECONDS));
        CompletableFuture<Object> first = borrowInBackground();
        Await.until("the first borrower to queue", WAIT, () -> pool.waiting() == 1);
        CompletableFuture<Object> second = borrowInBackground();
        Await.until("the second borrower to queue", WAIT, () -> pool.waiting() == 2);
        var old = holder.get();
        holder.reconnect();
        Await.until("a new connection", WAIT, () -> holder.current().filter(now -> now != old).isPresent());
        release.countDown();
        occupant.get(10, TimeUnit.SECONDS);
        Object one = first.get(10, TimeUnit.SECONDS);
        Object two = second.get(10, TimeUnit.SECONDS);
        assertTrue(one instanceof Channel, String.valueOf(one));
        assertSame(one, two, "the second reuses the channel the first opened on the new connection, not closes it");
        assertTrue(((Channel) two).isOpen());
        assertEquals(1, pool.open());
    }

    @Test
    void closeWakesBorrowersWaitingForAPermitWithConnectionClosedExceptionWhileTheChannelIsStillLent() throws Exception {
        ChannelPool<Channel> pool = pool(1);
        CountDownLatch borrowed = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> occupant = occupy(borrowed, release);
        assertTrue(borrowed.await(10, TimeUnit.SECONDS));
        CompletableFuture<Object> waiter = borrowInBackground();
        Await.until("a borrower waiting for a permit", WAIT, () -> pool.waiting() == 1);
        holder.close();
        Object woken = waiter.get(5, TimeUnit.SECONDS); // the occupant still holds the only permit
        assertTrue(woken instanceof ConnectionClosedException, String.valueOf(woken));
        release.countDown();
        occupant.get(10, TimeUnit.SECONDS);
        assertEquals(0, pool.lent());
    }

    @Test
    void transactionsConsumersAndConfirmModeAreRefusedOnAPooledChannelAndTheNextBorrowerIsUnaffected()
            throws Exception {
        pool(1);
        String queue = "guarded-" + UUID.randomUUID();
        holder.channels().run(channel -> channel.queueDeclare(queue, false, false, true, null));
        IllegalStateException tx = assertThrows(IllegalStateException.class, () -> holder.channels().run(Channel::txSelect));
        assertTrue(tx.getMessage().startsWith("Connection 'pool': txSelect is refused on a pooled channel"), tx.getMessage());
        assertThrows(IllegalStateException.class, () -> holder.channels().run(Channel::confirmSelect));
        assertThrows(IllegalStateException.class, () -> holder.channels().run(
                channel -> channel.basicConsume(queue, new DefaultConsumer(channel))));
        holder.channels().run(channel -> channel.basicPublish("", queue, null, "m".getBytes(StandardCharsets.UTF_8)));
        assertEquals(1L, (long) holder.channels().call(channel -> channel.messageCount(queue)),
                "published outside a transaction: visible at once");
        assertEquals(0L, (long) holder.channels().call(channel -> channel.consumerCount(queue)));
        assertEquals(0L, (long) holder.channels().call(Channel::getNextPublishSeqNo), "not in confirm mode");
    }

    @Test
    void idleChannelsAboveTheFloorCloseAfterTheIdleTime() throws Exception {
        pool(8);
        ChannelPool<Void> pool = new ChannelPool<>((ConnectionAccess) holder, "burst channel",
                ChannelSettings.DEFAULT.withMax(8), channel -> null, null, wait -> { }, null, Duration.ofMillis(200));
        List<PooledChannel<Void>> burst = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            burst.add(pool.borrow());
        }
        burst.forEach(lent -> pool.giveBack(lent, true));
        assertEquals(6, pool.idle());
        Await.until("the idle channels above the floor to close", WAIT,
                () -> pool.idle() == ChannelPool.IDLE_FLOOR && pool.open() == ChannelPool.IDLE_FLOOR);
        assertSame(burst.get(5), pool.borrow(), "the most recently used stay");
        pool.close();
    }

    @Test
    void idleChannelsOfALaterBurstAreTrimmedAgainAndThoseAtTheFloorStay() throws Exception {
        pool(8);
        ChannelPool<Void> pool = new ChannelPool<>((ConnectionAccess) holder, "burst channel",
                ChannelSettings.DEFAULT.withMax(8), channel -> null, null, wait -> { }, null, Duration.ofMillis(200));
        for (int round = 1; round <= 2; round++) {
            List<PooledChannel<Void>> burst = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                burst.add(pool.borrow());
            }
            burst.forEach(lent -> pool.giveBack(lent, true));
            assertEquals(6, pool.idle(), "round " + round);
            Await.until("round " + round + ": the idle channels above the floor to close", WAIT,
                    () -> pool.idle() == ChannelPool.IDLE_FLOOR && pool.open() == ChannelPool.IDLE_FLOOR);
        }
        pool.close();
        assertEquals(0, pool.idle(), "closing drops the idle channels");
    }
}
