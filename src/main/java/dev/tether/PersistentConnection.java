package dev.tether;

import com.rabbitmq.client.AddressResolver;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.MetricsCollector;
import com.rabbitmq.client.impl.CredentialsProvider;
import com.rabbitmq.client.impl.CredentialsRefreshService;
import dev.tether.internal.holder.HolderFactory;
import io.opentelemetry.api.metrics.Meter;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;

/**
 * One long-lived RabbitMQ connection that replaces itself when it dies, until {@link #close()}.
 *
 * <p>The holder owns at most one {@link Connection} at a time. It connects at start (or on first
 * use when not {@linkplain ConnectionSettings#eager() eager}), never gives up, retries at once when
 * an established connection dies and then backs off with jitter ({@link Backoff}). Every attempt
 * resolves the addresses anew and tries them in random order. The RabbitMQ client's own automatic
 * recovery is off: channels and consumers belong to one connection, and a
 * {@link ConnectionEvent.Connected} listener is where they are created, each time.
 *
 * <pre>{@code
 * PersistentConnection rabbit = PersistentConnection.builder(
 *         ConnectionSettings.builder().uri("amqp://app:secret@rabbit:5672/").build())
 *     .listener(event -> log.info(event.toString()))
 *     .build();
 * Connection connection = rabbit.await(Duration.ofSeconds(5));
 * ...
 * rabbit.close();
 * }</pre>
 *
 * <p>All methods are thread-safe. {@link #get()}, {@link #current()}, {@link #state()} and
 * {@link #status()} never block.
 */
public interface PersistentConnection {

    /** @return the connection's name ({@code default} unless named) */
    String name();

    /** @return the state now; never blocks */
    ConnectionState state();

    /** @return a snapshot for health reporting; never blocks, does no I/O */
    ConnectionStatus status();

    /** @return the open connection now, or empty; never blocks, does not allocate */
    Optional<Connection> current();

    /**
     * The open connection now.
     *
     * @return the connection; never blocks
     * @throws NotConnectedException at once when there is none, naming the last failure;
     *     {@link ConnectionClosedException} after {@link #close()}
     */
    Connection get() throws NotConnectedException;

    /**
     * Waits, without limit, for a connection.
     *
     * @return the connection, once its {@code Connected} listeners have run
     * @throws InterruptedException if the thread is interrupted while waiting (it leaves no waiter behind)
     * @throws ConnectionClosedException if the holder is or gets closed
     */
    Connection await() throws InterruptedException, ConnectionClosedException;

    /**
     * Waits up to {@code timeout} for a connection.
     *
     * @param timeout the limit
     * @return the connection, once its {@code Connected} listeners have run
     * @throws InterruptedException if the thread is interrupted while waiting (it leaves no waiter behind)
     * @throws TimeoutException when no connection came in time (it leaves no waiter behind)
     * @throws ConnectionClosedException if the holder is or gets closed
     */
    Connection await(Duration timeout) throws InterruptedException, TimeoutException, ConnectionClosedException;

    /**
     * The first connection available from now: already complete while connected. Completes on the
     * holder's thread once the {@code Connected} listeners have run, so dependent actions that
     * block should use the {@code *Async} variants. Cancelling the returned stage
     * ({@code toCompletableFuture().cancel(false)}) removes its waiter. After {@link #close()} it
     * completes exceptionally with {@link ConnectionClosedException}.
     *
     * @return a stage completed with the connection
     */
    CompletionStage<Connection> connected();

    /**
     * The connection's pool of channels, lent for one unit of work at a time; closed with the holder.
     *
     * @return the pool (always the same instance)
     */
    Channels channels();

    /**
     * The connection's publisher with confirms, on its own pool of confirm channels; closed with the holder.
     *
     * @return the publisher (always the same instance)
     */
    Publisher publisher();

    /**
     * The connection's managed consumers: subscriptions re-established after every loss, with
     * per-consumer prefetch, bounded handler concurrency and an error policy; drained by
     * {@link #close()} before the connection closes.
     *
     * <pre>{@code
     * holder.consumers().subscribe("orders", message -> handle(message.body()));
     * }</pre>
     *
     * @return the consumers (always the same instance)
     */
    Consumers consumers();

