package dev.tether.internal.values;

import java.time.Duration;

/**
 * Validation of settings. Every failure is an {@link IllegalArgumentException} whose message starts
 * with the setting's key ({@code connection-timeout}, {@code backoff.jitter}, ...) and says why; no
 * message ever repeats a value that may hold a credential.
 */
public final class Check {

    private Check() {
    }

    /**
     * Creates the exception for a setting.
     *
     * @param key the setting's key
     * @param reason why the value is wrong
     * @return the exception, to throw
     */
    public static InvalidSettingException invalid(String key, String reason) {
        return new InvalidSettingException(key, reason);
    }

    /** @return {@code value} if it is not null */
    public static <T> T present(String key, T value) {
        if (value == null) {
            throw invalid(key, "must be set");
        }
        return value;
    }

    /** @return {@code value} if it is neither null nor blank */
    public static String notBlank(String key, String value) {
        if (value == null || value.isBlank()) {
            throw invalid(key, "must not be empty");
        }
        return value;
    }

    /** @return {@code value} if it is longer than zero */
    public static Duration positive(String key, Duration value) {
        present(key, value);
        if (value.isZero() || value.isNegative()) {
            throw invalid(key, "must be longer than zero, was " + Durations.format(value));
        }
        return value;
    }

    /** @return {@code value} if it is longer than zero and at most {@code max} */
    public static Duration positiveAtMost(String key, Duration value, Duration max) {
        positive(key, value);
        if (value.compareTo(max) > 0) {
            throw invalid(key, "must be at most " + Durations.format(max) + ", was " + Durations.format(value));
        }
        return value;
    }

    /** @return {@code port} if it is a TCP port number */
    public static int port(String key, int port) {
        if (port < 1 || port > 65535) {
            throw invalid(key, "port " + port + " is outside 1-65535");
        }
        return port;
    }
}
