package dev.tether.internal.consume;

import com.rabbitmq.client.Connection;
import dev.tether.ConnectionEvent;
import dev.tether.ConnectionListener;
import dev.tether.ConnectionSettings;
import dev.tether.Consumers;
import dev.tether.FailureKind;
import dev.tether.MessageHandler;
import dev.tether.Setting;
import dev.tether.Subscription;
import dev.tether.SubscriptionEvent;
import dev.tether.SubscriptionListener;
import dev.tether.SubscriptionOptions;
import dev.tether.internal.access.ConnectionAccess;
import dev.tether.internal.metrics.Recorder;
import dev.tether.internal.threads.ExecutorScheduler;
import dev.tether.internal.threads.Scheduler;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * The {@link Consumers} of one holder. The holder adds it as its last {@code Connected} listener
 * (after the application's, which declare the topology), and every subscription subscribes again on
 * each new connection; it closes it before the connection ({@link #close()}: cancel, drain, ack).
 *
 * <p>Threads: the holder's thread only records the new connection and schedules; subscribing runs on
 * {@code tether-<name>-consumers}, handlers on {@code tether-<name>-handler-<n>}; both are created on
 * the first subscription and end at close.
 */
public final class ManagedConsumers implements Consumers, ConnectionListener {

    private static final System.Logger LOG = System.getLogger(ManagedConsumers.class.getName());

    private final ConnectionAccess access;
    private final Supplier<ConnectionSettings> settings;
    private final List<SubscriptionListener> listeners;
    private final Recorder recorder;
    private final Supplier<Scheduler> schedulers;
    private final InstantSource clock;
    private final ResubscribePolicy policy;
    private final FailureCounts failureCounts = new FailureCounts();
    private final List<ManagedSubscription> subscriptions = new CopyOnWriteArrayList<>();
    private final AtomicLong droppedAcks = new AtomicLong();
    private volatile Connection latest;
    private volatile boolean closed;
    private Scheduler scheduler; // guarded by this
    private HandlerThreads handlers; // guarded by this

    /**
     * @param access the port to the holder's connection
     * @param settings the holder's settings now (defaults, backoff, drain timeout)
     * @param listeners told of every subscription event, in order
     * @param recorder records consumed messages, resubscribes and dropped acks
     */
    public ManagedConsumers(ConnectionAccess access, Supplier<ConnectionSettings> settings,
            List<SubscriptionListener> listeners, Recorder recorder) {
        this(access, settings, listeners, recorder, () -> new ExecutorScheduler("tether-" + access.name() + "-consumers"), Clock.systemUTC(),
                RandomGenerator.getDefault());
    }

    ManagedConsumers(ConnectionAccess access, Supplier<ConnectionSettings> settings, List<SubscriptionListener> listeners,
            Recorder recorder, Supplier<Scheduler> schedulers, InstantSource clock, RandomGenerator random) {
        this.access = Objects.requireNonNull(access, "access");
        this.recorder = Objects.requireNonNull(recorder, "recorder");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.listeners = List.copyOf(listeners);
        this.schedulers = schedulers;
        this.clock = clock;
        this.policy = new ResubscribePolicy(random);
    }

    @Override
    public Subscription subscribe(String queue, SubscriptionOptions options, MessageHandler handler) {
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(handler, "handler");
        if (closed) {
            throw new IllegalStateException("Connection '" + access.name() + "' is closed: no new subscription");
        }
        ManagedSubscription subscription = new ManagedSubscription(this, queue, options, handler);
        subscriptions.add(subscription);
        if (!run(subscription::attempt)) {
            subscriptions.remove(subscription);
            throw new IllegalStateException("Connection '" + access.name() + "' is closed: no new subscription");
        }
        return subscription;
    }

    /** Records a new connection and subscribes every subscription on it; never blocks the holder's thread. */
    @Override
    public void onEvent(ConnectionEvent event) {
        if (event instanceof ConnectionEvent.Connected connected) {
            latest = connected.connection();
            for (ManagedSubscription subscription : subscriptions) {
                run(subscription::connected);
            }
        } else if (event instanceof ConnectionEvent.Disconnected || event instanceof ConnectionEvent.Closed) {
            latest = null;
        }
    }

    /**
     * Cancels every consumer, lets in-flight handlers finish within {@code consumers.drain-timeout}
     * (their acks are sent), then ends the consumer and handler threads. Idempotent; never blocks.
     *
     * @return completed once drained, or at the drain timeout
     */
    public CompletableFuture<Void> close() {
        Scheduler running;
        synchronized (this) {
            if (closed) {
                return CompletableFuture.completedFuture(null);
            }
            closed = true;
            running = scheduler;
        }
        if (running == null) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<?>[] drains = subscriptions.stream()
                .map(subscription -> subscription.cancel().toCompletableFuture()).toArray(CompletableFuture[]::new);
        Duration drainTimeout = settings.get().get(Setting.CONSUMERS_DRAIN_TIMEOUT);
        return CompletableFuture.allOf(drains)
                .completeOnTimeout(null, drainTimeout.toNanos(), TimeUnit.NANOSECONDS)
                .handle((ignored, failure) -> {
                    if (subscriptions.stream().anyMatch(s -> s.state() != Subscription.State.CANCELLED)
                            || !CompletableFuture.allOf(drains).isDone()) {
                        LOG.log(Level.WARNING, "Connection '" + name() + "': handlers still ran after the drain timeout ("
                                + drainTimeout.toMillis() + " ms); their messages will be redelivered");
                    }
                    shutdownThreads();
                    return null;
                });
    }

    /** @return how many acks (or nacks) were dropped because the channel that delivered was closed */
    public long droppedAcks() {
        return droppedAcks.get();
    }

    @Override
    public List<Subscription> subscriptions() {
        return List.copyOf(subscriptions);
    }

    @Override
    public String toString() {
        return "Consumers[" + name() + ", " + subscriptions.size() + " subscriptions]";
    }

    // ----- for the subscriptions

    String name() {
        return access.name();
    }

    ConnectionSettings settings() {
        return settings.get();
    }

    Instant now() {
        return clock.instant();
    }

    /** @return the connection to subscribe on: the latest delivered to the listeners, else the holder's; null when none */
    Connection connection() {
        Connection connection = latest;
        if (connection != null && connection.isOpen()) {
            return connection;
        }
        return access.current().filter(Connection::isOpen).orElse(null);
    }

    Duration delay(FailureKind kind, int attempt) {
        return policy.delay(settings.get().backoff(), kind, attempt);
    }

    FailureCounts failureCounts() {
        return failureCounts;
    }

    Recorder recorder() {
        return recorder;
    }

    void droppedAck(String queue) {
        droppedAcks.incrementAndGet();
        recorder.droppedAck();
        LOG.log(Level.DEBUG, () -> "Connection '" + name() + "': an ack for '" + queue
                + "' was dropped: the channel that delivered the message is closed (it will be redelivered)");
    }

    void removed(ManagedSubscription subscription) {
        subscriptions.remove(subscription);
    }

    void fire(SubscriptionEvent event) {
        for (SubscriptionListener listener : listeners) {
            try {
                listener.onEvent(event);
            } catch (RuntimeException | LinkageError | StackOverflowError | AssertionError e) {
                LOG.log(Level.WARNING, "Connection '" + name() + "': a subscription listener threw on " + event, e);
            }
        }
    }

    /** @return whether the task was accepted (false once the consumers are closed and drained) */
    boolean run(Runnable task) {
        return schedule(task, Duration.ZERO) != null;
    }

    /** @return a handle that cancels the task, or {@code null} once the consumers are closed and drained */
    Runnable schedule(Runnable task, Duration delay) {
        Scheduler target;
        synchronized (this) {
            if (scheduler == null) {
                if (closed) {
                    return null;
                }
                scheduler = schedulers.get();
            }
            target = scheduler;
        }
        try {
            return target.schedule(guarded(task), delay)::cancel;
        } catch (RejectedExecutionException shutDown) {
            return null;
        }
    }

    synchronized HandlerThreads handlers() {
        if (handlers == null) {
            handlers = new HandlerThreads(name());
        }
        return handlers;
    }

    private Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException | LinkageError | StackOverflowError | AssertionError e) {
                LOG.log(Level.ERROR, "Connection '" + name() + "': a consumer task failed; the consumers carry on", e);
            }
        };
    }

    private void shutdownThreads() {
        Scheduler ending;
        HandlerThreads ended;
        synchronized (this) {
            ending = scheduler;
            ended = handlers;
        }
        if (ending != null) {
            ending.shutdown();
        }
        if (ended != null) {
            ended.shutdown();
        }
    }
}
