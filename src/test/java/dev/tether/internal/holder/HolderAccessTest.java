package dev.tether.internal.holder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.tether.ConnectionEvent;
import dev.tether.ConnectionSettings;
import dev.tether.ConnectionState;
import dev.tether.NotConnectedException;
import dev.tether.internal.connect.Sources;
import dev.tether.internal.threads.ExecutorScheduler;
import dev.tether.internal.threads.ManualScheduler;
import dev.tether.testing.Await;
import dev.tether.testing.EmbeddedBroker;
import dev.tether.testing.FixedRandom;
import dev.tether.testing.QpidBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EmbeddedBroker.class)
class HolderAccessTest {

    private final ManualScheduler scheduler = new ManualScheduler();

    @Test
    void getThrowsAtOnceAndCurrentIsEmptyUntilConnectedThenBothReturnTheConnection(QpidBroker broker)
            throws Exception {
        ConnectionHolder holder = Holders.manual(settings(broker.uri()), scheduler, new FixedRandom(0.5), null);
        holder.start();
        NotConnectedException error = assertThrows(NotConnectedException.class, holder::get);
        assertEquals("default", error.connectionName());
        assertTrue(error.getMessage().contains("'default'"), error.getMessage());
        assertTrue(holder.current().isEmpty());
        assertEquals(ConnectionState.CONNECTING, holder.state());

        scheduler.runDue();

        Connection connection = holder.get();
        assertTrue(connection.isOpen());
        assertSame(connection, holder.current().orElseThrow());
        assertSame(connection, holder.get(), "the same connection while it lives");
        assertSame(connection, holder.await(Duration.ofMillis(1)));
        assertSame(connection, holder.connected().toCompletableFuture().getNow(null), "already complete");
        assertEquals(ConnectionState.CONNECTED, holder.state());
        holder.close();
        scheduler.runDue();
    }

    @Test
    void aDeadConnectionIsWithdrawnAtOnceBeforeTheHolderThreadReacts(QpidBroker broker) throws Exception {
        try (dev.tether.testing.FaultProxy proxy = dev.tether.testing.FaultProxy.start(broker.port())) {
            ConnectionHolder holder = Holders.manual(settings(proxy.uri()), scheduler, new FixedRandom(0.5), null);
            holder.start();
            scheduler.runDue();
            assertTrue(holder.current().isPresent());

            proxy.cut();

            Await.until("the dead connection to be withdrawn, with no holder task run", Duration.ofSeconds(5),
                    () -> holder.current().isEmpty());
            assertThrows(NotConnectedException.class, holder::get);
            scheduler.awaitAndRunDue(Duration.ofSeconds(5));
            assertTrue(holder.get().isOpen(), "reconnected once the holder ran");
            holder.close();
            scheduler.runDue();
        }
    }

