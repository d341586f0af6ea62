package dev.tether.internal.consume;

import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import dev.tether.ConnectionSettings;
import dev.tether.DeliveredMessage;
import dev.tether.FailureKind;
import dev.tether.MessageHandler;
import dev.tether.Setting;
import dev.tether.Subscription;
import dev.tether.SubscriptionEvent;
import dev.tether.SubscriptionOptions;
import dev.tether.internal.metrics.Recorder;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;

/**
 * One {@link Subscription}: its state machine runs on the consumers' scheduler (subscribe, loss,
 * broker cancel, pause, resume, cancel, one at a time); its deliveries wait in one queue and are
 * handled on the handler threads, at most {@code concurrency} at once across all its channels, old
 * and new.
 */
final class ManagedSubscription implements Subscription {

    private static final System.Logger LOG = System.getLogger(ManagedSubscription.class.getName());

    private record Pending(ConsumerChannel from, DeliveredMessage message) {
    }

    private enum Outcome { ACK, REQUEUE, REJECT }

    private final ManagedConsumers consumers;
    private final String queue;
    private final SubscriptionOptions options;
    private final MessageHandler handler;
    private final CompletableFuture<Void> cancelled = new CompletableFuture<>();
    private volatile State state = State.WAITING;
    private volatile SubscriptionEvent problem; // the latest Failed or Lost since it last consumed

    // on the scheduler only
    private ConsumerChannel current;
    private Runnable pendingRetry;
    private int attempts;
    private boolean startedBefore;

    // guarded by lock
    private final Object lock = new Object();
    private final Deque<Pending> waiting = new ArrayDeque<>();
    private int running;
    private int concurrency = 1;
    private int mostRunning;
    private boolean halted; // paused or cancelled: no delivery handed out any more, at once

    private volatile int redeliveryLimit;

    ManagedSubscription(ManagedConsumers consumers, String queue, SubscriptionOptions options, MessageHandler handler) {
        this.consumers = consumers;
        this.queue = queue;
        this.options = options;
        this.handler = handler;
    }

    @Override
    public String queue() {
        return queue;
    }

    @Override
    public State state() {
        return state;
    }

    @Override
    public SubscriptionOptions options() {
        return options;
    }

    @Override
    public Optional<SubscriptionEvent> problem() {
        return Optional.ofNullable(problem);
    }

    @Override
    public void pause() {
        halt();
        consumers.run(() -> {
            if (state == State.PAUSED || state == State.CANCELLED) {
                return;
            }
            state = State.PAUSED;
            cancelRetry();
            retireCurrent(true);
        });
    }

    @Override
    public void resume() {
        consumers.run(() -> {
            if (state == State.PAUSED) {
                synchronized (lock) {
                    halted = false;
                }
                state = State.WAITING;
                attempts = 0;
                attempt();
            }
        });
    }

    @Override
    public CompletionStage<Void> cancel() {
        if (state != State.CANCELLED) {
            state = State.CANCELLED;
            halt();
            if (!consumers.run(this::finishCancel)) {
                cancelled.complete(null); // the consumers are closed: nothing left to drain
            }
        }
        return cancelled.minimalCompletionStage();
    }

    @Override
    public String toString() {
        return "Subscription[" + consumers.name() + ", " + queue + ", " + state + "]";
    }

    /** @return the most handlers that ran at once (for tests) */
    int mostRunning() {
        synchronized (lock) {
            return mostRunning;
        }
    }

    /** @return how many deliveries wait for a handler (for tests) */
    int waitingCount() {
        synchronized (lock) {
            return waiting.size();
        }
    }

    /** @return the channel consuming now, or {@code null} (for tests; read on any thread, racy) */
    Channel channel() {
        ConsumerChannel consumer = current;
        return consumer == null ? null : consumer.getChannel();
    }

    // ----- the state machine, on the scheduler

