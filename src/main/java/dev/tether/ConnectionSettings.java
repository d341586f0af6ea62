package dev.tether;

import com.rabbitmq.client.Address;
import dev.tether.internal.values.AddressList;
import dev.tether.internal.values.AmqpUri;
import dev.tether.internal.values.Check;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Everything a {@link PersistentConnection} needs to connect, validated once: a record is always
 * valid. Build one with {@link #builder()}; its {@code toString()} masks the password.
 *
 * <pre>{@code
 * ConnectionSettings settings = ConnectionSettings.builder("orders")
 *         .uri("amqps://app:secret@rabbit.example.com/orders")
 *         .heartbeat(Duration.ofSeconds(5))
 *         .build();
 * }</pre>
 *
 * @param name the connection's name: letters, digits, {@code -} and {@code _}
 * @param addresses the broker addresses tried, shuffled, on every attempt (at least one)
 * @param username the user name
 * @param password the password (never printed)
 * @param virtualHost the virtual host, {@code /} by default
 * @param tls whether to use TLS ({@code amqps://})
 * @param verifyHostname with TLS, whether the broker's certificate must match its host name
 * @param tlsOptions with TLS, the trust store, key store (mutual TLS) and protocols
 * @param clientName the connection name shown in RabbitMQ's management UI
 * @param connectionTimeout the limit for the TCP connect and for the broker's first handshake frame; a
 *     broker that stalls later in the handshake is given up after at most twice this
 * @param heartbeat the requested heartbeat interval (whole seconds, 1 s to 65535 s)
 * @param awaitTimeout how long an injected connection proxy waits for a connection
 * @param backoff the delays between attempts
 * @param eager whether to connect at once rather than on first use
 * @param channels the limits of the pooled channels and of confirmed publishing
 */
public record ConnectionSettings(String name, List<Address> addresses, String username, String password,
        String virtualHost, boolean tls, boolean verifyHostname, TlsOptions tlsOptions, String clientName,
        Duration connectionTimeout,
        Duration heartbeat, Duration awaitTimeout, Backoff backoff, boolean eager, ChannelSettings channels) {

    /** The name of the connection used when none is given. */
    public static final String DEFAULT_NAME = "default";

    /** The URI used when none is given. */
    public static final String DEFAULT_URI = "amqp://guest:guest@localhost:5672";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");
    private static final int AMQP_PORT = 5672;
    private static final int AMQPS_PORT = 5671;

    /**
     * Validates the values.
     *
     * @throws IllegalArgumentException naming the setting that is missing or out of range
     */
    public ConnectionSettings {
        Check.notBlank("name", name);
        if (!NAME.matcher(name).matches()) {
            throw Check.invalid("name", "'" + name + "' may only contain letters, digits, '-' and '_'");
        }
        Check.present("addresses", addresses);
        if (addresses.isEmpty()) {
            throw Check.invalid("addresses", "must hold at least one address");
        }
        for (Address address : addresses) {
            Check.notBlank("addresses", address.getHost());
            Check.port("addresses", address.getPort());
        }
        addresses = List.copyOf(addresses);
        Check.notBlank("username", username);
        Check.present("password", password);
        Check.present("virtual-host", virtualHost);
        Check.present("tls", tlsOptions);
        if (!tls && tlsOptions.hasStores()) {
            throw Check.invalid(tlsOptions.trustStore() != null ? "tls.trust-store" : "tls.key-store",
                    "is set but the connection does not use TLS (use an amqps:// URI)");
        }
        Check.notBlank("client-name", clientName);
        Check.positiveAtMost("connection-timeout", connectionTimeout, Duration.ofMillis(Integer.MAX_VALUE / 2));
        Check.positiveAtMost("heartbeat", heartbeat, Duration.ofSeconds(65535));
        if (heartbeat.compareTo(Duration.ofSeconds(1)) < 0) {
            throw Check.invalid("heartbeat", "must be at least 1s (heartbeats are negotiated in whole seconds)");
        }
        Check.positiveAtMost("await-timeout", awaitTimeout, Duration.ofDays(365));
        Check.present("backoff", backoff);
        Check.present("channels", channels);
    }

    /** @return a builder with the defaults, for the connection named {@value #DEFAULT_NAME} */
    public static Builder builder() {
        return new Builder(DEFAULT_NAME);
    }

    /**
     * @param name the connection's name
     * @return a builder with the defaults
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** @return a builder holding these settings, to derive changed ones */
    public Builder toBuilder() {
        Builder builder = new Builder(name);
        builder.addresses = addresses;
        builder.username = username;
        builder.password = password;
        builder.virtualHost = virtualHost;
        builder.tls = tls;
        builder.verifyHostname = verifyHostname;
        builder.trustStore = tlsOptions.trustStore();
        builder.trustStorePassword = tlsOptions.trustStorePassword();
        builder.trustStoreType = tlsOptions.trustStoreType();
        builder.keyStore = tlsOptions.keyStore();
        builder.keyStorePassword = tlsOptions.keyStorePassword();
        builder.keyStoreType = tlsOptions.keyStoreType();
        builder.tlsProtocols = tlsOptions.protocols();
        builder.clientName = clientName;
        builder.connectionTimeout = connectionTimeout;
        builder.heartbeat = heartbeat;
        builder.awaitTimeout = awaitTimeout;
        builder.backoff = backoff;
        builder.eager = eager;
        builder.channels = channels;
        return builder;
    }

    /** @return the settings' URI without the password, e.g. {@code amqps://app@rabbit:5671/orders} */
    public String displayUri() {
        Address first = addresses.get(0);
        String host = first.getHost().contains(":") ? "[" + first.getHost() + "]" : first.getHost();
        return (tls ? "amqps://" : "amqp://") + username + "@" + host + ":" + first.getPort() + "/"
                + virtualHost.replace("%", "%25").replace("/", "%2F");
    }

    @Override
    public String toString() {
        return "ConnectionSettings[name=" + name + ", addresses=" + addresses + ", username=" + username
                + ", password=****, virtualHost=" + virtualHost + ", tls=" + tls + ", verifyHostname="
                + verifyHostname + ", tlsOptions=" + tlsOptions + ", clientName=" + clientName + ", connectionTimeout=" + connectionTimeout
                + ", heartbeat=" + heartbeat + ", awaitTimeout=" + awaitTimeout + ", backoff=" + backoff
                + ", eager=" + eager + ", channels=" + channels + "]";
    }

    /**
     * Builds {@link ConnectionSettings}. {@link #uri(String)} sets addresses, credentials, virtual host
     * and TLS at once; calls after it override single parts. Nothing is validated before {@link #build()}.
     */
    public static final class Builder {
        private final String name;
        private List<Address> addresses = List.of(new Address("localhost", AMQP_PORT));
        private String username = AmqpUri.DEFAULT_CREDENTIAL;
        private String password = AmqpUri.DEFAULT_CREDENTIAL;
        private String virtualHost = "/";
        private boolean tls;
        private boolean verifyHostname = true;
        private String trustStore;
        private String trustStorePassword;
        private String trustStoreType = TlsOptions.DEFAULT.trustStoreType();
        private String keyStore;
        private String keyStorePassword;
        private String keyStoreType = TlsOptions.DEFAULT.keyStoreType();
        private List<String> tlsProtocols = TlsOptions.DEFAULT.protocols();
        private String clientName;
        private Duration connectionTimeout = Duration.ofSeconds(10);
        private Duration heartbeat = Duration.ofSeconds(10);
        private Duration awaitTimeout = Duration.ofSeconds(5);
        private Backoff backoff = Backoff.DEFAULT;
        private boolean eager = true;
        private ChannelSettings channels = ChannelSettings.DEFAULT;

        private Builder(String name) {
            this.name = name;
        }

        /**
         * Sets addresses, user, password, virtual host and TLS from an {@code amqp://} or
         * {@code amqps://} URI; parts the URI leaves out take their defaults ({@code guest},
         * {@code /}, port 5672 or 5671).
         *
         * @param uri the URI
         * @return this builder
         * @throws IllegalArgumentException naming {@code uri} when it is malformed
         */
        public Builder uri(String uri) {
            AmqpUri parsed = AmqpUri.parse(uri);
            this.addresses = List.of(new Address(parsed.host(), parsed.port()));
            this.username = parsed.usernameOrDefault();
            this.password = parsed.passwordOrDefault();
            this.virtualHost = parsed.virtualHost() == null ? "/" : parsed.virtualHost();
            this.tls = parsed.tls();
            return this;
        }

        /**
         * @param addresses {@code host[:port]} entries separated by commas (a cluster)
         * @return this builder
         * @throws IllegalArgumentException naming {@code addresses} when the list is malformed
         */
        public Builder addresses(String addresses) {
            this.addresses = AddressList.parse("addresses", addresses);
            return this;
        }

        /**
         * @param addresses the addresses; a port of {@code -1} means the scheme's default
         * @return this builder
         */
        public Builder addresses(List<Address> addresses) {
            this.addresses = addresses == null ? null : List.copyOf(addresses);
            return this;
        }

        /** @param username the user name @return this builder */
        public Builder username(String username) {
            this.username = username;
            return this;
        }

        /** @param password the password @return this builder */
        public Builder password(String password) {
            this.password = password;
            return this;
        }

        /** @param virtualHost the virtual host @return this builder */
        public Builder virtualHost(String virtualHost) {
            this.virtualHost = virtualHost;
            return this;
        }

        /** @param tls whether to use TLS @return this builder */
        public Builder tls(boolean tls) {
            this.tls = tls;
            return this;
        }

        /** @param verifyHostname with TLS, whether to check the certificate's host name @return this builder */
        public Builder verifyHostname(boolean verifyHostname) {
            this.verifyHostname = verifyHostname;
            return this;
        }

        /**
         * @param path the store of CAs to trust instead of the JVM's default, or {@code null}
         * @param password its password, or {@code null}
         * @return this builder
         */
        public Builder trustStore(String path, String password) {
            this.trustStore = path;
            this.trustStorePassword = password;
            return this;
        }

        /** @param type {@code PKCS12} (default) or {@code JKS} @return this builder */
        public Builder trustStoreType(String type) {
            this.trustStoreType = type;
            return this;
        }

        /**
         * @param path the client's key and certificate (mutual TLS), or {@code null}
         * @param password its password, or {@code null}
         * @return this builder
         */
        public Builder keyStore(String path, String password) {
            this.keyStore = path;
            this.keyStorePassword = password;
            return this;
        }

        /** @param type {@code PKCS12} (default) or {@code JKS} @return this builder */
        public Builder keyStoreType(String type) {
            this.keyStoreType = type;
            return this;
        }

        /** @param protocols the enabled TLS protocols, e.g. {@code List.of("TLSv1.3")} @return this builder */
        public Builder tlsProtocols(List<String> protocols) {
            this.tlsProtocols = protocols;
            return this;
        }

        /** @param clientName the name shown in RabbitMQ's management UI @return this builder */
        public Builder clientName(String clientName) {
            this.clientName = clientName;
            return this;
        }

        /** @param timeout the TCP connect and handshake limit @return this builder */
        public Builder connectionTimeout(Duration timeout) {
            this.connectionTimeout = timeout;
            return this;
        }

        /** @param heartbeat the requested heartbeat @return this builder */
        public Builder heartbeat(Duration heartbeat) {
            this.heartbeat = heartbeat;
            return this;
        }

        /** @param timeout how long a proxy call waits for a connection @return this builder */
        public Builder awaitTimeout(Duration timeout) {
            this.awaitTimeout = timeout;
            return this;
        }

        /** @param backoff the retry delays @return this builder */
        public Builder backoff(Backoff backoff) {
            this.backoff = backoff;
            return this;
        }

        /** @param eager whether to connect at once @return this builder */
        public Builder eager(boolean eager) {
            this.eager = eager;
            return this;
        }

        /** @param channels the limits of the pooled channels and of confirmed publishing @return this builder */
        public Builder channels(ChannelSettings channels) {
            this.channels = channels;
            return this;
        }

        /**
         * @return the validated settings
         * @throws IllegalArgumentException naming the first invalid setting
         */
        public ConnectionSettings build() {
            Check.notBlank("name", name);
            List<Address> resolved = null;
            if (addresses != null) {
                resolved = new ArrayList<>(addresses.size());
                for (Address address : addresses) {
                    Objects.requireNonNull(address, "address");
                    int port = address.getPort() == -1 ? (tls ? AMQPS_PORT : AMQP_PORT) : address.getPort();
                    resolved.add(new Address(address.getHost(), port));
                }
            }
            TlsOptions tlsOptions = new TlsOptions(trustStore, trustStorePassword, trustStoreType, keyStore,
                    keyStorePassword, keyStoreType, tlsProtocols);
            return new ConnectionSettings(name, resolved, username, password, virtualHost, tls, verifyHostname,
                    tlsOptions, clientName == null ? "tether-" + name : clientName, connectionTimeout, heartbeat, awaitTimeout,
                    backoff, eager, channels);
        }
    }
}
