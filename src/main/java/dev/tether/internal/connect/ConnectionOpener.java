package dev.tether.internal.connect;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.AddressResolver;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ListAddressResolver;
import com.rabbitmq.client.MetricsCollector;
import com.rabbitmq.client.SocketConfigurator;
import com.rabbitmq.client.SocketConfigurators;
import com.rabbitmq.client.impl.CredentialsProvider;
import com.rabbitmq.client.impl.DefaultCredentialsProvider;
import dev.tether.AddressFailure;
import dev.tether.ConnectionSettings;
import dev.tether.FailureKind;
import dev.tether.internal.values.AddressList;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.random.RandomGenerator;
import javax.net.ssl.SSLSocket;

/**
 * Makes one connection attempt: asks for the addresses, and tries them in the order
 * {@link AttemptTargets} gives (addresses shuffled, then every IP address of each host, shuffled)
 * until one connects. The RabbitMQ client's automatic recovery is off: the holder is the one
 * recovery mechanism. Owns the {@link TokenRefresh} that keeps expiring credentials fresh on the
 * connections it opened, until {@link #close()}.
 */
public final class ConnectionOpener {

    private static final System.Logger LOG = System.getLogger("dev.tether");

    private final AtomicReference<Socket> inFlight = new AtomicReference<>();
    private final AttemptObserver observer;
    private final OutboundCalls calls;
    private final String name;
    private volatile boolean warnedNoRefresh;
    private final AddressResolver resolver;
    private final CredentialsProvider credentials;
    private final TokenRefresh tokenRefresh;
    private final MetricsCollector collector;
    private final BooleanSupplier cancelled;
    private final AttemptTargets targets;

    /**
     * @param name the connection's name, for the token-refresh thread's
     * @param sources where each attempt asks for its addresses and credentials; a {@code null} part
     *     means the attempt's settings'
     * @param collector the RabbitMQ client's {@link MetricsCollector} for every attempt's
     *     connection, or {@code null} for none
     * @param random the shuffle's random source
     * @param cancelled whether the holder is closed: an attempt starting after that fails at once
     * @param hosts resolves host names ({@code InetAddress::getAllByName}; tests map made-up names
     *     to loopback IPs)
     */
    ConnectionOpener(String name, Sources sources, MetricsCollector collector, RandomGenerator random,
            BooleanSupplier cancelled, AttemptTargets.HostResolver hosts) {
        this(name, sources, collector, random, cancelled, hosts, AttemptObserver.NONE);
    }

    /** As above, telling {@code observer} what each attempt waits for and how refreshes went. */
    ConnectionOpener(String name, Sources sources, MetricsCollector collector, RandomGenerator random,
            BooleanSupplier cancelled, AttemptTargets.HostResolver hosts, AttemptObserver observer) {
        this.name = name;
        this.observer = observer;
        this.calls = new OutboundCalls(name, observer::waitingFor, cancelled);
        this.resolver = sources.addresses();
        this.credentials = sources.credentials();
        this.tokenRefresh = new TokenRefresh(name, sources.refresh());
        this.collector = collector;
        this.cancelled = cancelled;
        this.targets = new AttemptTargets(random, hosts);
    }

    /** As above, resolving host names through the system's resolver. */
    public ConnectionOpener(String name, Sources sources, MetricsCollector collector, RandomGenerator random,
            BooleanSupplier cancelled, AttemptObserver observer) {
        this(name, sources, collector, random, cancelled, InetAddress::getAllByName, observer);
    }

