package dev.tether;

import com.rabbitmq.client.Address;
import dev.tether.internal.values.AddressList;
import dev.tether.internal.values.Check;
import dev.tether.internal.values.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.DoublePredicate;
import java.util.function.Function;

/**
 * One configuration setting, declared once: its key, scope, kind, default, parser and check. The
 * MicroProfile Config reader, the unknown-key warning, {@link ConnectionSettings#toString()} and
 * the README's configuration table (by a test) all read these declarations, so a new setting is
 * one declaration here and one row in the README:
 *
 * <pre>{@code
 * public static final Setting<Duration> HEARTBEAT =
 *         duration(ConfigKeys.HEARTBEAT, Duration.ofSeconds(10), Duration.ofSeconds(65535));
 * }</pre>
 *
 * <p>Plain Java sets and reads any per-connection setting without a method of its own:
 *
 * <pre>{@code
 * ConnectionSettings settings = ConnectionSettings.builder("orders")
 *         .set(Setting.HEARTBEAT, Duration.ofSeconds(5))
 *         .set("channels.max", "32")                  // parsed and checked like the config value
 *         .build();
 * Duration heartbeat = settings.get(Setting.HEARTBEAT);
 * }</pre>
 *
 * @param <T> the type of the setting's value
 */
public final class Setting<T> {

    /** Where a setting applies. */
    public enum Scope {
        /** Per connection: {@code tether.<name>.<key>}, then {@code tether.<key>}, then the default. */
        CONNECTION,
        /** Once for the application: {@code tether.<key>} only. */
        GLOBAL
    }

    /** Filled by the constructor, as the constants below are initialized in the order written. */
    private static final List<Setting<?>> DECLARED = new ArrayList<>();

    /** The longest delay or timeout a setting accepts (a larger one is a typo, and would overflow). */
    private static final Duration ONE_DAY = Duration.ofDays(1);

