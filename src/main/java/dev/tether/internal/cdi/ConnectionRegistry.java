package dev.tether.internal.cdi;

import com.rabbitmq.client.AddressResolver;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.MetricsCollector;
import com.rabbitmq.client.impl.CredentialsProvider;
import com.rabbitmq.client.impl.CredentialsRefreshService;
import dev.tether.ConfigKeys;
import dev.tether.ConnectionEvent;
import dev.tether.ConnectionSettings;
import dev.tether.Persistent;
import dev.tether.PersistentConnection;
import dev.tether.Setting;
import dev.tether.SubscriptionEvent;
import dev.tether.internal.holder.ConnectionHolder;
import dev.tether.internal.holder.HolderFactory;
import dev.tether.internal.config.ConfigCredentials;
import dev.tether.internal.config.ConfigReader;
import dev.tether.internal.config.InvalidConfigurationException;
import dev.tether.internal.metrics.MetricsSupport;
import dev.tether.internal.metrics.OpenTelemetryLookup;
import dev.tether.internal.metrics.Recorders;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.RequestContextController;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Startup;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.spi.DeploymentException;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.Config;

/**
 * The application's holders, one per connection name, with their proxies. At application start
 * it validates the configuration of every name used at an injection point or configured (invalid
 * configuration fails the deployment), warns about unknown {@code tether.*} keys, and creates the
 * holders (eager ones start connecting). At shutdown it closes them all and waits for them, after
 * the application's {@code @ApplicationScoped} beans are destroyed, so that their {@code @PreDestroy}
 * callbacks can still publish or cancel a consumer.
 *
 * <p>{@code @Singleton} (through {@link DiscoveredSingleton}), not {@code @ApplicationScoped}: the
 * container destroys application-scoped beans in no defined order, and a registry among them could
 * close the holders before an application bean's {@code @PreDestroy}. Weld and ArC destroy
 * singletons after the application context, so the registry's own {@code @PreDestroy} closes the
 * holders after every application-scoped bean's. (Not on {@code @Destroyed(ApplicationScoped.class)}:
 * Weld SE fires it before it destroys the application context; see ShutdownOrderTest.)
 */
@DiscoveredSingleton
public class ConnectionRegistry {

    private static final System.Logger LOG = System.getLogger("dev.tether");
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(2);
    /** Kubernetes' default {@code terminationGracePeriodSeconds}: a longer close is warned about at start. */
    static final Duration KUBERNETES_GRACE = Duration.ofSeconds(30);

    private final Map<String, Managed> connections = new ConcurrentHashMap<>();
    private final ConfigReader config;
    private final Event<ConnectionEvent> events;
    private final Event<SubscriptionEvent> subscriptionEvents;
    private final Instance<AddressResolver> resolvers;
    private final Instance<CredentialsProvider> credentials;
    private final Instance<CredentialsRefreshService> refreshServices;
    private final Instance<ConnectionNames> injectedNames;
    private final Instance<RequestContextController> requestContexts;
    private final Instance<MetricsCollector> collectors;
    private final Instance<Object> beans;
    private volatile Recorders recorders;
    private volatile Map<String, Boolean> switches = Map.of();

    private record Managed(PersistentConnection holder, Connection proxy) {
    }

    @Inject
    ConnectionRegistry(Config config, Event<ConnectionEvent> events, Event<SubscriptionEvent> subscriptionEvents,
            @Any Instance<AddressResolver> resolvers,
            @Any Instance<CredentialsProvider> credentials, @Any Instance<CredentialsRefreshService> refreshServices,
            Instance<ConnectionNames> injectedNames, Instance<RequestContextController> requestContexts,
            @Any Instance<MetricsCollector> collectors, Instance<Object> beans) {
        this.config = new ConfigReader(config);
        this.events = events;
        this.subscriptionEvents = subscriptionEvents;
        this.resolvers = resolvers;
        this.credentials = credentials;
        this.refreshServices = refreshServices;
        this.injectedNames = injectedNames;
        this.requestContexts = requestContexts;
        this.collectors = collectors;
        this.beans = beans;
    }

    /**
     * @param name a connection name
     * @return its holder, created on first use
     */
    public PersistentConnection holder(String name) {
        return managed(name).holder();
    }

    /**
     * @param name a connection name
     * @return its connection proxy, created on first use
     */
    public Connection proxy(String name) {
        return managed(name).proxy();
    }

    /** @return every holder created so far */
    public List<PersistentConnection> holders() {
        return connections.values().stream().map(Managed::holder).toList();
    }