    @Test
    void waitingFromAListenerFailsInsteadOfDeadlocking(QpidBroker broker) throws Exception {
        java.util.concurrent.atomic.AtomicReference<ConnectionHolder> self = new java.util.concurrent.atomic.AtomicReference<>();
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        ConnectionSettings lazy = ConnectionSettings.builder().uri(broker.uri()).eager(false).build();
        ConnectionHolder holder = new ConnectionHolder(lazy, new Sources(null, null, null), List.of(event -> {
            if (event instanceof ConnectionEvent.Connecting) {
                try {
                    self.get().await(Duration.ofSeconds(1));
                    thrown.complete(null);
                } catch (Throwable e) {
                    thrown.complete(e);
                }
            }
        }), Instrumentation.NONE, java.time.Clock.systemUTC(), new ExecutorScheduler("tether-listener-await"),
                java.util.random.RandomGenerator.getDefault());
        self.set(holder);
        holder.connected().toCompletableFuture().get(10, TimeUnit.SECONDS);
        Throwable error = thrown.get(10, TimeUnit.SECONDS);
        assertTrue(error instanceof IllegalStateException && error.getMessage().contains("deadlock"),
                String.valueOf(error));
        holder.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aListenerCanAskForTheNextConnectionWithoutBlocking(QpidBroker broker) throws Exception {
        AtomicReference<ConnectionHolder> self = new AtomicReference<>();
        CompletableFuture<Connection> next = new CompletableFuture<>();
        ConnectionSettings settings = ConnectionSettings.builder().uri(broker.uri()).build();
        ConnectionHolder holder = new ConnectionHolder(settings, new Sources(null, null, null), List.of(event -> {
            if (event instanceof ConnectionEvent.Disconnected) {
                self.get().connected().thenAcceptAsync(next::complete); // on the holder's own thread
            }
        }), Instrumentation.NONE, java.time.Clock.systemUTC(), new ExecutorScheduler("tether-listener-connected"),
                java.util.random.RandomGenerator.getDefault());
        self.set(holder);
        holder.start();
        Connection first = holder.connected().toCompletableFuture().get(10, TimeUnit.SECONDS);

        holder.reconnect();

        Connection second = next.get(10, TimeUnit.SECONDS);
        assertNotSame(first, second);
        assertTrue(second.isOpen());
        holder.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void theConnectionIsTrustedUnaskedOnlyWhileItsClosureSignalIsOpen(QpidBroker broker) throws Exception {
        ConnectionHolder holder = Holders.manual(settings(broker.uri()), scheduler, new FixedRandom(0.5), null);
        holder.start();
        scheduler.runDue();
        Connection connection = holder.get();
        assertTrue(holder.watchedForClosure(), "get() and current() need no lock while the channel is open");

        connection.close();

        assertFalse(holder.watchedForClosure());
        assertTrue(holder.current().isEmpty(), "withdrawn as the connection closed, before any holder task ran");
        holder.close();
        scheduler.runDue();
    }

    @Test
    void getNamesTheLastFailure() {
        ConnectionHolder holder = Holders.manual(settings("amqp://guest:guest@127.0.0.1:" + Ports.closed()),
                scheduler, new FixedRandom(0.5), null);
        holder.start();
        scheduler.runDue();
        NotConnectedException error = assertThrows(NotConnectedException.class, holder::get);
        assertTrue(error.getMessage().contains("REFUSED"), error.getMessage());
        assertEquals("REFUSED", error.lastFailure().orElseThrow().kind().name());
        holder.close();
    }

    @Test
    void awaitTimesOutAndTenThousandTimedOutOrInterruptedWaitersLeaveNoWaiterBehind() throws Exception {
        ConnectionHolder holder = neverConnecting();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        AtomicInteger timedOut = new AtomicInteger();
        AtomicInteger interrupted = new AtomicInteger();
        List<Future<?>> work = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            boolean interrupt = i % 4 == 0;
            work.add(pool.submit(() -> {
                try {
                    if (interrupt) {
                        Thread.currentThread().interrupt();
                    }
                    holder.await(Duration.ofNanos(50_000));
                } catch (TimeoutException e) {
                    timedOut.incrementAndGet();
                } catch (InterruptedException e) {
                    interrupted.incrementAndGet();
                }
                return null;
            }));
        }
        for (Future<?> future : work) {
            future.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertEquals(10_000, timedOut.get() + interrupted.get());
        assertEquals(2_500, interrupted.get());
        assertEquals(0, holder.waiterCount());
        holder.close();
    }

    @Test
    void aTimeoutMessageNamesTheConnectionAndTheLimit() {
        ConnectionHolder holder = neverConnecting();
        TimeoutException error = assertThrows(TimeoutException.class, () -> holder.await(Duration.ofMillis(20)));
        assertTrue(error.getMessage().contains("'default'") && error.getMessage().contains("20ms"),
                error.getMessage());
        holder.close();
    }

    @Test
    void cancellingAConnectedStageRemovesItsWaiter() {
        ConnectionHolder holder = neverConnecting();
        List<CompletableFuture<Connection>> stages = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            stages.add(holder.connected().toCompletableFuture());
        }
        assertEquals(1000, holder.waiterCount());
        stages.forEach(stage -> stage.cancel(false));
        assertEquals(0, holder.waiterCount());
        holder.close();
    }

    @Test
    void waitersAreReleasedOnlyAfterTheConnectedListenersHaveRun(QpidBroker broker) throws Exception {
        CountDownLatch listenerEntered = new CountDownLatch(1);
        CountDownLatch letListenerFinish = new CountDownLatch(1);
        String queue = "declared-by-listener";
        ConnectionHolder holder = Holders.real(settings(broker.uri()), event -> {
            if (event instanceof ConnectionEvent.Connected connected) {
                try (Channel channel = connected.connection().createChannel()) {
                    channel.queueDeclare(queue, false, false, true, null);
                }
                listenerEntered.countDown();
                assertTrue(letListenerFinish.await(10, TimeUnit.SECONDS));
            }
        });
        CompletableFuture<Connection> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return holder.await(Duration.ofSeconds(10));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        CompletableFuture<Connection> stage = holder.connected().toCompletableFuture();
        assertTrue(listenerEntered.await(10, TimeUnit.SECONDS));
        assertFalse(waiting.isDone(), "a waiter saw the connection before its listener finished");
        assertFalse(stage.isDone());
        assertThrows(NotConnectedException.class, holder::get);
        assertEquals(ConnectionState.CONNECTING, holder.state());

        letListenerFinish.countDown();
        Connection connection = waiting.get(10, TimeUnit.SECONDS);
        assertSame(connection, stage.get(10, TimeUnit.SECONDS));
        try (Channel channel = connection.createChannel()) {
            channel.basicPublish("", queue, null, "hello".getBytes());
            Await.until("the message in the queue the listener declared", Duration.ofSeconds(5),
                    () -> queueDepth(channel, queue) == 1);
        }
        holder.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void awaitWithoutATimeoutReturnsTheLiveConnectionAtOnce(QpidBroker broker) throws Exception {
        ConnectionHolder holder = Holders.manual(settings(broker.uri()), scheduler, new FixedRandom(0.5), null);
        holder.start();
        scheduler.runDue();
        assertFalse(holder.isClosed());

        assertSame(holder.get(), holder.await());
        assertEquals(0, holder.waiterCount(), "no waiter registered for a live connection");
        holder.close();
        scheduler.runDue();
    }

    @Test
    void updateReplacesTheSettingsAndToStringShowsNameStateAndUriWithoutThePassword() {
        ConnectionHolder holder = neverConnecting();
        ConnectionSettings next = holder.settings().toBuilder().uri("amqp://app:s3cr3t@rabbit.example:5673")
                .build();

        holder.update(next);

        assertSame(next, holder.settings());
        String shown = holder.toString();
        assertTrue(shown.startsWith("PersistentConnection[default, CONNECTING, ") && shown.contains("rabbit.example")
                && !shown.contains("s3cr3t"), shown);
        assertThrows(NullPointerException.class, () -> holder.update((ConnectionSettings) null));
        assertSame(next, holder.settings());
        holder.close();
    }

    private static int queueDepth(Channel channel, String queue) {
        try {
            return channel.queueDeclarePassive(queue).getMessageCount();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private ConnectionHolder neverConnecting() {
        ConnectionHolder holder = Holders.manual(ConnectionSettings.builder().build(), scheduler, new FixedRandom(0.5),
                null);
        holder.start(); // queued on the manual scheduler, never run: the holder stays CONNECTING
        return holder;
    }

    static ConnectionSettings settings(String uri) {
        return ConnectionSettings.builder().uri(uri).connectionTimeout(Duration.ofSeconds(2)).build();
    }
}