    /** {@code amqp://} or {@code amqps://} URI: addresses, credentials, virtual host and TLS at once. */
    public static final Setting<String> URI = new Setting<>(ConfigKeys.URI, Scope.CONNECTION, "URI",
            ConnectionSettings.DEFAULT_URI, text -> text, value -> Check.notBlank(ConfigKeys.URI, value), true,
            "`" + ConnectionSettings.DEFAULT_URI + "`");
    /** Broker addresses, {@code host[:port]} comma-separated; a port of -1 means the scheme's default. */
    public static final Setting<List<Address>> ADDRESSES = new Setting<>(ConfigKeys.ADDRESSES, Scope.CONNECTION,
            "list", List.of(new Address("localhost", -1)), text -> AddressList.parse(ConfigKeys.ADDRESSES, text),
            Setting::addresses, false, "from `uri`");
    /** User name. */
    public static final Setting<String> USERNAME =
            string(ConfigKeys.USERNAME, "guest", "from `uri`");
    /** Password (never shown). */
    public static final Setting<String> PASSWORD = new Setting<>(ConfigKeys.PASSWORD, Scope.CONNECTION, "string",
            "guest", text -> text, value -> Check.present(ConfigKeys.PASSWORD, value), true, "from `uri`");
    /** Virtual host. */
    public static final Setting<String> VIRTUAL_HOST = new Setting<>(ConfigKeys.VIRTUAL_HOST, Scope.CONNECTION,
            "string", "/", text -> text, value -> Check.present(ConfigKeys.VIRTUAL_HOST, value), false, "from `uri`");
    /** Connection name shown in RabbitMQ's management UI; {@code null} means {@code tether-<name>}. */
    public static final Setting<String> CLIENT_NAME = new Setting<>(ConfigKeys.CLIENT_NAME, Scope.CONNECTION,
            "string", null, text -> text, value -> { }, false, "`tether-<name>`");
    /** TCP connect and handshake limit. */
    public static final Setting<Duration> CONNECTION_TIMEOUT = duration(ConfigKeys.CONNECTION_TIMEOUT,
            Duration.ofSeconds(10), Duration.ofMillis(Integer.MAX_VALUE / 2));
    /** Requested heartbeat, whole seconds from 1 s to 65535 s. */
    public static final Setting<Duration> HEARTBEAT = new Setting<>(ConfigKeys.HEARTBEAT, Scope.CONNECTION,
            "duration", Duration.ofSeconds(10), text -> Durations.parse(ConfigKeys.HEARTBEAT, text),
            Setting::heartbeat, false, null);
    /** How long a proxy call waits for a connection. */
    public static final Setting<Duration> AWAIT_TIMEOUT =
            duration(ConfigKeys.AWAIT_TIMEOUT, Duration.ofSeconds(5), Duration.ofDays(365));
    /** Delay after the first failed attempt. */
    public static final Setting<Duration> BACKOFF_INITIAL =
            duration(ConfigKeys.BACKOFF_INITIAL, Duration.ofMillis(100), ONE_DAY);
    /** Largest delay between attempts. */
    public static final Setting<Duration> BACKOFF_MAX =
            duration(ConfigKeys.BACKOFF_MAX, Duration.ofSeconds(30), ONE_DAY);
    /** Delay growth per failed attempt, at least 1. */
    public static final Setting<Double> BACKOFF_MULTIPLIER = number(ConfigKeys.BACKOFF_MULTIPLIER,
            2.0, value -> !(value >= 1.0) || Double.isInfinite(value),
            "must be a number of at least 1");
    /** Relative randomization of delays, in [0, 1). */
    public static final Setting<Double> BACKOFF_JITTER = number(ConfigKeys.BACKOFF_JITTER,
            0.3, value -> !(value >= 0.0 && value < 1.0), "must be in [0, 1)");
    /** Delay cap while connections are refused. */
    public static final Setting<Duration> BACKOFF_REFUSED_MAX =
            duration(ConfigKeys.BACKOFF_REFUSED_MAX, Duration.ofSeconds(1), ONE_DAY);
    /** Connect at application start. */
    public static final Setting<Boolean> EAGER = bool(ConfigKeys.EAGER, Scope.CONNECTION, true);
    /** With TLS, whether the broker's certificate must match its host name. */
    public static final Setting<Boolean> TLS_VERIFY_HOSTNAME =
            bool(ConfigKeys.TLS_VERIFY_HOSTNAME, Scope.CONNECTION, true);
    /** Store of trusted CAs, instead of the JVM's default. */
    public static final Setting<String> TLS_TRUST_STORE = path(ConfigKeys.TLS_TRUST_STORE, "JVM default");
    /** Password of the trust store (never shown). */
    public static final Setting<String> TLS_TRUST_STORE_PASSWORD = storePassword(ConfigKeys.TLS_TRUST_STORE_PASSWORD);
    /** Type of the trust store: PKCS12 or JKS. */
    public static final Setting<String> TLS_TRUST_STORE_TYPE = storeType(ConfigKeys.TLS_TRUST_STORE_TYPE);
    /** The client's key and certificate, for mutual TLS. */
    public static final Setting<String> TLS_KEY_STORE = path(ConfigKeys.TLS_KEY_STORE, "none");
    /** Password of the key store (never shown). */
    public static final Setting<String> TLS_KEY_STORE_PASSWORD = storePassword(ConfigKeys.TLS_KEY_STORE_PASSWORD);
    /** Type of the key store: PKCS12 or JKS. */
    public static final Setting<String> TLS_KEY_STORE_TYPE = storeType(ConfigKeys.TLS_KEY_STORE_TYPE);
    /** Enabled TLS protocols. */
    public static final Setting<List<String>> TLS_PROTOCOLS = new Setting<>(ConfigKeys.TLS_PROTOCOLS,
            Scope.CONNECTION, "list", List.of("TLSv1.3", "TLSv1.2"),
            text -> Arrays.stream(text.split(",")).map(String::trim).filter(p -> !p.isEmpty()).toList(),
            value -> Check.present(ConfigKeys.TLS_PROTOCOLS, value), false, null);
    /** Most channels open at once in each pool. */
    public static final Setting<Integer> CHANNELS_MAX = new Setting<>(ConfigKeys.CHANNELS_MAX, Scope.CONNECTION,
            "integer", 16, text -> integer(ConfigKeys.CHANNELS_MAX, text),
            value -> range(ConfigKeys.CHANNELS_MAX, value, 1, ChannelSettings.MOST_CHANNELS), false, null);
    /** How long a borrower waits for a free pooled channel. */
    public static final Setting<Duration> CHANNELS_CHECKOUT_TIMEOUT = duration(ConfigKeys.CHANNELS_CHECKOUT_TIMEOUT,
            Duration.ofSeconds(5), ONE_DAY);
    /** How long a confirmed publish waits for the broker's confirm. */
    public static final Setting<Duration> PUBLISH_CONFIRM_TIMEOUT = duration(ConfigKeys.PUBLISH_CONFIRM_TIMEOUT,
            Duration.ofSeconds(10), ONE_DAY);
    /**
     * Most publishes awaiting their confirm at once, per connection name; a publish at the bound waits
     * for room up to {@code publish.confirm-timeout}, then fails {@code NOT_SENT}.
     */
    public static final Setting<Integer> PUBLISH_MAX_OUTSTANDING = new Setting<>(ConfigKeys.PUBLISH_MAX_OUTSTANDING,
            Scope.CONNECTION, "integer", 10_000, text -> integer(ConfigKeys.PUBLISH_MAX_OUTSTANDING, text),
            value -> range(ConfigKeys.PUBLISH_MAX_OUTSTANDING, value, 1, 1_000_000), false, null);
    /** Default prefetch of a subscription: unacknowledged messages per consumer ({@code basic.qos}, never global). */
    public static final Setting<Integer> CONSUMERS_PREFETCH = new Setting<>(ConfigKeys.CONSUMERS_PREFETCH, Scope.CONNECTION,
            "integer", 50, text -> integer(ConfigKeys.CONSUMERS_PREFETCH, text),
            value -> range(ConfigKeys.CONSUMERS_PREFETCH, value, 1, 65_535), false, null);
    /** Default number of handlers of one subscription running at once (at most its prefetch). */
    public static final Setting<Integer> CONSUMERS_CONCURRENCY = new Setting<>(ConfigKeys.CONSUMERS_CONCURRENCY,
            Scope.CONNECTION, "integer", 1, text -> integer(ConfigKeys.CONSUMERS_CONCURRENCY, text),
            value -> range(ConfigKeys.CONSUMERS_CONCURRENCY, value, 1, 1_000), false, null);
    /** Default number of times a message whose handler threw is requeued before it is rejected (dead-lettered). */
    public static final Setting<Integer> CONSUMERS_REDELIVERY_LIMIT = new Setting<>(ConfigKeys.CONSUMERS_REDELIVERY_LIMIT,
            Scope.CONNECTION, "integer", 5, text -> integer(ConfigKeys.CONSUMERS_REDELIVERY_LIMIT, text),
            value -> range(ConfigKeys.CONSUMERS_REDELIVERY_LIMIT, value, 0, 1_000_000), false, null);
    /** How long closing the connection waits for in-flight handlers to finish (and be acked). */
    public static final Setting<Duration> CONSUMERS_DRAIN_TIMEOUT = duration(ConfigKeys.CONSUMERS_DRAIN_TIMEOUT,
            Duration.ofSeconds(10), ONE_DAY);
    /** Global: register the readiness check. */
    public static final Setting<Boolean> HEALTH_ENABLED = bool(ConfigKeys.HEALTH_ENABLED, Scope.GLOBAL, true);
    /** Global: record OpenTelemetry metrics when the API is present. */
    public static final Setting<Boolean> METRICS_ENABLED = bool(ConfigKeys.METRICS_ENABLED, Scope.GLOBAL, true);