    /** Subscribes on the connection now, unless paused, cancelled, consuming or disconnected. */
    void attempt() {
        pendingRetry = null;
        if (state == State.PAUSED || state == State.CANCELLED || current != null) {
            return;
        }
        Connection connection = consumers.connection();
        if (connection == null) {
            state = State.WAITING; // the next Connected subscribes
            return;
        }
        ConnectionSettings settings = consumers.settings();
        int prefetch = options.prefetch().orElse(settings.get(Setting.CONSUMERS_PREFETCH));
        synchronized (lock) {
            concurrency = Math.min(prefetch, options.concurrency().orElse(settings.get(Setting.CONSUMERS_CONCURRENCY)));
        }
        redeliveryLimit = options.redeliveryLimit().orElse(settings.get(Setting.CONSUMERS_REDELIVERY_LIMIT));
        attempts++;
        Channel channel = null;
        try {
            channel = connection.createChannel();
            if (channel == null) {
                throw new IOException("no channel left on connection '" + consumers.name() + "' (channel_max reached)");
            }
            channel.basicQos(prefetch, false); // per consumer: RabbitMQ 4.3 denies global QoS
            Map<String, Object> arguments = options.arguments().get();
            ConsumerChannel consumer = new ConsumerChannel(this, channel);
            current = consumer;
            consumer.tag = channel.basicConsume(queue, false, "", false, false,
                    arguments == null ? Map.of() : arguments, consumer);
            state = State.CONSUMING;
            problem = null;
            int took = attempts;
            attempts = 0;
            if (startedBefore) {
                consumers.recorder().resubscribed();
            }
            startedBefore = true;
            LOG.log(Level.DEBUG, () -> "Connection '" + consumers.name() + "': consuming from '" + queue + "'");
            consumers.fire(new SubscriptionEvent.Started(consumers.name(), queue, consumers.now(), consumer.tag, took));
        } catch (Exception | StackOverflowError e) {
            if (current != null) {
                current.closedByUs = true;
                current = null;
            }
            closeQuietly(channel);
            if (state == State.CANCELLED || state == State.PAUSED) {
                return;
            }
            state = State.WAITING;
            if (!connection.isOpen()) {
                return; // the connection is gone: the next Connected subscribes
            }
            FailureKind kind = SubscribeFailures.classify(e);
            Duration delay = consumers.delay(kind, attempts);
            LOG.log(attempts == 1 || kind.misconfiguration() ? Level.WARNING : Level.DEBUG,
                    "Connection '" + consumers.name() + "': cannot consume from '" + queue + "' (" + kind
                            + (kind.misconfiguration() ? ", a misconfiguration" : "") + "): " + e + "; next attempt in "
                            + delay.toMillis() + " ms");
            problem = new SubscriptionEvent.Failed(consumers.name(), queue, consumers.now(), e, kind, attempts, delay);
            consumers.fire(problem);
            pendingRetry = consumers.schedule(this::attempt, delay);
        }
    }

    /** A new connection is up (its {@code Connected} listeners have run): subscribe on it at once. */
    void connected() {
        if (state == State.PAUSED || state == State.CANCELLED) {
            return;
        }
        Connection connection = consumers.connection();
        if (current != null && current.getChannel().isOpen() && current.getChannel().getConnection() == connection) {
            return;
        }
        retireCurrent(false);
        cancelRetry();
        attempts = 0;
        attempt();
    }

    /** A channel closed without us: the connection died (wait for the next), or only the channel (retry soon). */
    void lost(ConsumerChannel consumer, ShutdownSignalException cause) {
        if (consumer != current) {
            return;
        }
        current = null;
        stop(consumer);
        if (state == State.CONSUMING) {
            state = State.WAITING;
        }
        LOG.log(Level.INFO, "Connection '" + consumers.name() + "': consumer of '" + queue + "' lost: "
                + cause.getMessage() + "; subscribing again");
        problem = new SubscriptionEvent.Lost(consumers.name(), queue, consumers.now(), cause);
        consumers.fire(problem);
        if (state == State.WAITING && !cause.isHardError() && consumer.getChannel().getConnection().isOpen()) {
            attempts = 1;
            pendingRetry = consumers.schedule(this::attempt, consumers.delay(SubscribeFailures.classify(cause), 1));
        }
    }

    /** The broker cancelled the consumer (queue deleted, quorum leader moved): a new channel, at once. */
    void brokerCancelled(ConsumerChannel consumer) {
        if (consumer != current) {
            return;
        }
        current = null;
        retire(consumer, false);
        if (state == State.CONSUMING) {
            state = State.WAITING;
        }
        LOG.log(Level.INFO, "Connection '" + consumers.name() + "': the broker cancelled the consumer of '" + queue
                + "'; subscribing again");
        problem = new SubscriptionEvent.Lost(consumers.name(), queue, consumers.now(), null);
        consumers.fire(problem);
        attempts = 0;
        attempt();
    }

    private void finishCancel() {
        cancelRetry();
        consumers.removed(this);
        ConsumerChannel consumer = current;
        current = null;
        if (consumer == null) {
            cancelled.complete(null);
        } else {
            retire(consumer, true).whenComplete((ignored, failure) -> cancelled.complete(null));
        }
    }

    private void retireCurrent(boolean cancelConsumer) {
        ConsumerChannel consumer = current;
        current = null;
        if (consumer != null) {
            retire(consumer, cancelConsumer);
        }
    }

