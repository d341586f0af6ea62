package dev.tether;

import com.rabbitmq.client.Address;
import dev.tether.internal.values.AmqpUri;
import dev.tether.internal.values.Check;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Everything a {@link PersistentConnection} needs to connect, validated once: an instance is always
 * valid. Build one with {@link #builder()}; its {@code toString()} masks every secret. Each setting
 * is declared once, as a {@link Setting}: the typed accessors below are shorthands for
 * {@link #get(Setting)}, and a setting without one is read with {@code get}.
 *
 * <pre>{@code
 * ConnectionSettings settings = ConnectionSettings.builder("orders")
 *         .uri("amqps://app:secret@rabbit.example.com/orders")
 *         .heartbeat(Duration.ofSeconds(5))
 *         .build();
 * }</pre>
 *
 * <p>Until version 0.1 this was a record; it is a final class so that settings can be added
 * without breaking callers (see the CHANGELOG).
 */
public final class ConnectionSettings {

    /** The name of the connection used when none is given. */
    public static final String DEFAULT_NAME = "default";

    /** The URI used when none is given. */
    public static final String DEFAULT_URI = "amqp://guest:guest@localhost:5672";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");
    private static final int AMQP_PORT = 5672;
    private static final int AMQPS_PORT = 5671;

    private final String name;
    private final boolean tls;
    private final Map<Setting<?>, Object> values; // every per-connection setting but uri, resolved
    private final TlsOptions tlsOptions;
    private final Backoff backoff;
    private final ChannelSettings channels;

    private ConnectionSettings(String name, boolean tls, Map<Setting<?>, Object> values) {
        this.name = name;
        this.tls = tls;
        this.values = values;
        this.tlsOptions = new TlsOptions(get(Setting.TLS_TRUST_STORE), get(Setting.TLS_TRUST_STORE_PASSWORD),
                get(Setting.TLS_TRUST_STORE_TYPE), get(Setting.TLS_KEY_STORE), get(Setting.TLS_KEY_STORE_PASSWORD),
                get(Setting.TLS_KEY_STORE_TYPE), get(Setting.TLS_PROTOCOLS));
        this.backoff = new Backoff(get(Setting.BACKOFF_INITIAL), get(Setting.BACKOFF_MAX),
                get(Setting.BACKOFF_MULTIPLIER), get(Setting.BACKOFF_JITTER), get(Setting.BACKOFF_REFUSED_MAX));
        this.channels = new ChannelSettings(get(Setting.CHANNELS_MAX), get(Setting.CHANNELS_CHECKOUT_TIMEOUT),
                get(Setting.PUBLISH_CONFIRM_TIMEOUT));
        if (!tls && tlsOptions.hasStores()) {
            throw Check.invalid(tlsOptions.trustStore() != null ? ConfigKeys.TLS_TRUST_STORE : ConfigKeys.TLS_KEY_STORE,
                    "is set but the connection does not use TLS (use an amqps:// URI)");
        }
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
        builder.tls = tls;
        builder.values.putAll(values);
        return builder;
    }

    /**
     * @param setting a per-connection setting
     * @param <T> its type
     * @return its value; {@code null} only for an optional one that is not set (a TLS store). For
     *     {@link Setting#URI}, the URI without the password ({@link #displayUri()})
     * @throws IllegalArgumentException for a global setting, which no connection holds
     */
    @SuppressWarnings("unchecked")
    public <T> T get(Setting<T> setting) {
        if (setting.scope() != Setting.Scope.CONNECTION) {
            throw new IllegalArgumentException(setting.key() + " is global: read it from the configuration");
        }
        return setting == Setting.URI ? (T) displayUri() : (T) values.get(setting);
    }

    /** @return the connection's name: letters, digits, {@code -} and {@code _} */
    public String name() {
        return name;
    }

    /** @return the broker addresses tried, shuffled, on every attempt (at least one, ports resolved) */
    public List<Address> addresses() {
        return get(Setting.ADDRESSES);
    }

    /** @return the user name */
    public String username() {
        return get(Setting.USERNAME);
    }

    /** @return the password (never printed) */
    public String password() {
        return get(Setting.PASSWORD);
    }

    /** @return the virtual host, {@code /} by default */
    public String virtualHost() {
        return get(Setting.VIRTUAL_HOST);
    }

    /** @return whether to use TLS ({@code amqps://}) */
    public boolean tls() {
        return tls;
    }

    /** @return with TLS, whether the broker's certificate must match its host name */
    public boolean verifyHostname() {
        return get(Setting.TLS_VERIFY_HOSTNAME);
    }

    /** @return with TLS, the trust store, key store (mutual TLS) and protocols */
    public TlsOptions tlsOptions() {
        return tlsOptions;
    }

    /** @return the connection name shown in RabbitMQ's management UI */
    public String clientName() {
        return get(Setting.CLIENT_NAME);
    }

    /**
     * @return the limit for the TCP connect and for the broker's first handshake frame; a broker
     *     that stalls later in the handshake is given up after at most twice this
     */
    public Duration connectionTimeout() {
        return get(Setting.CONNECTION_TIMEOUT);
    }

    /** @return the requested heartbeat interval (whole seconds, 1 s to 65535 s) */
    public Duration heartbeat() {
        return get(Setting.HEARTBEAT);
    }

    /** @return how long an injected connection proxy waits for a connection */
    public Duration awaitTimeout() {
        return get(Setting.AWAIT_TIMEOUT);
    }

    /** @return the delays between attempts */
    public Backoff backoff() {
        return backoff;
    }

    /** @return whether to connect at once rather than on first use */
    public boolean eager() {
        return get(Setting.EAGER);
    }

    /** @return the limits of the pooled channels and of confirmed publishing */
    public ChannelSettings channels() {
        return channels;
    }

    /** @return the settings' URI without the password, e.g. {@code amqps://app@rabbit:5671/orders} */
    public String displayUri() {
        Address first = addresses().get(0);
        String host = first.getHost().contains(":") ? "[" + first.getHost() + "]" : first.getHost();
        return (tls ? "amqps://" : "amqp://") + username() + "@" + host + ":" + first.getPort() + "/"
                + virtualHost().replace("%", "%25").replace("/", "%2F");
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ConnectionSettings that && name.equals(that.name) && tls == that.tls
                && values.equals(that.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, tls, values);
    }

    /** @return every setting by its key, each secret as {@code ****} */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("ConnectionSettings[name=").append(name).append(", tls=").append(tls);
        for (Setting<?> setting : Setting.all()) {
            if (values.containsKey(setting)) {
                text.append(", ").append(setting.key()).append('=').append(setting.format(values.get(setting)));
            }
        }
        return text.append(']').toString();
    }

    /**
     * Builds {@link ConnectionSettings}. {@link #uri(String)} sets addresses, credentials, virtual host
     * and TLS at once; calls after it override single parts. Nothing is validated before {@link #build()}.
     */
    public static final class Builder {
        private final String name;
        private final Map<Setting<?>, Object> values = new HashMap<>();
        private boolean tls;

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
            values.put(Setting.ADDRESSES, List.of(new Address(parsed.host(), parsed.port())));
            values.put(Setting.USERNAME, parsed.usernameOrDefault());
            values.put(Setting.PASSWORD, parsed.passwordOrDefault());
            values.put(Setting.VIRTUAL_HOST, parsed.virtualHost() == null ? "/" : parsed.virtualHost());
            this.tls = parsed.tls();
            return this;
        }

        /**
         * @param addresses {@code host[:port]} entries separated by commas (a cluster)
         * @return this builder
         * @throws IllegalArgumentException naming {@code addresses} when the list is malformed
         */
        public Builder addresses(String addresses) {
            return set(Setting.ADDRESSES.key(), addresses);
        }

        /**
         * @param addresses the addresses; a port of {@code -1} means the scheme's default
         * @return this builder
         */
        public Builder addresses(List<Address> addresses) {
            return set(Setting.ADDRESSES, addresses == null ? null : Collections.unmodifiableList(new ArrayList<>(addresses)));
        }

        /** @param username the user name @return this builder */
        public Builder username(String username) {
            return set(Setting.USERNAME, username);
        }

        /** @param password the password @return this builder */
        public Builder password(String password) {
            return set(Setting.PASSWORD, password);
        }

        /** @param virtualHost the virtual host @return this builder */
        public Builder virtualHost(String virtualHost) {
            return set(Setting.VIRTUAL_HOST, virtualHost);
        }

        /** @param tls whether to use TLS @return this builder */
        public Builder tls(boolean tls) {
            this.tls = tls;
            return this;
        }

        /** @param verifyHostname with TLS, whether to check the certificate's host name @return this builder */
        public Builder verifyHostname(boolean verifyHostname) {
            return set(Setting.TLS_VERIFY_HOSTNAME, verifyHostname);
        }

        /**
         * @param path the store of CAs to trust instead of the JVM's default, or {@code null}
         * @param password its password, or {@code null}
         * @return this builder
         */
        public Builder trustStore(String path, String password) {
            return set(Setting.TLS_TRUST_STORE, path).set(Setting.TLS_TRUST_STORE_PASSWORD, password);
        }

        /** @param type {@code PKCS12} (default) or {@code JKS} @return this builder */
        public Builder trustStoreType(String type) {
            return set(Setting.TLS_TRUST_STORE_TYPE, type);
        }

        /**
         * @param path the client's key and certificate (mutual TLS), or {@code null}
         * @param password its password, or {@code null}
         * @return this builder
         */
        public Builder keyStore(String path, String password) {
            return set(Setting.TLS_KEY_STORE, path).set(Setting.TLS_KEY_STORE_PASSWORD, password);
        }

        /** @param type {@code PKCS12} (default) or {@code JKS} @return this builder */
        public Builder keyStoreType(String type) {
            return set(Setting.TLS_KEY_STORE_TYPE, type);
        }

        /** @param protocols the enabled TLS protocols, e.g. {@code List.of("TLSv1.3")} @return this builder */
        public Builder tlsProtocols(List<String> protocols) {
            return set(Setting.TLS_PROTOCOLS, protocols);
        }

        /** @param clientName the name shown in RabbitMQ's management UI @return this builder */
        public Builder clientName(String clientName) {
            return set(Setting.CLIENT_NAME, clientName);
        }

        /** @param timeout the TCP connect and handshake limit @return this builder */
        public Builder connectionTimeout(Duration timeout) {
            return set(Setting.CONNECTION_TIMEOUT, timeout);
        }

        /** @param heartbeat the requested heartbeat @return this builder */
        public Builder heartbeat(Duration heartbeat) {
            return set(Setting.HEARTBEAT, heartbeat);
        }

        /** @param timeout how long a proxy call waits for a connection @return this builder */
        public Builder awaitTimeout(Duration timeout) {
            return set(Setting.AWAIT_TIMEOUT, timeout);
        }

        /** @param backoff the retry delays @return this builder */
        public Builder backoff(Backoff backoff) {
            Check.present("backoff", backoff);
            return set(Setting.BACKOFF_INITIAL, backoff.initial()).set(Setting.BACKOFF_MAX, backoff.max())
                    .set(Setting.BACKOFF_MULTIPLIER, backoff.multiplier()).set(Setting.BACKOFF_JITTER, backoff.jitter())
                    .set(Setting.BACKOFF_REFUSED_MAX, backoff.refusedMax());
        }

        /** @param eager whether to connect at once @return this builder */
        public Builder eager(boolean eager) {
            return set(Setting.EAGER, eager);
        }

        /** @param channels the limits of the pooled channels and of confirmed publishing @return this builder */
        public Builder channels(ChannelSettings channels) {
            Check.present("channels", channels);
            return set(Setting.CHANNELS_MAX, channels.max())
                    .set(Setting.CHANNELS_CHECKOUT_TIMEOUT, channels.checkoutTimeout())
                    .set(Setting.PUBLISH_CONFIRM_TIMEOUT, channels.confirmTimeout());
        }

        /**
         * Sets any per-connection setting, checked when {@link #build()} is called.
         *
         * @param setting the setting ({@link Setting#URI} sets addresses, credentials, virtual host and TLS)
         * @param value its value; {@code null} for an optional one means unset
         * @param <T> its type
         * @return this builder
         * @throws IllegalArgumentException for a global setting
         */
        public <T> Builder set(Setting<T> setting, T value) {
            if (setting.scope() != Setting.Scope.CONNECTION) {
                throw new IllegalArgumentException(setting.key() + " is global, not a connection's setting");
            }
            if (setting == Setting.URI) {
                return uri((String) value);
            }
            values.put(setting, value);
            return this;
        }

        /**
         * Sets a per-connection setting from text, parsed and checked as its configuration key is.
         *
         * @param key the key without prefix or connection name, such as {@code heartbeat}
         * @param text the value as configuration writes it, such as {@code 5s}
         * @return this builder
         * @throws IllegalArgumentException naming the key when it is unknown, global, or the value invalid
         */
        public Builder set(String key, String text) {
            Setting<?> setting = Setting.forKey(key)
                    .orElseThrow(() -> Check.invalid(key, "is not a Tether setting"));
            return parsed(setting, text);
        }

        private <T> Builder parsed(Setting<T> setting, String text) {
            return set(setting, setting.parse(text));
        }

        /**
         * @return the validated settings
         * @throws IllegalArgumentException naming the first invalid setting
         */
        public ConnectionSettings build() {
            Check.notBlank("name", name);
            if (!NAME.matcher(name).matches()) {
                throw Check.invalid("name", "'" + name + "' may only contain letters, digits, '-' and '_'");
            }
            Map<Setting<?>, Object> resolved = new HashMap<>();
            for (Setting<?> setting : Setting.all()) {
                if (setting.scope() == Setting.Scope.CONNECTION && setting != Setting.URI) {
                    resolved.put(setting, checked(setting));
                }
            }
            List<Address> addresses = new ArrayList<>();
            for (Address address : get(resolved, Setting.ADDRESSES)) { // -1: the scheme's port
                int port = address.getPort() == -1 ? (tls ? AMQPS_PORT : AMQP_PORT) : address.getPort();
                addresses.add(new Address(address.getHost(), port));
            }
            resolved.put(Setting.ADDRESSES, List.copyOf(addresses));
            if (resolved.get(Setting.CLIENT_NAME) == null) {
                resolved.put(Setting.CLIENT_NAME, "tether-" + name);
            } else {
                Check.notBlank(ConfigKeys.CLIENT_NAME, (String) resolved.get(Setting.CLIENT_NAME));
            }
            return new ConnectionSettings(name, tls, Collections.unmodifiableMap(resolved));
        }

        private <T> T checked(Setting<T> setting) {
            @SuppressWarnings("unchecked")
            T value = values.containsKey(setting) ? (T) values.get(setting) : setting.defaultValue();
            if (value != null || setting.defaultValue() != null) {
                setting.check(value);
            }
            return value;
        }

        @SuppressWarnings("unchecked")
        private static <T> T get(Map<Setting<?>, Object> values, Setting<T> setting) {
            return (T) values.get(setting);
        }
    }
}
