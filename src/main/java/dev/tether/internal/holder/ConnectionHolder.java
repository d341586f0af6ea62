package dev.tether.internal.holder;

import com.rabbitmq.client.Connection;
import dev.tether.Channels;
import dev.tether.ConnectionClosedException;
import dev.tether.ConnectionListener;
import dev.tether.ConnectionSettings;
import dev.tether.ConnectionState;
import dev.tether.ConnectionStatus;
import dev.tether.Consumers;
import dev.tether.NotConnectedException;
import dev.tether.PersistentConnection;
import dev.tether.Publisher;
import dev.tether.Setting;
import dev.tether.SubscriptionListener;
import dev.tether.internal.access.ConnectionAccess;
import dev.tether.internal.channels.PooledChannels;
import dev.tether.internal.connect.Sources;
import dev.tether.internal.consume.ManagedConsumers;
import dev.tether.internal.metrics.Recorder;
import dev.tether.internal.publish.ConfirmingPublisher;
import dev.tether.internal.threads.ExecutorScheduler;
import dev.tether.internal.threads.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;

/**
 * The {@link PersistentConnection} callers hold: reads {@link HolderState}, registers waiters, and
 * hands everything else to the {@link Reconnector} running on the holder's scheduler.
 */
public final class ConnectionHolder implements PersistentConnection, ConnectionAccess {

    private final HolderState state;
    private final Reconnector reconnector;
    private final InstantSource clock;
    private final AtomicBoolean started = new AtomicBoolean();
    private final PooledChannels channels;
    private final ConfirmingPublisher publisher;
    private final Recorder recorder;
    private final ManagedConsumers consumers;

    ConnectionHolder(ConnectionSettings settings, Sources sources, List<ConnectionListener> listeners,
            Instrumentation instrumentation, InstantSource clock, Scheduler scheduler, RandomGenerator random) {
        this(settings, sources, listeners, List.of(), instrumentation, clock, scheduler, random);
    }

    ConnectionHolder(ConnectionSettings settings, Sources sources, List<ConnectionListener> listeners,
            List<SubscriptionListener> subscriptionListeners, Instrumentation instrumentation, InstantSource clock,
            Scheduler scheduler, RandomGenerator random) {
        this.clock = clock;
        this.state = new HolderState(Objects.requireNonNull(settings, "settings"), clock.instant());
        this.recorder = instrumentation.recorders().create(settings.name(), () -> state.status().state());
        this.consumers = new ManagedConsumers(this, state::settings, subscriptionListeners, recorder);
        List<ConnectionListener> all = new ArrayList<>(listeners);
        all.add(consumers); // after the application's listeners: subscriptions find the topology they declare
        all.add(recorder); // last: a connection an application listener rejects is not counted as connected
        this.reconnector = new Reconnector(state, sources, new EventDispatcher(all), clock, scheduler, random,
                instrumentation.collector());
        this.channels = new PooledChannels(this, settings.channels(), recorder);
        this.publisher = new ConfirmingPublisher(this, settings.channels(),
                settings.get(Setting.PUBLISH_MAX_OUTSTANDING), recorder);
    }

    /**
     * Creates a holder on its own {@code tether-<name>} thread and the system clock; starts it when eager.
     *
     * @param settings the settings
     * @param sources what every attempt asks instead of the settings: addresses, credentials
     * @param listeners the event listeners
     * @param instrumentation the client's metrics collector and Tether's recorders ({@link Instrumentation#NONE} for none)
     * @return the holder
     */
    static ConnectionHolder create(ConnectionSettings settings, Sources sources,
            List<ConnectionListener> listeners, Instrumentation instrumentation) {
        return create(settings, sources, listeners, List.of(), instrumentation);
    }

    /**
     * As {@link #create(ConnectionSettings, Sources, List, Instrumentation)}, with listeners of the
     * subscriptions' events.
     */
    static ConnectionHolder create(ConnectionSettings settings, Sources sources, List<ConnectionListener> listeners,
            List<SubscriptionListener> subscriptionListeners, Instrumentation instrumentation) {
        ConnectionHolder holder = new ConnectionHolder(settings, sources, listeners, subscriptionListeners,
                instrumentation, Clock.systemUTC(), new ExecutorScheduler("tether-" + settings.name()), RandomGenerator.getDefault());
        StartWarnings.log(settings, sources.addresses() != null);
        if (settings.eager()) {
            holder.start();
        }
        return holder;
    }

    /** Starts the first attempt, unless started or closed already. */
    public void start() {
        if (!state.isClosed() && started.compareAndSet(false, true)) {
            state.starting(clock.instant());
            reconnector.start();
        }
    }

    @Override
    public String name() {
        return state.name();
    }

    @Override
    public ConnectionState state() {
        return state.status().state();
    }

    @Override
    public ConnectionStatus status() {
        return state.status();
    }

    @Override
    public Optional<Connection> current() {
        startIfLazy();
        return usable(true);
    }