    /** Every declaration above, in the order written: the README's order. */
    private static final List<Setting<?>> ALL = List.copyOf(DECLARED);

    private final String key;
    private final Scope scope;
    private final String kind;
    private final T defaultValue;
    private final Function<String, T> parser;
    private final Consumer<T> check;
    private final boolean secret;
    private final String defaultText;

    private Setting(String key, Scope scope, String kind, T defaultValue, Function<String, T> parser,
            Consumer<T> check, boolean secret, String defaultText) {
        this.key = key;
        this.scope = scope;
        this.kind = kind;
        this.defaultValue = defaultValue;
        this.parser = parser;
        this.check = check;
        this.secret = secret;
        this.defaultText = defaultText;
        DECLARED.add(this);
    }

    /** @return every setting, in the order of the README's table: per-connection ones first, then global ones */
    public static List<Setting<?>> all() {
        return ALL;
    }

    /**
     * @param key a key without prefix or connection name, such as {@code heartbeat}
     * @return its setting, if there is one
     */
    public static Optional<Setting<?>> forKey(String key) {
        return ALL.stream().filter(setting -> setting.key.equals(key)).findFirst();
    }

    /** @return the key, without the {@code tether.} prefix or a connection name, such as {@code heartbeat} */
    public String key() {
        return key;
    }

    /** @return whether the setting is per connection or global */
    public Scope scope() {
        return scope;
    }

    /** @return what the value is, as the README's table says: {@code duration}, {@code boolean}, ... */
    public String kind() {
        return kind;
    }

    /** @return the default value, or {@code null} when the default is derived (from the URI, the name) */
    public T defaultValue() {
        return defaultValue;
    }

    /** @return the default as the README's table writes it, such as {@code `10s`} or {@code from `uri`} */
    public String defaultText() {
        if (defaultText != null) {
            return defaultText;
        }
        return "`" + (secret ? "****" : format(defaultValue)) + "`";
    }

