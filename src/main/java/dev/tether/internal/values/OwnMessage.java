package dev.tether.internal.values;

/**
 * Marks an exception whose message Tether composed from its own words, setting keys, class names
 * and numbers only: never a value read from the configuration, a provider, the broker or the
 * network. Health data shows such a message as it is; of any other exception it shows only the
 * class (see {@code ReadinessCheck}).
 */
public interface OwnMessage {
}