    /**
     * Stops reconnecting and closes the live connection; idempotent. Pending and later waiters fail
     * at once with {@link ConnectionClosedException}. The {@linkplain #consumers() consumers} are
     * cancelled first and their in-flight handlers may finish (and are acked) within
     * {@code consumers.drain-timeout} before the connection closes. Does not block: the returned stage (the same
     * as {@link #closeFinished()}) completes once the last connection is closed, the
     * {@link ConnectionEvent.Closed} event was delivered and the holder's thread has ended.
     *
     * <p>Bound: an attempt in progress ends at once, whatever a credentials provider, address
     * resolver or DNS lookup it waits for does (the call is abandoned and interrupted); then the
     * live connection is closed within {@code connection-timeout}. So the stage completes within
     * {@code connection-timeout} plus the time the {@code Disconnected} and {@code Closed} listeners
     * take.
     *
     * @return a stage completed when closing has finished
     */
    CompletionStage<Void> close();

    /** @return whether {@link #close()} was ever called (even if closing has not finished) */
    boolean isClosed();

    /** @return a stage that completes when closing has finished; it does not start closing */
    CompletionStage<Void> closeFinished();

    /** @return the settings the next attempt will use */
    ConnectionSettings settings();

    /**
     * Replaces the settings; the next attempt uses them. The live connection is kept (call
     * {@link #reconnect()} to apply them at once).
     *
     * @param settings the new settings, with the same name
     * @throws IllegalArgumentException if the name differs
     */
    void update(ConnectionSettings settings);

    /**
     * Changes the settings atomically, e.g. {@code update(s -> s.toBuilder().uri(newUri).build())}.
     *
     * @param change computes the new settings from the current ones
     * @throws IllegalArgumentException if the name changes or the new settings are invalid
     */
    void update(UnaryOperator<ConnectionSettings> change);

    /**
     * Drops the live connection (a {@link ConnectionEvent.Disconnected} with
     * {@code applicationInitiated}) and connects again at once with the current settings; while
     * disconnected, starts the next attempt now instead of after its delay. Does not block.
     */
    void reconnect();

    /**
     * Starts building a holder.
     *
     * @param settings its settings
     * @return a builder
     * @throws NullPointerException if {@code settings} is {@code null}
     */
    static Builder builder(ConnectionSettings settings) {
        return new Builder(settings);
    }

    /** Builds a {@link PersistentConnection}. */
    final class Builder {
        private final HolderFactory factory;

        private Builder(ConnectionSettings settings) {
            this.factory = new HolderFactory(Objects.requireNonNull(settings, "settings"));
        }

