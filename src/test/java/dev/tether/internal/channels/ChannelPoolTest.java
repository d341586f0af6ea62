package dev.tether.internal.channels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import dev.tether.ChannelSettings;
import dev.tether.CheckoutTimeoutException;
import dev.tether.ConnectionSettings;
import dev.tether.PersistentConnection;
import dev.tether.testing.Await;
import dev.tether.testing.EmbeddedBroker;
import dev.tether.testing.QpidBroker;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Lending channels: reuse, the bound, one thread per channel, fairness, timeouts, interrupts, failures. */
@ExtendWith(EmbeddedBroker.class)
class ChannelPoolTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final QpidBroker broker;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private PersistentConnection holder;

    ChannelPoolTest(QpidBroker broker) {
        this.broker = broker;
    }

    @AfterEach
    void close() throws Exception {
        threads.shutdownNow();
        assertTrue(threads.awaitTermination(10, TimeUnit.SECONDS));
        if (holder != null) {
            holder.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private ChannelPool<Channel> pool(ChannelSettings channels) throws Exception {
        holder = PersistentConnection.builder(ConnectionSettings.builder("pool").uri(broker.uri())
                .channels(channels).build()).build();
        holder.await(WAIT);
        return ((PooledChannels) holder.channels()).pool();
    }

    @Test
    void aReturnedChannelIsLentAgainAndStaysOpen() throws Exception {
        ChannelPool<Channel> pool = pool(ChannelSettings.DEFAULT);
        Channel first = holder.channels().call(channel -> channel);
        Channel second = holder.channels().call(channel -> channel);
        assertSame(first, second);
        assertTrue(first.isOpen());
        assertEquals(1, pool.open());
        assertEquals(1, pool.idle());
        assertEquals(0, pool.lent());
        assertEquals("Channels[pool, 0 of " + pool.max() + " lent, 1 idle]", holder.channels().toString());
    }

    @Test
    void neverMoreThanMaxChannelsAndNeverTwoThreadsOnOneChannel() throws Exception {
        ChannelPool<Channel> pool = pool(ChannelSettings.DEFAULT.withMax(3));
        Set<Channel> inUse = ConcurrentHashMap.newKeySet();
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        List<Future<?>> workers = new CopyOnWriteArrayList<>();
        for (int t = 0; t < 8; t++) {
            workers.add(threads.submit(() -> {
                for (int i = 0; i < 200; i++) {
                    holder.channels().run(channel -> {
                        assertTrue(inUse.add(channel), "channel lent to two threads at once");
                        most.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
                        Thread.yield();
                        concurrent.decrementAndGet();
                        inUse.remove(channel);
                    });
                }
                return null;
            }));
        }
        for (Future<?> worker : workers) {
            worker.get(60, TimeUnit.SECONDS);
        }
        assertTrue(most.get() <= 3, "at most 3 lent at once, saw " + most.get());
        assertTrue(pool.open() <= 3, "open channels " + pool.open());
        assertEquals(0, pool.lent());
    }

    @Test
    void aCallerThatWaitsTooLongGetsAnExceptionNamingTheConnectionThePoolSizeAndTheWait() throws Exception {
        ChannelPool<Channel> pool = pool(ChannelSettings.DEFAULT.withMax(1).withCheckoutTimeout(Duration.ofMillis(200)));
        CountDownLatch release = new CountDownLatch(1);
        Future<?> occupant = occupy(release);
        long start = System.nanoTime();
        CheckoutTimeoutException timeout = assertThrows(CheckoutTimeoutException.class,
                () -> holder.channels().run(channel -> { }));
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(waitedMs >= 190, "waited " + waitedMs + " ms");
        assertEquals("Connection 'pool': no channel free within 200ms (all 1 of the pool borrowed; channels.max)",
                timeout.getMessage());
        assertEquals(1, timeout.poolSize());
        assertEquals(Duration.ofMillis(200), timeout.waited());
        release.countDown();
        occupant.get(10, TimeUnit.SECONDS);
        assertEquals(0, pool.lent());
    }

    /**
     * The occupant borrows again the moment it gives back, before the first waiter has woken: a
     * non-fair semaphore would let it barge in ahead of the five; the fair one queues it last.
     */
    @Test
    void waitingBorrowersAreServedInTheOrderTheyCameAndNobodyBargesIn() throws Exception {
        ChannelPool<Channel> pool = pool(ChannelSettings.DEFAULT.withMax(1).withCheckoutTimeout(Duration.ofSeconds(30)));
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch borrowed = new CountDownLatch(1);
        List<Integer> served = new CopyOnWriteArrayList<>();
        Future<?> occupant = threads.submit(() -> {
            holder.channels().run(channel -> {
                borrowed.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            holder.channels().run(channel -> served.add(99)); // at once: the barger
            return null;
        });
        assertTrue(borrowed.await(10, TimeUnit.SECONDS));
        List<Future<?>> waiters = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 5; i++) {
            int id = i;
            waiters.add(threads.submit(() -> {
                holder.channels().run(channel -> served.add(id));
                return null;
            }));
            Await.until("borrower " + id + " to queue", WAIT, () -> pool.waiting() == id + 1);
        }
        release.countDown();
        for (Future<?> waiter : waiters) {
            waiter.get(10, TimeUnit.SECONDS);
        }
        occupant.get(10, TimeUnit.SECONDS);
        assertEquals(List.of(0, 1, 2, 3, 4, 99), served);
    }

    @Test
    void anInterruptedBorrowerGivesUpWithItsFlagSetAndTakesNoPermit() throws Exception {
        ChannelPool<Channel> pool = pool(ChannelSettings.DEFAULT.withMax(1).withCheckoutTimeout(Duration.ofSeconds(30)));
        CountDownLatch release = new CountDownLatch(1);
        Future<?> occupant = occupy(release);
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread borrower = new Thread(() -> {
            try {
                holder.channels().run(channel -> { });
                outcome.complete(null);
            } catch (Throwable e) {
                outcome.complete(Thread.currentThread().isInterrupted() ? e : new AssertionError("flag cleared", e));
            }
        });
        borrower.start();
        Await.until("the borrower to queue", WAIT, () -> pool.waiting() == 1);
        borrower.interrupt();
        assertTrue(outcome.get(10, TimeUnit.SECONDS) instanceof InterruptedIOException, outcome.get().toString());
        release.countDown();
        occupant.get(10, TimeUnit.SECONDS);
        assertEquals(0, pool.lent());
        holder.channels().run(channel -> { }); // the permit is free
    }

    @Test
    void aChannelWhoseCallbackThrewIsClosedAndNotLentAgain() throws Exception {
        ChannelPool<Channel> pool = pool(ChannelSettings.DEFAULT);
        Channel[] seen = new Channel[1];
        IOException thrown = assertThrows(IOException.class, () -> holder.channels().run(channel -> {
            seen[0] = channel;
            throw new IOException("application failure");
        }));
        assertEquals("application failure", thrown.getMessage());
        assertFalse(seen[0].isOpen());
        assertThrows(IllegalStateException.class, () -> holder.channels().run(channel -> {
            throw new IllegalStateException("runtime failure");
        }));
        Channel next = holder.channels().call(channel -> channel);
        assertNotSame(seen[0], next);
        assertEquals(0, pool.lent());
        Await.until("only the last channel open", WAIT, () -> pool.open() == 1);
    }

    @Test
    void aChannelTheCallerClosedIsNotLentAgain() throws Exception {
        ChannelPool<Channel> pool = pool(ChannelSettings.DEFAULT);
        Channel closed = holder.channels().call(channel -> {
            channel.abort();
            return channel;
        });
        assertEquals(0, pool.idle());
        assertNotSame(closed, holder.channels().call(channel -> channel));
    }

    /** Borrows the pool's only channel on another thread until {@code release}. */
    private Future<?> occupy(CountDownLatch release) throws Exception {
        CountDownLatch borrowed = new CountDownLatch(1);
        Future<?> occupant = threads.submit(() -> {
            holder.channels().run(channel -> {
                borrowed.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            return null;
        });
        assertTrue(borrowed.await(10, TimeUnit.SECONDS));
        return occupant;
    }
}