    /**
     * Stops handing out the channel's deliveries, cancels its consumer, and closes it once its
     * in-flight handlers have finished (so their acks go out on it): messages fetched but not handled
     * go back to the queue.
     *
     * @return completed once the channel is closed (on the scheduler), or once it could not be
     */
    private CompletableFuture<Void> retire(ConsumerChannel consumer, boolean cancelConsumer) {
        Channel channel = consumer.getChannel();
        consumer.closedByUs = true;
        if (cancelConsumer && channel.isOpen() && consumer.tag != null) {
            try {
                channel.basicCancel(consumer.tag);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.DEBUG, () -> "basic.cancel of " + consumer + " failed: " + e);
            }
        }
        stop(consumer);
        CompletableFuture<Void> closed = new CompletableFuture<>();
        consumer.drained().whenComplete((ignored, failure) -> {
            if (!consumers.run(() -> {
                closeQuietly(channel);
                closed.complete(null);
            })) {
                closed.complete(null);
            }
        });
        return closed;
    }

    /** Hands out no more deliveries from now on; those waiting go back to the queue when their channel closes. */
    private void halt() {
        synchronized (lock) {
            halted = true;
            waiting.clear();
        }
    }

    private void cancelRetry() {
        if (pendingRetry != null) {
            pendingRetry.run();
            pendingRetry = null;
        }
    }

    // ----- deliveries, on the client's consumer thread and the handler threads

    void delivered(ConsumerChannel from, DeliveredMessage message) {
        boolean start;
        synchronized (lock) {
            if (from.stopped || halted) {
                return; // left unacked: back to the queue when its channel closes
            }
            waiting.add(new Pending(from, message));
            start = running < concurrency;
            if (start) {
                running++;
                mostRunning = Math.max(mostRunning, running);
            }
        }
        if (start) {
            try {
                consumers.handlers().execute(this::work);
            } catch (RejectedExecutionException closing) {
                synchronized (lock) {
                    running--;
                }
            }
        }
    }

    void cancelledByBroker(ConsumerChannel consumer) {
        consumers.run(() -> brokerCancelled(consumer));
    }

    void channelLost(ConsumerChannel consumer, ShutdownSignalException signal) {
        if (!consumers.run(() -> lost(consumer, signal))) {
            stop(consumer);
        }
    }

    private void work() {
        while (true) {
            Pending next;
            synchronized (lock) {
                next = halted || running > concurrency ? null : waiting.poll(); // concurrency lowered at a resubscribe
                if (next == null) {
                    running--;
                    return;
                }
                next.from().inFlight++;
            }
            try {
                handle(next);
            } catch (RuntimeException | Error e) {
                // an error the error policy does not take (OutOfMemoryError, an Error of the application's):
                // this thread carries on, or its place among the handlers would be taken for good and the
                // deliveries waiting for it never handed out
                LOG.log(Level.ERROR, "Connection '" + consumers.name() + "': the handler of '" + queue + "' threw " + e
                        + "; its message stays unacknowledged until its channel closes, the others flow", e);
            } finally {
                boolean drained;
                synchronized (lock) {
                    drained = --next.from().inFlight == 0 && next.from().stopped;
                }
                if (drained) {
                    next.from().drained().complete(null);
                }
            }
        }
    }

    private void handle(Pending pending) {
        DeliveredMessage message = pending.message();
        Outcome outcome;
        long began = System.nanoTime();
        try {
            handler.handle(message);
            outcome = Outcome.ACK;
        } catch (Exception | LinkageError | StackOverflowError | AssertionError e) {
            long failures = consumers.failureCounts().failed(message);
            outcome = failures <= redeliveryLimit ? Outcome.REQUEUE : Outcome.REJECT;
            LOG.log(outcome == Outcome.REJECT ? Level.WARNING : Level.DEBUG, "Connection '" + consumers.name()
                    + "': the handler of '" + queue + "' threw (failure " + failures + ", redelivery limit "
                    + redeliveryLimit + "): " + (outcome == Outcome.REJECT
                            ? "rejected without requeue (dead-lettered if the queue has a dead-letter exchange)"
                            : "requeued"), e);
        }
        consumers.recorder().consumed(outcome == Outcome.ACK ? Recorder.ACK
                : outcome == Outcome.REQUEUE ? Recorder.REQUEUE : Recorder.REJECT, message.redelivered(),
                System.nanoTime() - began);
        if (outcome != Outcome.REQUEUE) {
            consumers.failureCounts().forget(message);
        }
        settle(pending.from(), message, outcome);
    }

    /** Settles a delivery on the channel that delivered it, or drops the ack when that channel is closed. */
    private void settle(ConsumerChannel from, DeliveredMessage message, Outcome outcome) {
        Channel channel = from.getChannel();
        long tag = message.envelope().getDeliveryTag();
        if (!channel.isOpen()) {
            consumers.droppedAck(queue);
            return;
        }
        try {
            switch (outcome) {
                case ACK -> channel.basicAck(tag, false);
                case REQUEUE -> channel.basicNack(tag, false, true);
                case REJECT -> channel.basicNack(tag, false, false); // as basic.reject on RabbitMQ; Qpid requeues a reject
            }
        } catch (AlreadyClosedException | IOException e) {
            consumers.droppedAck(queue);
        }
    }

    /** Hands out no more of the channel's deliveries; drained at once when none is in flight. */
    private void stop(ConsumerChannel consumer) {
        boolean drained;
        synchronized (lock) {
            consumer.stopped = true;
            waiting.removeIf(pending -> pending.from() == consumer);
            drained = consumer.inFlight == 0;
        }
        if (drained) {
            consumer.drained().complete(null);
        }
    }

    private static void closeQuietly(Channel channel) {
        if (channel != null && channel.isOpen()) {
            try {
                channel.close();
            } catch (IOException | java.util.concurrent.TimeoutException | RuntimeException ignored) {
                // closed meanwhile, or the connection is going: its messages go back to the queue either way
            }
        }
    }
}
