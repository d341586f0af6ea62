package dev.tether.internal.holder;

import com.rabbitmq.client.AddressResolver;
import com.rabbitmq.client.MetricsCollector;
import com.rabbitmq.client.impl.CredentialsProvider;
import com.rabbitmq.client.impl.CredentialsRefreshService;
import dev.tether.ConnectionListener;
import dev.tether.ConnectionSettings;
import dev.tether.SubscriptionListener;
import dev.tether.internal.connect.Sources;
import dev.tether.internal.metrics.OpenTelemetryRecorders;
import dev.tether.internal.metrics.Recorders;
import io.opentelemetry.api.metrics.Meter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The one door from the public API into the implementation: {@code PersistentConnection.Builder}
 * and the CDI registry hand it what a holder is made of, and {@link #build()} makes the holder.
 * Not thread-safe: one caller fills it, then builds.
 */
public final class HolderFactory {

    private final ConnectionSettings settings;
    private final List<ConnectionListener> listeners = new ArrayList<>();
    private final List<SubscriptionListener> subscriptionListeners = new ArrayList<>();
    private AddressResolver addressResolver;
    private CredentialsProvider credentialsProvider;
    private CredentialsRefreshService credentialsRefreshService;
    private MetricsCollector metricsCollector;
    private Recorders recorders = Recorders.NONE;

    /** @param settings the holder's settings */
    public HolderFactory(ConnectionSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** @param listener called on every event, after the ones added before */
    public void listener(ConnectionListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** @param listener called on every subscription event, after the ones added before */
    public void subscriptionListener(SubscriptionListener listener) {
        subscriptionListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** @param resolver asked for the addresses on every attempt, instead of the settings' */
    public void addressResolver(AddressResolver resolver) {
        this.addressResolver = resolver;
    }

    /** @param provider asked for the credentials on every attempt, instead of the settings' */
    public void credentialsProvider(CredentialsProvider provider) {
        this.credentialsProvider = provider;
    }

    /** @param service refreshes expiring credentials on the live connection */
    public void credentialsRefreshService(CredentialsRefreshService service) {
        this.credentialsRefreshService = service;
    }

    /** @param collector the RabbitMQ client's metrics collector for every connection */
    public void metricsCollector(MetricsCollector collector) {
        this.metricsCollector = collector;
    }

    /** @param meter where Tether's metrics are recorded; only this method loads OpenTelemetry types */
    public void meter(Meter meter) {
        this.recorders = OpenTelemetryRecorders.of(Objects.requireNonNull(meter, "meter"));
    }

    /** @param recorders where Tether's metrics are recorded (found by the CDI layer) */
    public void recorders(Recorders recorders) {
        this.recorders = Objects.requireNonNull(recorders, "recorders");
    }

    /** @return a new holder, already connecting unless its settings say it is lazy */
    public ConnectionHolder build() {
        return ConnectionHolder.create(settings, new Sources(addressResolver, credentialsProvider,
                credentialsRefreshService), listeners, subscriptionListeners, new Instrumentation(metricsCollector, recorders));
    }
}