    @Override
    public boolean onHoldersThread() {
        return reconnector.onHolderThread();
    }

    @Override
    public Optional<Connection> delivering() {
        return reconnector.delivering();
    }

    @Override
    public Connection get() throws NotConnectedException {
        Optional<Connection> connection = usable(true);
        if (connection.isPresent()) {
            return connection.get();
        }
        if (state.isClosed()) {
            throw new ConnectionClosedException(name());
        }
        startIfLazy();
        throw new NotConnectedException(name(), state.status().lastFailure());
    }

    @Override
    public Connection await() throws InterruptedException, ConnectionClosedException {
        Optional<Connection> connection = usableOrDelivered();
        return connection.isPresent() ? connection.get() : new Wait(this, register()).forever();
    }

    @Override
    public Connection await(Duration timeout) throws InterruptedException, TimeoutException, ConnectionClosedException {
        Objects.requireNonNull(timeout, "timeout");
        Optional<Connection> connection = usableOrDelivered();
        return connection.isPresent() ? connection.get() : new Wait(this, register()).atMost(timeout);
    }

    @Override
    public CompletionStage<Connection> connected() {
        Optional<Connection> connection = usable(false);
        if (connection.isPresent()) {
            return CompletableFuture.completedFuture(connection.get());
        }
        startIfLazy();
        return state.register(); // never blocks: fine from a listener on the holder's thread too
    }

    @Override
    public Duration awaitTimeout() {
        return state.settings().awaitTimeout();
    }

    @Override
    public Channels channels() {
        return channels;
    }

    @Override
    public Publisher publisher() {
        return publisher;
    }

    @Override
    public Consumers consumers() {
        return consumers;
    }

    @Override
    public CompletionStage<Void> close() {
        if (state.close(clock.instant())) {
            channels.close();
            publisher.close();
            recorder.close();
            // consumers first: cancelled, in-flight handlers drained and acked, then the connection closes
            consumers.close().whenComplete((drained, failure) -> reconnector.close());
        }
        return closeFinished();
    }

    @Override
    public boolean isClosed() {
        return state.isClosed();
    }

    @Override
    public CompletionStage<Void> closeFinished() {
        return reconnector.closeFinished().minimalCompletionStage();
    }

    @Override
    public ConnectionSettings settings() {
        return state.settings();
    }

    @Override
    public void update(ConnectionSettings next) {
        Objects.requireNonNull(next, "settings");
        state.update(previous -> next);
    }

    @Override
    public void update(UnaryOperator<ConnectionSettings> change) {
        state.update(change);
    }

    @Override
    public void reconnect() {
        if (state.isClosed()) {
            return;
        }
        if (started.compareAndSet(false, true)) {
            state.starting(clock.instant());
            reconnector.start();
        } else {
            reconnector.reconnectNow();
        }
    }

    @Override
    public String toString() {
        ConnectionStatus status = state.status();
        return "PersistentConnection[" + name() + ", " + status.state() + ", " + state.settings().displayUri() + "]";
    }

    /** @return whether the published connection is watched by its closure-signalling channel (for tests) */
    boolean watchedForClosure() {
        Optional<Connection> published = state.current();
        return published.isPresent() && state.isWatched(published);
    }

    /** @return how many callers wait for a connection now (for tests) */
    int waiterCount() {
        return state.waiterCount();
    }

    /**
     * The published connection if it may be handed out, else empty; reads it once, allocates nothing.
     * A connection watched for closure ({@link Reconnector}) is trusted as it is when
     * {@code trustWatched}: two volatile reads, no lock (the hot path of {@code get()} and
     * {@code current()}). Otherwise the client is asked ({@code isOpen()}, a lock), and a closed
     * connection is withdrawn at once rather than handed out until the client notifies its listeners.
     */
    private Optional<Connection> usable(boolean trustWatched) {
        Optional<Connection> published = state.current();
        if (published.isEmpty() || trustWatched && state.isWatched(published) || published.get().isOpen()) {
            return published;
        }
        reconnector.noticedClosed(published);
        return Optional.empty();
    }

    /**
     * The usable connection, or on the holder's thread while {@code Connected} listeners run, the
     * connection being delivered: a listener (or the injected proxy it uses) acts on it instead of
     * waiting for itself.
     */
    private Optional<Connection> usableOrDelivered() {
        Optional<Connection> connection = usable(false);
        return connection.isPresent() ? connection : reconnector.delivering();
    }

    /** Registers a caller about to block: refused on the holder's thread, whose listener would wait for itself. */
    private CompletableFuture<Connection> register() {
        if (reconnector.onHolderThread()) {
            throw new IllegalStateException("Connection '" + name() + "': waiting for a connection from a Tether"
                    + " listener would deadlock (listeners run on the thread that connects); use connected(), or"
                    + " the connection a Connected event carries");
        }
        startIfLazy();
        return state.register();
    }

    private void startIfLazy() {
        if (!started.get()) {
            start();
        }
    }
}
