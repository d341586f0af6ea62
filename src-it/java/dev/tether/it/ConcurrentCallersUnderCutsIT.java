package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import dev.tether.ConnectionEvent;
import dev.tether.ConnectionSettings;
import dev.tether.NotConnectedException;
import dev.tether.PersistentConnection;
import dev.tether.testing.Await;
import dev.tether.testing.FaultProxy;
import dev.tether.testing.RabbitMq;
import dev.tether.testing.RabbitMqNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Load: 64 threads use the connection the way the injected {@code Connection} proxy does (wait up
 * to {@code await-timeout} for a connection, then create a channel, publish, close it) while the
 * connection is cut 100 times. No call may hang: each returns within {@code await-timeout} + 1 s,
 * with success, a not-connected failure, or a channel that died under it.
 *
 * <p>Also counted, not asserted: how often {@code await()} returned a connection the RabbitMQ client
 * had already closed (see {@link StaleWindow} and {@link StaleConnectionIT}), and how often
 * {@code createChannel()} returned {@code null} (a connection cut but not yet noticed, whose channel
 * numbers are all taken by channels whose opening failed).
 */
@ExtendWith(RabbitMq.class)
class ConcurrentCallersUnderCutsIT {

    private static final int THREADS = 64;
    private static final int CUTS = 100;
    private static final Duration AWAIT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration CALL_LIMIT = AWAIT_TIMEOUT.plusSeconds(1);
    /** How long the callers use each connection before it is cut. */
    private static final Duration IN_USE = Duration.ofMillis(50);
    private static final Duration WAIT = Duration.ofSeconds(15);