    /**
     * A global on/off key ({@link ConfigKeys#GLOBAL_KEYS}) as configured at application start, at
     * run time. A plug-in registered at build time (on Quarkus, with the build's view of the
     * configuration) asks this at every call.
     *
     * @param key a global key, such as {@code health.enabled}
     * @return false when {@code tether.<key>=false} at application start; true before the start
     */
    public boolean switchedOn(String key) {
        return switches.getOrDefault(key, true);
    }

    /**
     * Validates and starts the holders at run time: on {@link Startup}, which Quarkus fires when the
     * application starts rather than during its build's static initialization (where
     * {@code @Initialized(ApplicationScoped)} fires there, with a build-time view of the
     * configuration). Early, so that the application's own {@code Startup} observers find the
     * holders started.
     */
    void start(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) Startup started) {
        List<String> unknown = config.unknownKeys();
        if (!unknown.isEmpty()) {
            LOG.log(Level.WARNING, "Unknown Tether configuration keys (ignored; check their spelling): " + unknown);
        }
        Set<String> names = new TreeSet<>(config.configuredNames());
        if (injectedNames.isResolvable()) {
            for (String injected : injectedNames.get().names()) {
                if (names.add(injected) && !ConnectionSettings.DEFAULT_NAME.equals(injected)
                        && !config.hasOwnKeys(injected)) {
                    LOG.log(Level.WARNING, "Connection '" + injected + "' is injected but has no tether." + injected
                            + ".* key of its own: it uses the global settings (a misspelt name?)");
                }
            }
        }
        Set<String> problems = new LinkedHashSet<>(); // names falling back to one bad global key report it once
        try {
            switches = config.globalSwitches();
        } catch (InvalidConfigurationException e) {
            problems.addAll(e.problems());
        }
        for (String name : names) {
            try {
                config.settings(name);
            } catch (InvalidConfigurationException e) {
                problems.addAll(e.problems());
            }
            problems.addAll(ambiguousBeans(name));
        }
        if (!problems.isEmpty()) {
            throw new DeploymentException("Invalid Tether configuration: " + String.join("; ", problems));
        }
        names.forEach(this::managed);
        Duration closing = closeLimit(holders().stream().map(PersistentConnection::settings).toList());
        if (closing.compareTo(KUBERNETES_GRACE) > 0) {
            LOG.log(Level.WARNING, "Closing the connections at shutdown may take up to " + closing.toSeconds()
                    + " s (the longest consumers.drain-timeout + connection-timeout + 2 s), more than Kubernetes' default "
                    + "grace period (30 s): raise terminationGracePeriodSeconds, or lower those keys");
        }
    }

    @PreDestroy
    void destroy() {
        closeAll();
    }

    private Managed managed(String name) {
        return connections.computeIfAbsent(name, this::create);
    }

    /**
     * Creates a holder whose every attempt asks for its addresses (an {@code AddressResolver} bean
     * qualified with the name, else the settings') and its credentials (a {@code CredentialsProvider}
     * bean qualified with the name, else the configuration, read anew); expiring credentials are
     * refreshed by a {@code CredentialsRefreshService} bean qualified with the name, else the
     * client's default.
     */
    private Managed create(String name) {
        ConnectionSettings settings = config.settings(name);
        ProxyListeners proxyListeners = new ProxyListeners();
        List<String> ambiguous = ambiguousBeans(name);
        if (!ambiguous.isEmpty()) { // a name first used after start(), which reports these as deployment problems
            throw new IllegalStateException(String.join("; ", ambiguous));
        }
        Persistent.Literal qualifier = Persistent.Literal.of(name);
        AddressResolver resolver = bean(resolvers.select(qualifier));
        CredentialsProvider provider = bean(credentials.select(qualifier));
        HolderFactory factory = new HolderFactory(settings);
        factory.addressResolver(resolver);
        factory.credentialsProvider(provider != null ? provider : new ConfigCredentials(config, name));
        factory.credentialsRefreshService(bean(refreshServices.select(qualifier)));
        factory.metricsCollector(bean(collectors.select(qualifier)));
        factory.recorders(recorders());
        factory.listener(new CdiEvents(events, requestContexts, name));
        factory.listener(proxyListeners);
        factory.subscriptionListener(new CdiSubscriptionEvents(subscriptionEvents, name));
        ConnectionHolder holder = factory.build();
        LOG.log(Level.INFO, "Connection '" + name + "': " + settings.displayUri() + (settings.eager() ? "" : " (lazy)")
                + (resolver != null ? ", addresses from " + resolver.getClass().getName() : "")
                + (provider != null ? ", credentials from " + provider.getClass().getName() : ""));
        return new Managed(holder, ConnectionProxy.create(holder, proxyListeners));
    }

    /** @return the application's one bean of {@code type} with the default qualifier, or {@code null} */
    private Object resolvableBean(Class<?> type) {
        Instance<?> bean = beans.select(type);
        return bean.isResolvable() ? bean.get() : null;
    }

    /**
     * Tether's metrics, decided once: none when {@code tether.metrics.enabled=false} or without the
     * OpenTelemetry API (then no OpenTelemetry type is loaded), else over the application's meter.
     */
    private Recorders recorders() {
        Recorders found = recorders;
        if (found == null) {
            synchronized (this) {
                if (recorders == null) {
                    recorders = !config.metricsEnabled() || !MetricsSupport.apiPresent() ? Recorders.NONE
                            : OpenTelemetryLookup.recorders(this::resolvableBean);
                }
                found = recorders;
            }
        }
        return found;
    }

    /** @return the one bean of {@code candidates}, or {@code null} when there is none (ambiguity: see {@link #ambiguousBeans}) */
    private static <T> T bean(Instance<T> candidates) {
        return candidates.isResolvable() ? candidates.get() : null;
    }

    /**
     * The per-name beans of {@code name} that have more than one candidate: Tether could pick none
     * of them (and, for credentials, would connect as the configured user), so each is a
     * deployment problem.
     *
     * @return one problem per ambiguous type, naming the connection and the type; empty when none
     */
    private List<String> ambiguousBeans(String name) {
        Persistent.Literal qualifier = Persistent.Literal.of(name);
        List<String> problems = new ArrayList<>();
        ambiguous(problems, name, resolvers.select(qualifier), AddressResolver.class);
        ambiguous(problems, name, credentials.select(qualifier), CredentialsProvider.class);
        ambiguous(problems, name, refreshServices.select(qualifier), CredentialsRefreshService.class);
        ambiguous(problems, name, collectors.select(qualifier), MetricsCollector.class);
        return problems;
    }

    private static void ambiguous(List<String> problems, String name, Instance<?> candidates, Class<?> type) {
        if (candidates.isAmbiguous()) {
            problems.add("connection '" + name + "': more than one @Persistent(\"" + name + "\") "
                    + type.getName() + " bean (ambiguous; keep one, or give the others another qualifier)");
        }
    }

    /**
     * How long {@link #closeAll()} waits for the holders, closed together: the longest of their
     * {@code consumers.drain-timeout} (in-flight handlers finish and are acked first) +
     * {@code connection-timeout} (the connection's close) + 2 s. It follows the configuration, with no
     * cap of its own: a cap below the drain timeout would close connections under running handlers and
     * have their messages redelivered; a close longer than Kubernetes' default grace period is warned
     * about at start instead.
     *
     * @param settings every holder's settings
     * @return the bound; {@code connection-timeout} + 2 s of the defaults when there is no holder
     */
    static Duration closeLimit(List<ConnectionSettings> settings) {
        return settings.stream().map(each -> each.get(Setting.CONSUMERS_DRAIN_TIMEOUT).plus(each.connectionTimeout())
                .plus(CLOSE_GRACE)).max(Duration::compareTo).orElse(Setting.CONNECTION_TIMEOUT.defaultValue().plus(CLOSE_GRACE));
    }

    /**
     * Closes every holder at once and waits for them together, at most {@link #closeLimit}: a holder's
     * close cancels its consumers and drains their handlers within {@code consumers.drain-timeout},
     * ends its attempt at once, whatever a provider, resolver or DNS lookup does, and then closes its
     * live connection within {@code connection-timeout}.
     */
    private void closeAll() {
        List<PersistentConnection> closing = holders();
        List<CompletableFuture<Void>> finished = closing.stream()
                .map(holder -> holder.close().toCompletableFuture()).toList();
        Duration limit = closeLimit(closing.stream().map(PersistentConnection::settings).toList());
        try {
            CompletableFuture.allOf(finished.toArray(CompletableFuture[]::new))
                    .get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException e) {
            for (int i = 0; i < closing.size(); i++) {
                if (!finished.get(i).isDone()) {
                    LOG.log(Level.WARNING, "Connection '" + closing.get(i).name() + "' did not finish closing within "
                            + limit.toMillis() + " ms");
                }
            }
        } catch (ExecutionException e) {
            LOG.log(Level.WARNING, "A connection failed to close", e.getCause());
        }
    }
}
