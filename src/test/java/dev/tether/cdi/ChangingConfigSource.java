package dev.tether.cdi;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.spi.ConfigSource;

/** A config source whose values a test changes while the application runs, like a rotated Secret. */
final class ChangingConfigSource implements ConfigSource {

    private final Map<String, String> values = new ConcurrentHashMap<>();

    ChangingConfigSource(Map<String, String> initial) {
        values.putAll(initial);
    }

    /** Sets {@code key} to {@code value}; later reads see it. */
    void set(String key, String value) {
        values.put(key, value);
    }

    @Override
    public Set<String> getPropertyNames() {
        return Set.copyOf(values.keySet());
    }

    @Override
    public String getValue(String propertyName) {
        return values.get(propertyName);
    }

    @Override
    public String getName() {
        return "changing";
    }

    @Override
    public int getOrdinal() {
        return 500;
    }
}