        /**
         * Adds a listener; listeners are called in the order they were added.
         *
         * @param listener the listener
         * @return this builder
         * @throws NullPointerException if {@code listener} is {@code null}
         */
        public Builder listener(ConnectionListener listener) {
            factory.listener(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Adds a listener of the subscriptions' events ({@link SubscriptionEvent}), called on the
         * connection's consumer thread in the order added.
         *
         * <pre>{@code
         * PersistentConnection.builder(settings).subscriptionListener(event -> log.info(event.toString())).build();
         * }</pre>
         *
         * @param listener the listener
         * @return this builder
         * @throws NullPointerException if {@code listener} is {@code null}
         */
        public Builder subscriptionListener(SubscriptionListener listener) {
            factory.subscriptionListener(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Replaces the settings' addresses with a resolver asked on every attempt (service
         * discovery, DNS of a headless service, ...).
         *
         * @param resolver the resolver
         * @return this builder
         * @throws NullPointerException if {@code resolver} is {@code null}
         */
        public Builder addressResolver(AddressResolver resolver) {
            factory.addressResolver(Objects.requireNonNull(resolver, "resolver"));
            return this;
        }

        /**
         * Replaces the settings' user name and password with a provider asked on every attempt, so
         * credentials that rotate (a Kubernetes Secret mounted as files, Vault) are used from the
         * next attempt on without a restart. The holder calls {@link CredentialsProvider#getUsername()}
         * and then {@link CredentialsProvider#getPassword()} once per attempt, on its own thread,
         * and hands the pair to the client for that attempt's handshake; a live connection keeps
         * the credentials it was opened with (call {@link PersistentConnection#reconnect()} to use
         * new ones at once). The settings' user name and password are then not used to connect.
         * A provider that throws, or gives no user name or no password, fails
         * that attempt (a {@link ConnectionEvent.ConnectFailed} whose cause names the provider's
         * class, never a value), and the holder retries after the backoff.
         *
         * <pre>{@code
         * PersistentConnection rabbit = PersistentConnection.builder(settings)
         *     .credentialsProvider(new CredentialsProvider() {
         *         public String getUsername() { return vault.read("rabbit/user"); }
         *         public String getPassword() { return vault.read("rabbit/password"); }
         *     })
         *     .build();
         * }</pre>
         *
         * @param provider the credentials' source; it should not block for long (the attempt waits)
         * @return this builder
         * @throws NullPointerException if {@code provider} is {@code null}
         */
        public Builder credentialsProvider(CredentialsProvider provider) {
            factory.credentialsProvider(Objects.requireNonNull(provider, "provider"));
            return this;
        }

        /**
         * Records the holder's metrics (state, connects, losses, failed attempts, outages, channel
         * pools, publishes; listed in {@code docs/metrics.md}) with an OpenTelemetry meter. Only this
         * method needs the OpenTelemetry API on the class path; without it, no metrics are recorded.
         * The instruments are recorded from the holder's thread, the borrowers' and publishers'
         * threads, and read by the meter's reader; none of them blocks.
         *
         * <pre>{@code
         * PersistentConnection.builder(settings).meter(openTelemetry.getMeter("dev.tether")).build();
         * }</pre>
         *
         * @param meter where to record, from the application's {@code OpenTelemetry} (calling
         *     {@code GlobalOpenTelemetry.getMeter} before the SDK is registered would fix the global
         *     to a no-op)
         * @return this builder
         * @throws NullPointerException if {@code meter} is {@code null}
         */
        public Builder meter(Meter meter) {
            factory.meter(Objects.requireNonNull(meter, "meter"));
            return this;
        }

        /**
         * Replaces the service that refreshes expiring credentials (OAuth 2 tokens) on live
         * connections. A {@linkplain #credentialsProvider(CredentialsProvider) provider} whose
         * {@link CredentialsProvider#getTimeBeforeExpiration()} is not {@code null} (such as the
         * client's {@code OAuth2ClientCredentialsGrantCredentialsProvider}) is handed to the client
         * as it is, and the client's refresh service refreshes it before it expires and sends the new
         * token on the live connection ({@code connection.update-secret}), without reconnecting.
         * Without this call the holder uses the client's {@code DefaultCredentialsRefreshService}
         * (refresh at 80 % of the lifetime) on a daemon thread {@code tether-<name>-token-refresh},
         * created on first use and stopped by {@link PersistentConnection#close()}; a service given
         * here is not closed by the holder.
         *
         * <p>Threads: the service calls the provider's {@code refresh()} on its own thread (the
         * default's is {@code tether-<name>-token-refresh}) while the holder's thread reads the
         * provider at every attempt: the provider must be thread-safe (the client's OAuth 2
         * providers guard their token with a lock).
         *
         * <pre>{@code
         * PersistentConnection rabbit = PersistentConnection.builder(settings)
         *     .credentialsProvider(new OAuth2ClientCredentialsGrantCredentialsProviderBuilder()
         *         .tokenEndpointUri("https://idp/token").clientId("app").clientSecret(secret)
         *         .grantType("client_credentials").build())
         *     .build();
         * }</pre>
         *
         * @param service the refresh service
         * @return this builder
         * @throws NullPointerException if {@code service} is {@code null}
         */
        public Builder credentialsRefreshService(CredentialsRefreshService service) {
            factory.credentialsRefreshService(Objects.requireNonNull(service, "service"));
            return this;
        }

        /**
         * Gives every connection the holder opens the RabbitMQ client's own metrics collector
         * (messages published, consumed, acknowledged, ...), through
         * {@link com.rabbitmq.client.ConnectionFactory#setMetricsCollector} on every attempt. The
         * client calls it on its own threads.
         *
         * <pre>{@code
         * PersistentConnection.builder(settings)
         *     .metricsCollector(new OpenTelemetryMetricsCollector(openTelemetry))
         *     .build();
         * }</pre>
         *
         * @param collector the collector, e.g. the client's {@code MicrometerMetricsCollector}
         * @return this builder
         * @throws NullPointerException if {@code collector} is {@code null}
         */
        public Builder metricsCollector(MetricsCollector collector) {
            factory.metricsCollector(Objects.requireNonNull(collector, "collector"));
            return this;
        }

        /**
         * Creates the holder; when the settings are eager the first attempt starts at once, in the
         * background. Never blocks and never fails because the broker is down.
         *
         * @return the holder
         */
        public PersistentConnection build() {
            return factory.build();
        }
    }
}
