package dev.tether.internal.consume;

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
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One {@link Subscription} and its state machine, which runs on the consumers' scheduler (subscribe,
 * loss, broker cancel, pause, resume, cancel, one at a time). Its deliveries go through its
 * {@link Deliveries} (queue and bounded concurrency) to its {@link Handling} (handler, error policy,
 * settling on the delivering channel).
 */
final class ManagedSubscription implements Subscription {

    private static final System.Logger LOG = System.getLogger(ManagedSubscription.class.getName());

    private final ManagedConsumers consumers;
    private final String queue;
    private final SubscriptionOptions options;
    private final Handling handling;
    private final Deliveries deliveries;
    private final CompletableFuture<Void> cancelled = new CompletableFuture<>();
    private volatile State state = State.WAITING;
    private volatile SubscriptionEvent problem; // the latest Failed or Lost since it last consumed

    // on the scheduler only
    private ConsumerChannel current;
    private Runnable pendingRetry;
    private int attempts;
    private boolean startedBefore;

    ManagedSubscription(ManagedConsumers consumers, String queue, SubscriptionOptions options, MessageHandler handler) {
        this.consumers = consumers;
        this.queue = queue;
        this.options = options;
        this.handling = new Handling(consumers, queue, handler);
        this.deliveries = new Deliveries(consumers, queue, handling);
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
        deliveries.halt(); // at once, not when the scheduler gets to it
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
                deliveries.unhalt();
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
            deliveries.halt();
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
        return deliveries.mostRunning();
    }

    /** @return how many deliveries wait for a handler (for tests) */
    int waitingCount() {
        return deliveries.waitingCount();
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
        deliveries.concurrency(Math.min(prefetch, options.concurrency().orElse(settings.get(Setting.CONSUMERS_CONCURRENCY))));
        handling.redeliveryLimit(options.redeliveryLimit().orElse(settings.get(Setting.CONSUMERS_REDELIVERY_LIMIT)));
        attempts++;
        try {
            Map<String, Object> arguments = options.arguments().get(); // the application's code, anew each time
            ConsumerChannel consumer = ConsumerChannel.open(this, consumers.name(), connection, prefetch,
                    arguments == null ? Map.of() : arguments);
            current = consumer;
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
        deliveries.stop(consumer);
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
        deliveries.stop(consumer);
        CompletableFuture<Void> closed = new CompletableFuture<>();
        consumer.drained().whenComplete((ignored, failure) -> {
            if (!consumers.run(() -> {
                consumer.close();
                closed.complete(null);
            })) {
                closed.complete(null);
            }
        });
        return closed;
    }

    private void cancelRetry() {
        if (pendingRetry != null) {
            pendingRetry.run();
            pendingRetry = null;
        }
    }

    // ----- from the consumer channels, on the client's consumer thread

    void delivered(ConsumerChannel from, DeliveredMessage message) {
        deliveries.delivered(from, message);
    }

    void cancelledByBroker(ConsumerChannel consumer) {
        consumers.run(() -> brokerCancelled(consumer));
    }

    void channelLost(ConsumerChannel consumer, ShutdownSignalException signal) {
        if (!consumers.run(() -> lost(consumer, signal))) {
            deliveries.stop(consumer);
        }
    }
}