    /**
     * Ends the attempt in progress, if any, so that it fails at once (on close): closes its socket,
     * and stops waiting for (and interrupts) the provider, resolver or DNS lookup it waits for.
     */
    public void abortInFlight() {
        calls.cancel();
        Socket socket = inFlight.getAndSet(null);
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // the attempt fails either way
            }
        }
    }

    /**
     * Stops the token-refresh thread, if one was started, and the calls' thread (interrupting a
     * call that still runs): when the holder has finished closing.
     */
    public void close() {
        calls.close();
        tokenRefresh.close();
    }

    /**
     * Tries to connect; blocks on each host's name lookup and up to {@code connection-timeout} per
     * IP address. Asks the sources once for the addresses and the user name and password, falling
     * back to those of {@code settings}.
     *
     * @param settings the settings of this attempt
     * @return the outcome; never throws
     */
    public AttemptOutcome open(ConnectionSettings settings) {
        Duration limit = settings.connectionTimeout();
        AddressResolver addressSource = resolver != null ? resolver : new ListAddressResolver(settings.addresses());
        CredentialsProvider userSource = credentials != null ? credentials
                : new DefaultCredentialsProvider(settings.username(), settings.password());
        AttemptCredentials.Read read;
        try {
            read = calls.call("the credentials provider " + AttemptCredentials.describe(userSource),
                    () -> AttemptCredentials.read(userSource, limit, observer::credentialsRefreshed), limit);
        } catch (OutboundCalls.TimedOutException e) {
            return new AttemptOutcome.Failed(null, e, FailureKind.TIMED_OUT);
        } catch (Exception e) {
            return new AttemptOutcome.Failed(null, e, FailureKind.UNKNOWN); // closed
        }
        if (read instanceof AttemptCredentials.Unusable unusable) {
            return new AttemptOutcome.Failed(null, unusable.cause(), unusable.kind());
        }
        List<Address> addresses;
        try {
            addresses = resolver == null ? settings.addresses()
                    : calls.call("the address resolver " + resolver.getClass().getName(), addressSource::getAddresses,
                            limit);
        } catch (OutboundCalls.TimedOutException e) {
            return new AttemptOutcome.Failed(null, e, FailureKind.TIMED_OUT);
        } catch (Exception e) {
            return new AttemptOutcome.Failed(null, e);
        }
        if (addresses == null || addresses.isEmpty()) {
            return new AttemptOutcome.Failed(null, new UnknownHostException("the address resolver returned no address"),
                    FailureKind.UNREACHABLE);
        }
        ConnectionFactory factory;
        try {
            AttemptCredentials.Usable usable = (AttemptCredentials.Usable) read;
            factory = factory(settings, usable.credentials());
            if (usable.expiring()) {
                factory.setCredentialsRefreshService(tokenRefresh.get());
                warnIfNoRefresh(userSource);
            }
        } catch (GeneralSecurityException | IOException e) {
            return new AttemptOutcome.Failed(null, e, FailureKind.TLS); // the TLS stores cannot be read or used
        }
        List<AddressFailure> each = new ArrayList<>();
        for (Address address : targets.ordered(addresses, settings.tls() ? 5671 : 5672)) {
            if (cancelled.getAsBoolean()) {
                break; // closing: the holder ignores this outcome; look no further names up
            }
            AttemptOutcome.Opened opened = tryAddress(factory, settings, address, each);
            if (opened != null) {
                return opened;
            }
        }
        return each.isEmpty() ? new AttemptOutcome.Failed(null, new IOException("closed"), FailureKind.UNKNOWN) : AttemptOutcome.Failed.of(each);
    }

    /** Once per holder: expiring credentials whose provider cannot refresh them will expire on the live connection. */
    private void warnIfNoRefresh(CredentialsProvider provider) {
        if (!warnedNoRefresh && !AttemptCredentials.overridesRefresh(provider)) {
            warnedNoRefresh = true;
            LOG.log(Level.WARNING, "Connection '" + name + "': the credentials provider "
                    + AttemptCredentials.describe(provider) + " reports a time to live but does not override"
                    + " refresh(): its credentials cannot be renewed on the live connection, which the broker"
                    + " may refuse once they expire");
        }
    }

    /** @return {@code host} if it is plain enough to show (an address from a resolver may be anything) */
    static String shown(String host) {
        return AddressList.isPlainHost(host) ? host : "(an address that is not a host name)";
    }

    /** Tries each IP address of {@code address} in turn; adds every failure to {@code each}; null if none connected. */
    private AttemptOutcome.Opened tryAddress(ConnectionFactory factory, ConnectionSettings settings, Address address,
            List<AddressFailure> each) {
        int defaultPort = settings.tls() ? 5671 : 5672;
        List<AttemptTargets.Target> ips;
        try {
            ips = calls.call("the DNS lookup of " + shown(address.getHost()), () -> targets.of(address, defaultPort),
                    settings.connectionTimeout());
        } catch (OutboundCalls.TimedOutException e) {
            each.add(new AddressFailure(AttemptTargets.withPort(address, defaultPort), e, FailureKind.TIMED_OUT));
            targets.failed(AttemptTargets.withPort(address, defaultPort));
            return null;
        } catch (UnknownHostException | SecurityException e) {
            each.add(new AddressFailure(AttemptTargets.withPort(address, defaultPort), e, FailureKind.UNREACHABLE));
            targets.failed(AttemptTargets.withPort(address, defaultPort));
            return null;
        } catch (Exception e) {
            return null; // closed
        }
        for (AttemptTargets.Target target : ips) {
            try {
                observer.waitingFor("the broker at " + shown(target.reported().getHost()) + ":"
                        + target.reported().getPort());
                // a resolver of the one resolved address: given a list of one, the client would resolve the name again
                AddressResolver one = new ListAddressResolver(List.of(target.connect()));
                AttemptOutcome.Opened opened = new AttemptOutcome.Opened(factory.newConnection(null, one, settings.clientName()), target.reported());
                warnIfTooFewChannels(opened.connection(), settings);
                targets.connected(target.reported());
                targets.connected(AttemptTargets.withPort(address, defaultPort));
                return opened;
            } catch (Exception e) {
                each.add(new AddressFailure(target.reported(), e, FailureClassifier.classify(e)));
                targets.failed(target.reported());
            } finally {
                inFlight.set(null);
                observer.waitingFor(null);
            }
        }
        targets.failed(AttemptTargets.withPort(address, defaultPort));
        return null;
    }

    /** Warns when the broker's {@code channel_max} cannot hold both pools full, plus one channel of the application's. */
    private static void warnIfTooFewChannels(Connection connection, ConnectionSettings settings) {
        int channelMax = connection.getChannelMax(); // 0: no limit
        int needed = 2 * settings.channels().max() + 1;
        if (channelMax > 0 && channelMax < needed) {
            System.getLogger("dev.tether").log(System.Logger.Level.WARNING, () -> "Connection '" + settings.name()
                    + "': the broker allows " + channelMax + " channels (channel_max), fewer than the " + needed
                    + " that two full pools of channels.max=" + settings.channels().max()
                    + " and one more channel need; borrows will wait for a channel number");
        }
    }

    private ConnectionFactory factory(ConnectionSettings settings, CredentialsProvider credentials)
            throws GeneralSecurityException, IOException {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setAutomaticRecoveryEnabled(false);
        factory.setTopologyRecoveryEnabled(false);
        factory.setExceptionHandler(QuietConnectionErrors.INSTANCE);
        factory.setCredentialsProvider(credentials);
        factory.setVirtualHost(settings.virtualHost());
        int timeout = (int) settings.connectionTimeout().toMillis();
        factory.setConnectionTimeout(timeout);
        // The client waits handshakeTimeout / 2 for the broker's connection.start, and handshakeTimeout
        // for each later handshake frame: so the first wait is exactly connection-timeout.
        factory.setHandshakeTimeout(2 * timeout);
        factory.setShutdownTimeout(timeout);
        // Channel RPCs (createChannel, confirm.select, declares) wait at most as long as the handshake
        // may, not the client's 10 minutes: an RPC unanswered for that long is on a dead or wedged
        // connection, and the pools' borrowers must not wait for the heartbeat to say so.
        factory.setChannelRpcTimeout(2 * timeout);
        factory.setRequestedHeartbeat((int) settings.heartbeat().toSeconds());
        if (collector != null) {
            factory.setMetricsCollector(collector);
        }
        SocketConfigurator sockets = SocketConfigurators.defaultConfigurator();
        if (settings.tls()) {
            // Only the socket factory: the client's useSslProtocol(context) and setSslContextFactory(...)
            // both force host name verification on (5.37), which would ignore tls.verify-hostname=false.
            factory.setSocketFactory(SslContexts.create(settings.tlsOptions()).getSocketFactory());
            String[] protocols = settings.tlsOptions().protocols().toArray(String[]::new);
            sockets = sockets.andThen(socket -> ((SSLSocket) socket).setEnabledProtocols(protocols));
            if (settings.verifyHostname()) {
                sockets = sockets.andThen(SocketConfigurators.enableHostnameVerification());
            }
        }
        factory.setSocketConfigurator(sockets.andThen(socket -> {
            inFlight.set(socket);
            if (cancelled.getAsBoolean()) { // close() may have looked for a socket just before this one
                throw new IOException("closed");
            }
        }));
        return factory;
    }
}
