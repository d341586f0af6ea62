package dev.tether.internal.connect;

import com.rabbitmq.client.impl.CredentialsProvider;
import com.rabbitmq.client.impl.DefaultCredentialsProvider;
import dev.tether.FailureKind;
import dev.tether.internal.values.InvalidSettingException;
import java.io.IOException;
import java.time.Duration;

/**
 * Reads the user name and password of one attempt from a {@link CredentialsProvider}, once, so a
 * provider whose values change (a rotated Secret, Vault) is asked again on every attempt and the
 * client's handshake uses one consistent pair. A provider that throws or gives an unusable value
 * fails the attempt, never the holder: the reason names the provider or the config key, never a
 * password.
 */
final class AttemptCredentials {

    /** Why an attempt has no credentials; a failed attempt's cause. Never holds a password. */
    static final class UnavailableException extends IOException {

        private static final long serialVersionUID = 1L;

        UnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The credentials of one attempt, or why there are none. */
    sealed interface Read {
    }

    /**
     * Credentials to hand the client: a fixed pair read once, or the provider itself when its
     * credentials expire.
     */
    record Usable(CredentialsProvider credentials, boolean expiring) implements Read {
    }

    /** No usable credentials: the attempt fails with {@code cause}, classified as {@code kind}. */
    record Unusable(Throwable cause, FailureKind kind) implements Read {
    }

    private AttemptCredentials() {
    }

    /**
     * @param source the provider: the holder's settings, the configuration, or an application's bean
     * @return the pair read now, or why it cannot be used; never throws
     */
    static Read read(CredentialsProvider source) {
        String username;
        String password;
        try {
            username = source.getUsername();
            password = source.getPassword();
        } catch (InvalidSettingException e) {
            // a configuration value read now that is not valid (its message names the key)
            return new Unusable(e, FailureKind.AUTHENTICATION);
        } catch (RuntimeException e) {
            return failed(source, e);
        }
        if (username == null) { // empty is allowed: OAuth 2 providers give "" (the broker reads the token)
            return new Unusable(new UnavailableException(
                    "the credentials provider " + describe(source) + " gave no user name", null),
                    FailureKind.AUTHENTICATION);
        }
        if (password == null) {
            return new Unusable(new UnavailableException(
                    "the credentials provider " + describe(source) + " gave no password", null),
                    FailureKind.AUTHENTICATION);
        }
        Duration ttl;
        try {
            ttl = source.getTimeBeforeExpiration();
        } catch (RuntimeException e) {
            return failed(source, e);
        }
        // Credentials that expire (a token) go to the client as they are: it asks them again, and
        // its refresh service refreshes them and sends the new secret on the live connection.
        return ttl != null ? new Usable(source, true)
                : new Usable(new DefaultCredentialsProvider(username, password), false);
    }

    /** The provider threw, e.g. a secret store that cannot be reached: transient unless its cause says otherwise. */
    private static Unusable failed(CredentialsProvider source, RuntimeException e) {
        return new Unusable(new UnavailableException(
                "the credentials provider " + describe(source) + " failed: " + e.getClass().getName(), e),
                FailureClassifier.classify(e));
    }

    private static String describe(CredentialsProvider source) {
        return source.getClass().getName();
    }
}
