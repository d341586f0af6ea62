package dev.tether.internal;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.AddressResolver;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.tether.ConnectionSettings;
import dev.tether.FailureKind;
import com.rabbitmq.client.SocketConfigurator;
import com.rabbitmq.client.SocketConfigurators;
import java.io.IOException;
import java.net.Socket;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.random.RandomGenerator;
import javax.net.ssl.SSLSocket;

/**
 * Makes one connection attempt: asks for the addresses, shuffles them, and tries each in turn
 * until one connects. The RabbitMQ client's automatic recovery is off: the holder is the one
 * recovery mechanism.
 */
final class ConnectionOpener {

    /** What an attempt gave. */
    sealed interface Outcome {
    }

    /** A connection was opened. */
    record Opened(Connection connection, Address address) implements Outcome {
    }

    /** Every address failed; the most telling failure is kept. */
    record Failed(Address address, Throwable cause, FailureKind kind) implements Outcome {
    }

    private final RandomGenerator random;
    private final AtomicReference<Socket> inFlight = new AtomicReference<>();
    private final BooleanSupplier cancelled;

    /**
     * @param random the shuffle's random source
     * @param cancelled whether the holder is closed: an attempt starting after that fails at once
     */
    ConnectionOpener(RandomGenerator random, BooleanSupplier cancelled) {
        this.random = random;
        this.cancelled = cancelled;
    }

    /** Closes the socket of the attempt in progress, if any, so that it fails at once (on close). */
    void abortInFlight() {
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
     * Tries to connect; blocks up to {@code connection-timeout} per address.
     *
     * @param settings the settings of this attempt
     * @param resolver the addresses' source, asked once
     * @return the outcome; never throws
     */
    Outcome open(ConnectionSettings settings, AddressResolver resolver) {
        List<Address> addresses;
        try {
            addresses = new ArrayList<>(resolver.getAddresses());
        } catch (Exception e) {
            return new Failed(null, e, FailureClassifier.classify(e));
        }
        if (addresses.isEmpty()) {
            return new Failed(null, new UnknownHostException("the address resolver returned no address"),
                    FailureKind.UNREACHABLE);
        }
        shuffle(addresses);
        ConnectionFactory factory;
        try {
            factory = factory(settings);
        } catch (GeneralSecurityException | IOException e) {
            return new Failed(null, e, FailureKind.TLS); // the TLS stores cannot be read or used
        }
        Failed worst = null;
        for (Address address : addresses) {
            Address target = address.getPort() == -1
                    ? new Address(address.getHost(), settings.tls() ? 5671 : 5672)
                    : address;
            try {
                return new Opened(factory.newConnection(List.of(target), settings.clientName()), target);
            } catch (Exception e) {
                worst = moreTelling(worst, new Failed(target, e, FailureClassifier.classify(e)));
            } finally {
                inFlight.set(null);
            }
        }
        return worst;
    }

    /** A misconfiguration beats a transient failure, and a refusal counts only if all refused. */
    private static Failed moreTelling(Failed kept, Failed next) {
        if (kept == null || next.kind().misconfiguration() && !kept.kind().misconfiguration()) {
            return next;
        }
        if (kept.kind().misconfiguration()) {
            return kept;
        }
        return next.kind() == FailureKind.REFUSED ? kept : next;
    }

    private void shuffle(List<Address> addresses) {
        for (int i = addresses.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            addresses.set(i, addresses.set(j, addresses.get(i)));
        }
    }

    private ConnectionFactory factory(ConnectionSettings settings) throws GeneralSecurityException, IOException {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setAutomaticRecoveryEnabled(false);
        factory.setTopologyRecoveryEnabled(false);
        factory.setExceptionHandler(QuietConnectionErrors.INSTANCE);
        factory.setUsername(settings.username());
        factory.setPassword(settings.password());
        factory.setVirtualHost(settings.virtualHost());
        int timeout = (int) settings.connectionTimeout().toMillis();
        factory.setConnectionTimeout(timeout);
        // The client waits handshakeTimeout / 2 for the broker's connection.start, and handshakeTimeout
        // for each later handshake frame: so the first wait is exactly connection-timeout.
        factory.setHandshakeTimeout(2 * timeout);
        factory.setShutdownTimeout(timeout);
        factory.setRequestedHeartbeat((int) settings.heartbeat().toSeconds());
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
