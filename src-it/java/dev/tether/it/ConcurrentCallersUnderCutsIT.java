package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ChannelContinuationTimeoutException;
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
 * connection is cut 100 times. No call may hang: each step returns within the bound the library
 * sets for it, plus {@link #SLACK} for a loaded machine, with success, a not-connected failure, or a
 * channel that died under it:
 * <ul>
 *   <li>{@code await}: {@code await-timeout};
 *   <li>{@code createChannel} and {@code close}: each a channel RPC, bounded by the client's
 *       {@code channelRpcTimeout}, which Tether sets to twice {@code connection-timeout}
 *       (docs/channels-and-publishing.md); a channel opened just as a cut lands may wait that long
 *       for a reply that never comes (seen in CI: ten calls of 4 s);
 *   <li>{@code basicPublish}: no wait of its own.
 * </ul>
 *
 * <p>Also counted, not asserted: how often {@code await()} returned a connection the RabbitMQ client
 * had already closed (see {@link StaleWindow} and {@link StaleConnectionIT}), how often
 * {@code createChannel()} returned {@code null} (a connection cut but not yet noticed, whose channel
 * numbers are all taken by channels whose opening failed), and how many channel RPCs timed out.
 */
@ExtendWith(RabbitMq.class)
class ConcurrentCallersUnderCutsIT {

    private static final int THREADS = 64;
    private static final int CUTS = 100;
    private static final Duration AWAIT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(2);
    /** Tether's bound on a channel RPC: twice connection-timeout. */
    private static final Duration RPC_TIMEOUT = CONNECTION_TIMEOUT.multipliedBy(2);
    /** What a loaded machine may add to a bounded wait. */
    private static final Duration SLACK = Duration.ofSeconds(1);
    private static final String[] STEPS = {"await", "createChannel", "basicPublish", "close"};
    /** Each step's limit: its bound in the library, plus the slack. */
    private static final long[] STEP_LIMIT_NANOS = {
        AWAIT_TIMEOUT.plus(SLACK).toNanos(), RPC_TIMEOUT.plus(SLACK).toNanos(), SLACK.toNanos(),
        RPC_TIMEOUT.plus(SLACK).toNanos()};
    /** The longest a whole call may take. */
    private static final Duration CALL_LIMIT = AWAIT_TIMEOUT.plus(RPC_TIMEOUT.multipliedBy(2)).plus(SLACK);
    /** How long the callers use each connection before it is cut. */
    private static final Duration IN_USE = Duration.ofMillis(50);
    private static final Duration WAIT = Duration.ofSeconds(15);

    private final AtomicLong succeeded = new AtomicLong();
    private final AtomicLong notConnected = new AtomicLong();
    private final AtomicLong channelDied = new AtomicLong();
    private final AtomicLong overLimit = new AtomicLong();
    private final AtomicLong rpcTimedOut = new AtomicLong();
    private final AtomicLong handedOutClosed = new AtomicLong();
    private final AtomicLong noChannel = new AtomicLong();
    private final AtomicReference<String> noChannelSeen = new AtomicReference<>();
    private final LongAccumulator maxCallNanos = new LongAccumulator(Math::max, 0);
    private final LongAccumulator[] maxStepNanos = {new LongAccumulator(Math::max, 0),
        new LongAccumulator(Math::max, 0), new LongAccumulator(Math::max, 0), new LongAccumulator(Math::max, 0)};
    private final Map<String, Throwable> unexpected = new ConcurrentHashMap<>();
    /** What the first calls over the limit spent in each step, so that a failure says where. */
    private final java.util.Queue<String> slowCalls = new java.util.concurrent.ConcurrentLinkedQueue<>();
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
                    .awaitTimeout(AWAIT_TIMEOUT).connectionTimeout(CONNECTION_TIMEOUT).build();
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
        Duration joinLimit = CALL_LIMIT.plus(SLACK);
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
        assertEquals(0, overLimit.get(), "calls with a step over its bound + " + SLACK.toMillis()
                + " ms (await " + AWAIT_TIMEOUT.toMillis() + " ms, a channel RPC " + RPC_TIMEOUT.toMillis()
                + " ms); the longest call took " + maxMs + " ms; the first of them:\n" + String.join("\n", slowCalls));
        assertTrue(maxMs <= CALL_LIMIT.toMillis(), "the longest call took " + maxMs + " ms");
        assertTrue(succeeded.get() >= CUTS, "the callers got work done between cuts: " + succeeded.get());
        assertTrue(connects.get() >= CUTS + 1, "every cut was followed by a new connection: " + connects.get());

        Survives.report("load", "threads", THREADS, "cuts", CUTS,
                "calls", succeeded.get() + notConnected.get() + channelDied.get() + noChannel.get(),
                "ok", succeeded.get(),
                "not_connected", notConnected.get(), "channel_died", channelDied.get(),
                "await_returned_closed", handedOutClosed.get(), "create_channel_null", noChannel.get()
                        + (noChannelSeen.get() == null ? "" : " (" + noChannelSeen.get() + ")"),
                "rpc_timed_out", rpcTimedOut.get(), "max_step_ms", stepMaxima(),
                "max_call_ms", maxMs, "limit_ms", CALL_LIMIT.toMillis(), "connections", connects.get(),
                "duration_s", seconds);
    }

    /** One caller: what a bean does through the injected proxy, in a loop, timing every call. */
    private void callUntilStopped(PersistentConnection holder, Duration awaitTimeout) {
        byte[] body = "load".getBytes(StandardCharsets.UTF_8);
        while (running.get()) {
            long begin = System.nanoTime();
            long[] steps = new long[4]; // when await, createChannel, basicPublish and close returned
            String outcome = "?";
            try {
                Connection connection;
                try {
                    connection = holder.await(awaitTimeout);
                } catch (TimeoutException e) {
                    notConnected.incrementAndGet();
                    outcome = "await timed out";
                    continue;
                } finally {
                    steps[0] = System.nanoTime();
                }
                if (!connection.isOpen()) {
                    handedOutClosed.incrementAndGet(); // the holder has not withdrawn it yet: see StaleWindow
                }
                Channel channel = connection.createChannel();
                steps[1] = System.nanoTime();
                if (channel == null) { // the client's answer when it has no channel number to give
                    noChannel.incrementAndGet();
                    noChannelSeen.compareAndSet(null, "open=" + connection.isOpen() + ", channelMax="
                            + connection.getChannelMax());
                    outcome = "no channel";
                    continue;
                }
                channel.basicPublish("", "tether-it-load-nowhere", null, body);
                steps[2] = System.nanoTime();
                channel.close();
                steps[3] = System.nanoTime();
                succeeded.incrementAndGet();
                outcome = "ok";
            } catch (NotConnectedException e) {
                notConnected.incrementAndGet();
                outcome = e.toString();
            } catch (IOException | ShutdownSignalException | TimeoutException e) { // AlreadyClosedException included
                channelDied.incrementAndGet(); // the connection died under the call: a legitimate failure
                if (e instanceof TimeoutException || e instanceof ChannelContinuationTimeoutException) {
                    rpcTimedOut.incrementAndGet();
                }
                outcome = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                unexpected.putIfAbsent(e.getClass().getName(), e);
                outcome = e.toString();
            } finally {
                long took = System.nanoTime() - begin;
                maxCallNanos.accumulate(took);
                if (recordAndCheckSteps(begin, steps, System.nanoTime())) {
                    overLimit.incrementAndGet();
                    if (slowCalls.size() < 5) {
                        slowCalls.add(describe(begin, steps, took, outcome));
                    }
                }
            }
        }
    }

    /**
     * Keeps the longest time seen for each step that returned, and tells whether a step took longer
     * than its limit; a step that never returned ran until {@code end}, and the call ended in it.
     */
    private boolean recordAndCheckSteps(long begin, long[] steps, long end) {
        long from = begin;
        for (int i = 0; i < steps.length; i++) {
            long took = (steps[i] == 0 ? end : steps[i]) - from;
            if (steps[i] != 0) {
                maxStepNanos[i].accumulate(took);
            }
            if (took > STEP_LIMIT_NANOS[i]) {
                return true;
            }
            if (steps[i] == 0) {
                return false;
            }
            from = steps[i];
        }
        return false;
    }

    /** One slow call: the time each step returned, in ms from the call's start (- if it never did). */
    private static String describe(long begin, long[] steps, long took, String outcome) {
        StringBuilder line = new StringBuilder("  " + Thread.currentThread().getName() + ": "
                + TimeUnit.NANOSECONDS.toMillis(took) + " ms;");
        for (int i = 0; i < STEPS.length; i++) {
            line.append(' ').append(STEPS[i]).append(" at ")
                    .append(steps[i] == 0 ? "-" : TimeUnit.NANOSECONDS.toMillis(steps[i] - begin) + " ms");
        }
        return line.append("; ").append(outcome).toString();
    }

    /** The longest time seen for each step, for the report: {@code await=12/createChannel=40/...}. */
    private String stepMaxima() {
        List<String> maxima = new ArrayList<>();
        for (int i = 0; i < STEPS.length; i++) {
            maxima.add(STEPS[i] + "=" + TimeUnit.NANOSECONDS.toMillis(maxStepNanos[i].get()));
        }
        return String.join("/", maxima);
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
