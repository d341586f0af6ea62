package dev.tether.internal.channels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.tether.ChannelSettings;
import dev.tether.ConnectionClosedException;
import dev.tether.ConnectionSettings;
import dev.tether.ConnectionState;
import dev.tether.NotConnectedException;
import dev.tether.PersistentConnection;
import dev.tether.testing.Await;
import dev.tether.testing.QpidBroker;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Channels belong to one connection: reconnects, outages, channel errors and closing the holder. */
class ChannelPoolConnectionTest {

    /** Threads of their own: the common pool has a single thread on a 2-core machine, too few for 3 blocked borrowers. */
    private static final java.util.concurrent.ExecutorService THREADS = java.util.concurrent.Executors.newCachedThreadPool(
            runnable -> {
                Thread thread = new Thread(runnable, "pool-test-borrower");
                thread.setDaemon(true);
                return thread;
            });


    private static final Duration WAIT = Duration.ofSeconds(10);

    private final QpidBroker broker = QpidBroker.start();
    private PersistentConnection holder;

    @AfterEach
    void close() throws Exception {
        if (holder != null) {
            holder.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        broker.close();
    }

    private ChannelPool<Channel> pool(Duration awaitTimeout) throws Exception {
        holder = PersistentConnection.builder(ConnectionSettings.builder("pool").uri(broker.uri())
                .awaitTimeout(awaitTimeout).channels(ChannelSettings.DEFAULT.withMax(2)).build()).build();
        holder.await(WAIT);
        return ((PooledChannels) holder.channels()).pool();
    }

    @Test
    void afterAReconnectNoChannelOfTheOldConnectionIsLentAndIdleOnesAreDiscarded() throws Exception {
        ChannelPool<Channel> pool = pool(WAIT);
        Connection old = holder.get();
        Channel before = holder.channels().call(channel -> channel);
        assertEquals(1, pool.idle());
        holder.reconnect();
        Await.until("the idle channel of the old connection to be discarded", WAIT, () -> pool.idle() == 0);
        Connection now = holder.await(WAIT);
        assertNotSame(old, now);
        Channel after = holder.channels().call(channel -> channel);
        assertNotSame(before, after);
        assertSame(now, after.getConnection());
        assertFalse(before.isOpen());
        assertEquals(1, pool.open());
    }

    @Test
    void aBorrowWhileDisconnectedWaitsForTheNextConnection() throws Exception {
        ChannelPool<Channel> pool = pool(WAIT);
        Connection old = holder.get();
        broker.stop();
        Await.until("the loss to be noticed", WAIT, () -> holder.state() != ConnectionState.CONNECTED);
        CompletableFuture<Connection> borrowed = CompletableFuture.supplyAsync(() -> {
            try {
                return holder.channels().call(Channel::getConnection);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }, THREADS);
        broker.restart();
        Connection used = borrowed.get(10, TimeUnit.SECONDS);
        assertNotSame(old, used);
        assertSame(holder.get(), used);
        assertEquals(0, pool.lent());
    }

    @Test
    void aBorrowWhileDisconnectedFailsAfterTheAwaitTimeoutNamingTheConnection() throws Exception {
        ChannelPool<Channel> pool = pool(Duration.ofMillis(300));
        broker.stop();
        Await.until("the loss to be noticed", WAIT, () -> holder.state() != ConnectionState.CONNECTED);
        long start = System.nanoTime();
        NotConnectedException failure = assertThrows(NotConnectedException.class,
                () -> holder.channels().run(channel -> { }));
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) >= 290);
        assertTrue(failure.getMessage().startsWith("Connection 'pool' is not connected (waited 300ms)"),
                failure.getMessage());
        assertEquals(0, pool.lent());
    }

