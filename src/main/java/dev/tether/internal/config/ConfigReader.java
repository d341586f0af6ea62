package dev.tether.internal.config;

import static dev.tether.ConfigKeys.PREFIX;

import dev.tether.Backoff;
import dev.tether.ChannelSettings;
import dev.tether.ConfigKeys;
import dev.tether.ConnectionSettings;
import dev.tether.internal.values.Check;
import dev.tether.internal.values.Durations;
import dev.tether.internal.connect.SslContexts;
import dev.tether.internal.values.InvalidSettingException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigValue;

/**
 * Builds {@link ConnectionSettings} from MicroProfile Config: {@code tether.<name>.<key>}, then
 * {@code tether.<key>}, then the built-in default; a named connection with its own {@code uri}
 * does not fall back for its endpoint and credentials. Every problem names the config key that
 * supplied the value and says why, never repeating a password.
 */
public final class ConfigReader {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");
    private static final List<String> STORE_KEYS = List.of(ConfigKeys.TLS_TRUST_STORE,
            ConfigKeys.TLS_TRUST_STORE_PASSWORD, ConfigKeys.TLS_KEY_STORE, ConfigKeys.TLS_KEY_STORE_PASSWORD);

    private static final Set<String> ENDPOINT_KEYS = Set.of(ConfigKeys.ADDRESSES, ConfigKeys.USERNAME,
            ConfigKeys.PASSWORD, ConfigKeys.VIRTUAL_HOST);

    private final Config config;

    /** @param config the application's configuration */
    public ConfigReader(Config config) {
        this.config = config;
    }

    /** @return the names that have at least one {@code tether.<name>.<key>} */
    public Set<String> configuredNames() {
        Set<String> names = new TreeSet<>();
        for (String property : config.getPropertyNames()) {
            String name = nameOf(property);
            if (name != null) {
                names.add(name);
            }
        }
        return names;
    }

    /**
     * @param name a connection name
     * @return whether any {@code tether.<name>.<key>} is set, environment variables included
     *     ({@code TETHER_<NAME>_URI}), which configuration does not list by their dotted names
     */
    public boolean hasOwnKeys(String name) {
        return ConfigKeys.CONNECTION_KEYS.stream().anyMatch(key -> present(PREFIX + name + "." + key));
    }

    /** @return the keys under {@code tether.} that mean nothing (typos), sorted */
    public List<String> unknownKeys() {
        Set<String> unknown = new TreeSet<>();
        for (String property : config.getPropertyNames()) {
            String key = property.startsWith(PREFIX) ? property.substring(PREFIX.length()) : null;
            if (key != null && !ConfigKeys.CONNECTION_KEYS.contains(key) && !ConfigKeys.GLOBAL_KEYS.contains(key)
                    && nameOf(property) == null) {
                unknown.add(property);
            }
        }
        return List.copyOf(unknown);
    }

    /**
     * Reads {@code tether.health.enabled}.
     *
     * @return whether the readiness check is wanted (default {@code true})
     * @throws InvalidConfigurationException when the value is not true or false
     */
    public boolean healthEnabled() {
        return globalSwitch(ConfigKeys.HEALTH_ENABLED);
    }

    /**
     * Reads {@code tether.metrics.enabled}.
     *
     * @return whether OpenTelemetry metrics are wanted (default {@code true})
     * @throws InvalidConfigurationException when the value is not true or false
     */
    public boolean metricsEnabled() {
        return globalSwitch(ConfigKeys.METRICS_ENABLED);
    }

