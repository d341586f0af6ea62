package dev.tether.internal.config;

import static dev.tether.ConfigKeys.PREFIX;

import dev.tether.ConfigKeys;
import dev.tether.ConnectionSettings;
import dev.tether.Setting;
import dev.tether.Setting.Scope;
import dev.tether.internal.connect.SslContexts;
import dev.tether.internal.values.InvalidSettingException;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
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
        Setting<?> setting = Setting.forKey(name).orElseThrow();
        try {
            return (Boolean) (present(key) ? setting.parse(value(key)) : setting.defaultValue());
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
        for (Setting<?> setting : Setting.all()) { // uri first: the keys after it override its parts
            String source = setting.scope() == Scope.CONNECTION ? sourceKey(name, setting.key()) : null;
            if (source != null) {
                try {
                    builder.set(setting.key(), value(source));
                } catch (InvalidSettingException e) {
                    problems.add(problem(source, e.reason()));
                }
            }
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