    /** @return whether the value is a secret, never shown (a password, or a URI that may hold one) */
    public boolean secret() {
        return secret;
    }

    /**
     * Parses a configuration value and checks it.
     *
     * @param text the value as configured
     * @return the value
     * @throws IllegalArgumentException naming the key and the reason, never repeating a secret
     */
    public T parse(String text) {
        Check.present(key, text);
        T value = parser.apply(text);
        check(value);
        return value;
    }

    /**
     * @param value a value for this setting
     * @throws IllegalArgumentException naming the key and the reason when the value is out of range
     */
    public void check(T value) {
        check.accept(value);
    }

    /**
     * @param value a value for this setting
     * @return it as the configuration writes it ({@code 10s}, {@code true}, a comma-separated list);
     *     {@code ****} for a secret
     */
    public String format(Object value) {
        if (secret && value != null) {
            return "****";
        }
        if (value instanceof Duration duration) {
            return Durations.format(duration);
        }
        if (value instanceof Double number && number == Math.rint(number) && !number.isInfinite()) {
            return Long.toString(number.longValue());
        }
        if (value instanceof List<?> list) {
            return String.join(",", list.stream().map(String::valueOf).toList());
        }
        return String.valueOf(value);
    }

    @Override
    public String toString() {
        return "Setting[" + key + "]";
    }

    private static Setting<Duration> duration(String key, Duration defaultValue, Duration max) {
        return new Setting<>(key, Scope.CONNECTION, "duration", defaultValue, text -> Durations.parse(key, text),
                value -> Check.positiveAtMost(key, value, max), false, null);
    }

    private static Setting<Boolean> bool(String key, Scope scope, boolean defaultValue) {
        return new Setting<>(key, scope, "boolean", defaultValue, text -> switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw Check.invalid(key, "'" + text + "' is not true or false");
        }, value -> Check.present(key, value), false, null);
    }

    private static Setting<String> string(String key, String defaultValue, String defaultText) {
        return new Setting<>(key, Scope.CONNECTION, "string", defaultValue, text -> text,
                value -> Check.notBlank(key, value), false, defaultText);
    }

    private static Setting<String> storePassword(String key) {
        return new Setting<>(key, Scope.CONNECTION, "string", null, text -> text, value -> { }, true, "none");
    }

    private static Setting<String> path(String key, String defaultText) {
        return new Setting<>(key, Scope.CONNECTION, "path", null, text -> text, value -> { }, false, defaultText);
    }

    private static Setting<String> storeType(String key) {
        return new Setting<>(key, Scope.CONNECTION, "string", "PKCS12", text -> text,
                value -> Check.notBlank(key, value), false, null);
    }

    private static Setting<Double> number(String key, double defaultValue,
            DoublePredicate invalid, String rule) {
        return new Setting<>(key, Scope.CONNECTION, "number", defaultValue, text -> {
            try {
                return Double.parseDouble(text.trim());
            } catch (NumberFormatException e) {
                throw Check.invalid(key, "'" + text + "' is not a number");
            }
        }, value -> {
            if (value == null || invalid.test(value)) {
                throw Check.invalid(key, rule + ", was " + value);
            }
        }, false, null);
    }

    private static int integer(String key, String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw Check.invalid(key, "'" + text + "' is not a whole number");
        }
    }

    private static void range(String key, Integer value, int min, int max) {
        if (value == null || value < min || value > max) {
            throw Check.invalid(key, "must be between " + min + " and " + max + ", was " + value);
        }
    }

    private static void addresses(List<Address> addresses) {
        Check.present(ConfigKeys.ADDRESSES, addresses);
        if (addresses.isEmpty()) {
            throw Check.invalid(ConfigKeys.ADDRESSES, "must hold at least one address");
        }
        for (Address address : addresses) {
            Objects.requireNonNull(address, "address");
            Check.notBlank(ConfigKeys.ADDRESSES, address.getHost());
            if (address.getPort() != -1) {
                Check.port(ConfigKeys.ADDRESSES, address.getPort());
            }
        }
    }

    private static void heartbeat(Duration heartbeat) {
        Check.positiveAtMost(ConfigKeys.HEARTBEAT, heartbeat, Duration.ofSeconds(65535));
        if (heartbeat.compareTo(Duration.ofSeconds(1)) < 0) {
            throw Check.invalid(ConfigKeys.HEARTBEAT, "must be at least 1s (heartbeats are negotiated in whole seconds)");
        }
    }

}