    /**
     * Reads every global on/off key ({@link ConfigKeys#GLOBAL_KEYS}).
     *
     * @return each key's value (default {@code true})
     * @throws InvalidConfigurationException naming every value that is not true or false
     */
    public Map<String, Boolean> globalSwitches() {
        Map<String, Boolean> switches = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (String key : ConfigKeys.GLOBAL_KEYS) {
            try {
                switches.put(key, globalSwitch(key));
            } catch (InvalidConfigurationException e) {
                problems.addAll(e.problems());
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException(problems);
        }
        return Map.copyOf(switches);
    }

    private boolean globalSwitch(String name) {
        String key = PREFIX + name;
        if (!present(key)) {
            return true;
        }
        try {
            return bool(name, value(key));
        } catch (InvalidSettingException e) {
            throw new InvalidConfigurationException(List.of(problem(key, e.reason())));
        }
    }

    /**
     * Reads one connection's settings.
     *
     * @param name the connection's name
     * @return the settings
     * @throws InvalidConfigurationException listing every invalid key
     */
    public ConnectionSettings settings(String name) {
        List<String> problems = new ArrayList<>();
        ConnectionSettings.Builder builder = ConnectionSettings.builder(name);
        String[] stores = new String[4]; // trust store, its password, key store, its password: set in pairs
        for (String key : ConfigKeys.CONNECTION_KEYS) {
            String source = sourceKey(name, key);
            if (source == null || key.startsWith("backoff.") || key.startsWith("channels.")
                    || key.startsWith("publish.")) {
                continue;
            }
            int store = STORE_KEYS.indexOf(key);
            if (store >= 0) {
                stores[store] = value(source);
                continue;
            }
            try {
                apply(builder, key, source, value(source));
            } catch (InvalidSettingException e) {
                problems.add(problem(source, e.reason()));
            }
        }
        builder.trustStore(stores[0], stores[1]).keyStore(stores[2], stores[3]);
        try {
            builder.backoff(backoff(name));
        } catch (InvalidSettingException e) {
            problems.add(problem(keyFor(name, e.key()), e.reason()));
        }
        try {
            builder.channels(channels(name));
        } catch (InvalidSettingException e) {
            problems.add(problem(keyFor(name, e.key()), e.reason()));
        }
        if (problems.isEmpty()) {
            try {
                ConnectionSettings settings = builder.build();
                SslContexts.validate(settings.tlsOptions());
                return settings;
            } catch (InvalidSettingException e) {
                problems.add(problem(keyFor(name, e.key()), e.reason()));
            }
        }
        throw new InvalidConfigurationException(problems);
    }

    private static void apply(ConnectionSettings.Builder builder, String key, String source, String value) {
        switch (key) {
            case ConfigKeys.URI -> builder.uri(value);
            case ConfigKeys.ADDRESSES -> builder.addresses(value);
            case ConfigKeys.USERNAME -> builder.username(value);
            case ConfigKeys.PASSWORD -> builder.password(value);
            case ConfigKeys.VIRTUAL_HOST -> builder.virtualHost(value);
            case ConfigKeys.CLIENT_NAME -> builder.clientName(value);
            case ConfigKeys.CONNECTION_TIMEOUT -> builder.connectionTimeout(Durations.parse(key, value));
            case ConfigKeys.HEARTBEAT -> builder.heartbeat(Durations.parse(key, value));
            case ConfigKeys.AWAIT_TIMEOUT -> builder.awaitTimeout(Durations.parse(key, value));
            case ConfigKeys.EAGER -> builder.eager(bool(key, value));
            case ConfigKeys.TLS_VERIFY_HOSTNAME -> builder.verifyHostname(bool(key, value));
            case ConfigKeys.TLS_TRUST_STORE_TYPE -> builder.trustStoreType(value);
            case ConfigKeys.TLS_KEY_STORE_TYPE -> builder.keyStoreType(value);
            case ConfigKeys.TLS_PROTOCOLS -> builder.tlsProtocols(Arrays.stream(value.split(","))
                    .map(String::trim).filter(p -> !p.isEmpty()).toList());
            default -> throw new IllegalStateException("unhandled key " + source);
        }
    }

    private Backoff backoff(String name) {
        Backoff defaults = Backoff.DEFAULT;
        return new Backoff(
                duration(name, ConfigKeys.BACKOFF_INITIAL, defaults.initial()),
                duration(name, ConfigKeys.BACKOFF_MAX, defaults.max()),
                number(name, ConfigKeys.BACKOFF_MULTIPLIER, defaults.multiplier()),
                number(name, ConfigKeys.BACKOFF_JITTER, defaults.jitter()),
                duration(name, ConfigKeys.BACKOFF_REFUSED_MAX, defaults.refusedMax()));
    }

    private ChannelSettings channels(String name) {
        ChannelSettings defaults = ChannelSettings.DEFAULT;
        return new ChannelSettings(
                integer(name, ConfigKeys.CHANNELS_MAX, defaults.max()),
                duration(name, ConfigKeys.CHANNELS_CHECKOUT_TIMEOUT, defaults.checkoutTimeout()),
                duration(name, ConfigKeys.PUBLISH_CONFIRM_TIMEOUT, defaults.confirmTimeout()));
    }

    private int integer(String name, String key, int fallback) {
        String source = sourceKey(name, key);
        if (source == null) {
            return fallback;
        }
        String value = value(source).trim();
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw Check.invalid(key, "'" + value + "' is not a whole number");
        }
    }

    private Duration duration(String name, String key, Duration fallback) {
        String source = sourceKey(name, key);
        return source == null ? fallback : Durations.parse(key, value(source));
    }

    private double number(String name, String key, double fallback) {
        String source = sourceKey(name, key);
        if (source == null) {
            return fallback;
        }
        String value = value(source).trim();
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw Check.invalid(key, "'" + value + "' is not a number");
        }
    }

    private static boolean bool(String key, String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw Check.invalid(key, "'" + value + "' is not true or false");
        };
    }

    /**
     * @return the config key that holds a value for this connection's key, or {@code null}. A named
     *     connection with its own {@code uri} takes its endpoint and credentials from it alone: the
     *     global {@code addresses}, {@code username}, {@code password} and {@code virtual-host} would
     *     otherwise silently send it to the default broker, or log in as another user.
     */
    String sourceKey(String name, String key) {
        String named = PREFIX + name + "." + key;
        if (present(named)) {
            return named;
        }
        if (ENDPOINT_KEYS.contains(key) && !ConnectionSettings.DEFAULT_NAME.equals(name)
                && present(PREFIX + name + "." + ConfigKeys.URI)) {
            return null;
        }
        String global = PREFIX + key;
        return present(global) ? global : null;
    }

    /** @return the key to name in an error: the one that supplied the value, else the named one */
    private String keyFor(String name, String key) {
        String source = sourceKey(name, key);
        return source != null ? source : PREFIX + (ConnectionSettings.DEFAULT_NAME.equals(name) ? "" : name + ".") + key;
    }

    private boolean present(String key) {
        return config.getConfigValue(key).getRawValue() != null;
    }

    String value(String key) {
        ConfigValue value = config.getConfigValue(key);
        return value.getValue() != null ? value.getValue() : value.getRawValue();
    }

    private static String problem(String key, String reason) {
        return "'" + key + "' " + reason;
    }

    private static String nameOf(String property) {
        if (!property.startsWith(PREFIX)) {
            return null;
        }
        String rest = property.substring(PREFIX.length());
        int dot = rest.indexOf('.');
        if (dot <= 0 || !ConfigKeys.CONNECTION_KEYS.contains(rest.substring(dot + 1))) {
            return null;
        }
        String name = rest.substring(0, dot);
        return NAME.matcher(name).matches() ? name : null;
    }
}