    /**
     * Two borrowers on a pool of one while the broker is down: a borrower waits for the connection
     * without a permit, so the one queued behind it also gets {@code NotConnectedException} after the
     * await timeout, not a {@code CheckoutTimeoutException} after the (shorter) checkout timeout.
     */
    @Test
    void borrowersWaitingForAReconnectHoldNoPermitSoThoseBehindGetTheConnectionErrorNotACheckoutTimeout()
            throws Exception {
        holder = PersistentConnection.builder(ConnectionSettings.builder("pool").uri(broker.uri())
                .awaitTimeout(Duration.ofSeconds(1)).channels(ChannelSettings.DEFAULT.withMax(1)
                        .withCheckoutTimeout(Duration.ofMillis(100))).build()).build();
        holder.await(WAIT);
        ChannelPool<Channel> pool = ((PooledChannels) holder.channels()).pool();
        broker.stop();
        Await.until("the loss to be noticed", WAIT, () -> holder.state() != ConnectionState.CONNECTED);
        CompletableFuture<Throwable> first = CompletableFuture.supplyAsync(this::borrowFailure, THREADS);
        CompletableFuture<Throwable> second = CompletableFuture.supplyAsync(this::borrowFailure, THREADS);
        Throwable one = first.get(10, TimeUnit.SECONDS);
        Throwable two = second.get(10, TimeUnit.SECONDS);
        assertTrue(one instanceof NotConnectedException, String.valueOf(one));
        assertTrue(two instanceof NotConnectedException, String.valueOf(two));
        assertEquals(0, pool.lent());
        assertEquals(0, pool.waiting());
    }

    private Throwable borrowFailure() {
        try {
            holder.channels().run(channel -> { });
            return null;
        } catch (IOException e) {
            return e;
        }
    }

    @Test
    void closingTheHolderClosesThePoolAndReleasesBorrowersWaitingForAChannel() throws Exception {
        ChannelPool<Channel> pool = pool(WAIT);
        holder.channels().run(channel -> { });
        CountDownLatch borrowed = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<?>[] occupants = new CompletableFuture<?>[2];
        for (int i = 0; i < 2; i++) {
            occupants[i] = CompletableFuture.runAsync(() -> {
                try {
                    holder.channels().run(channel -> {
                        borrowed.countDown();
                        await(release);
                    });
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }, THREADS);
        }
        assertTrue(borrowed.await(10, TimeUnit.SECONDS));
        CompletableFuture<Throwable> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                holder.channels().run(channel -> { });
                return null;
            } catch (IOException e) {
                return e;
            }
        }, THREADS);
        Await.until("a borrower waiting for a channel", WAIT, () -> pool.waiting() == 1);
        holder.close();
        release.countDown();
        CompletableFuture.allOf(occupants).get(10, TimeUnit.SECONDS);
        assertTrue(waiter.get(10, TimeUnit.SECONDS) instanceof ConnectionClosedException, String.valueOf(waiter.get()));
        assertThrows(ConnectionClosedException.class, () -> holder.channels().run(channel -> { }));
        assertEquals(0, pool.idle());
        assertEquals(0, pool.lent());
        Await.until("every channel closed", WAIT, () -> pool.open() == 0);
    }

    @Test
    void aChannelClosedByAChannelErrorIsDroppedEvenWhenTheCallbackCaughtTheError() throws Exception {
        ChannelPool<Channel> pool = pool(WAIT);
        Channel failed = holder.channels().call(channel -> {
            try {
                channel.queueDeclarePassive("no-such-queue-" + System.nanoTime());
            } catch (IOException expected) {
                // 404 NOT_FOUND closes the channel
            }
            return channel;
        });
        assertFalse(failed.isOpen());
        assertEquals(0, pool.idle());
        assertTrue(holder.get().isOpen(), "a channel error leaves the connection open");
        assertNotSame(failed, holder.channels().call(channel -> channel));
    }

    @Test
    void borrowingFromAConnectedListenerUsesTheConnectionBeingDelivered() throws Exception {
        java.util.concurrent.atomic.AtomicReference<PersistentConnection> self = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean();
        CompletableFuture<Object> outcome = new CompletableFuture<>();
        holder = PersistentConnection.builder(ConnectionSettings.builder("pool").uri(broker.uri()).build())
                .listener(event -> {
                    if (event instanceof dev.tether.ConnectionEvent.Connected connected && armed.get()) {
                        try {
                            com.rabbitmq.client.Connection used = self.get().channels().call(Channel::getConnection);
                            outcome.complete(used == connected.connection() ? "delivered" : "another: " + used);
                        } catch (Throwable e) {
                            outcome.complete(e);
                        }
                    }
                }).build();
        self.set(holder);
        holder.await(WAIT);
        armed.set(true);
        holder.reconnect();
        assertEquals("delivered", outcome.get(10, TimeUnit.SECONDS), "a topology observer borrows on its connection");
        holder.await(WAIT);
        holder.channels().run(channel -> { });
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