    private final AtomicLong succeeded = new AtomicLong();
    private final AtomicLong notConnected = new AtomicLong();
    private final AtomicLong channelDied = new AtomicLong();
    private final AtomicLong overLimit = new AtomicLong();
    private final AtomicLong handedOutClosed = new AtomicLong();
    private final AtomicLong noChannel = new AtomicLong();
    private final AtomicReference<String> noChannelSeen = new AtomicReference<>();
    private final LongAccumulator maxCallNanos = new LongAccumulator(Math::max, 0);
    private final Map<String, Throwable> unexpected = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);

    @Test
    void sixtyFourCallersThroughAHundredCutsNeverHangAndGetSuccessOrAFailureInTime(RabbitMqNode node)
            throws Exception {
        AtomicInteger connects = new AtomicInteger();
        Logger tether = Logger.getLogger("dev.tether");
        Level level = tether.getLevel();
        tether.setLevel(Level.SEVERE); // 200 loss and recovery lines would drown the output
        try (FaultProxy proxy = FaultProxy.start(node.port())) {
            ConnectionSettings settings = ConnectionSettings.builder("it-load").uri(proxy.uri())
                    .awaitTimeout(AWAIT_TIMEOUT).connectionTimeout(Duration.ofSeconds(2)).build();
            PersistentConnection holder = PersistentConnection.builder(settings)
                    .listener(event -> {
                        if (event instanceof ConnectionEvent.Connected) {
                            connects.incrementAndGet();
                        }
                    })
                    .build();
            List<Thread> callers = new ArrayList<>();
            long begin = System.nanoTime();
            try {
                loadAndCheck(holder, proxy, callers, connects, begin);
            } finally {
                running.set(false);
                holder.close().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
        } finally {
            tether.setLevel(level);
        }
    }

    private void loadAndCheck(PersistentConnection holder, FaultProxy proxy, List<Thread> callers,
            AtomicInteger connects, long begin) throws Exception {
        try {
            holder.await(WAIT);
            for (int i = 0; i < THREADS; i++) {
                Thread caller = new Thread(() -> callUntilStopped(holder, AWAIT_TIMEOUT), "it-load-caller-" + i);
                caller.setDaemon(true);
                callers.add(caller);
                caller.start();
            }
            for (int cut = 1; cut <= CUTS; cut++) {
                int expected = cut;
                // a new connection to cut: await() alone may still return the one just cut
                Await.until("connection " + expected, WAIT, () -> connects.get() >= expected);
                holder.await(WAIT);
                LockSupport.parkNanos(IN_USE.toNanos()); // deliberate: the callers use it for a while
                proxy.cut();
            }
        } finally {
            running.set(false);
        }
        Duration joinLimit = CALL_LIMIT.plusSeconds(2);
        List<String> stuck = joinAll(callers, joinLimit);
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - begin);
        if (!stuck.isEmpty()) {
            fail("callers still running " + joinLimit.toMillis() + " ms after the end (a hang):\n"
                    + String.join("\n", stuck));
        }
        Await.until("the connection after the last cut", WAIT, () -> connects.get() >= CUTS + 1);
        holder.await(WAIT);
        try (Channel channel = holder.get().createChannel()) {
            assertTrue(channel.isOpen(), "the connection still works after the load");
        }

        long maxMs = TimeUnit.NANOSECONDS.toMillis(maxCallNanos.get());
        assertEquals(Map.of(), unexpected, "no call failed in another way");
        assertEquals(0, overLimit.get(), "calls over await-timeout + 1 s; the longest took " + maxMs + " ms");
        assertTrue(maxMs <= CALL_LIMIT.toMillis(), "the longest call took " + maxMs + " ms");
        assertTrue(succeeded.get() >= CUTS, "the callers got work done between cuts: " + succeeded.get());
        assertTrue(connects.get() >= CUTS + 1, "every cut was followed by a new connection: " + connects.get());

        Survives.report("load", "threads", THREADS, "cuts", CUTS,
                "calls", succeeded.get() + notConnected.get() + channelDied.get() + noChannel.get(),
                "ok", succeeded.get(),
                "not_connected", notConnected.get(), "channel_died", channelDied.get(),
                "await_returned_closed", handedOutClosed.get(), "create_channel_null", noChannel.get()
                        + (noChannelSeen.get() == null ? "" : " (" + noChannelSeen.get() + ")"),
                "max_call_ms", maxMs, "limit_ms", CALL_LIMIT.toMillis(), "connections", connects.get(),
                "duration_s", seconds);
    }

    /** One caller: what a bean does through the injected proxy, in a loop, timing every call. */
    private void callUntilStopped(PersistentConnection holder, Duration awaitTimeout) {
        byte[] body = "load".getBytes(StandardCharsets.UTF_8);
        while (running.get()) {
            long begin = System.nanoTime();
            try {
                Connection connection;
                try {
                    connection = holder.await(awaitTimeout);
                } catch (TimeoutException e) {
                    notConnected.incrementAndGet();
                    continue;
                }
                if (!connection.isOpen()) {
                    handedOutClosed.incrementAndGet(); // the holder has not withdrawn it yet: see StaleWindow
                }
                Channel channel = connection.createChannel();
                if (channel == null) { // the client's answer when it has no channel number to give
                    noChannel.incrementAndGet();
                    noChannelSeen.compareAndSet(null, "open=" + connection.isOpen() + ", channelMax="
                            + connection.getChannelMax());
                    continue;
                }
                channel.basicPublish("", "tether-it-load-nowhere", null, body);
                channel.close();
                succeeded.incrementAndGet();
            } catch (NotConnectedException e) {
                notConnected.incrementAndGet();
            } catch (IOException | ShutdownSignalException | TimeoutException e) { // AlreadyClosedException included
                channelDied.incrementAndGet(); // the connection died under the call: a legitimate failure
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                unexpected.putIfAbsent(e.getClass().getName(), e);
            } finally {
                long took = System.nanoTime() - begin;
                maxCallNanos.accumulate(took);
                if (took > CALL_LIMIT.toNanos()) {
                    overLimit.incrementAndGet();
                }
            }
        }
    }

    /** Joins every thread until the deadline; returns the stacks of those still alive. */
    private static List<String> joinAll(List<Thread> threads, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        List<String> stuck = new ArrayList<>();
        for (Thread thread : threads) {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            if (thread.isAlive()) {
                stuck.add(thread.getName() + " " + Arrays.toString(thread.getStackTrace()));
            }
        }
        return stuck;
    }
}
