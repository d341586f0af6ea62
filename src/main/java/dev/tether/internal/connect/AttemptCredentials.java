package dev.tether.internal.connect;

import com.rabbitmq.client.impl.CredentialsProvider;
import com.rabbitmq.client.impl.DefaultCredentialsProvider;
import dev.tether.FailureKind;
import dev.tether.internal.values.InvalidSettingException;
import dev.tether.internal.values.OwnMessage;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Reads the user name and password of one attempt from a {@link CredentialsProvider}, once, so a
 * provider whose values change (a rotated Secret, Vault) is asked again on every attempt and the
 * client's handshake uses one consistent pair. A provider that throws or gives an unusable value
 * fails the attempt, never the holder: the reason names the provider or the config key, never a
 * password.
 */
final class AttemptCredentials {

    /** Why an attempt has no credentials; a failed attempt's cause. Never holds a password. */
    static final class UnavailableException extends IOException implements OwnMessage {

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
     * Reads the credentials of one attempt. Credentials that expire (a token) whose time to live is
     * at most {@code nearExpiry} are refreshed first: a reconnection never sends a token that
     * expired, or would expire during the handshake, while the refresh service could not renew it.
     *
     * @param source the provider: the holder's settings, the configuration, or an application's bean
     * @param nearExpiry a time to live this short or shorter is refreshed first ({@code connection-timeout})
     * @param refreshed for expiring credentials, told after each later refresh on the live
     *     connection: {@code null} when it succeeded, else what it threw
     * @return the pair read now, or why it cannot be used; never throws
     */
    static Read read(CredentialsProvider source, Duration nearExpiry, Consumer<Throwable> refreshed) {
        String username;
        String password;
        Duration ttl;
        try {
            username = source.getUsername();
            password = source.getPassword();
            ttl = source.getTimeBeforeExpiration();
        } catch (InvalidSettingException e) {
            // a configuration value read now that is not valid (its message names the key)
            return new Unusable(e, FailureKind.AUTHENTICATION);
        } catch (RuntimeException e) {
            return failed(source, e, "failed");
        }
        if (ttl != null && ttl.compareTo(nearExpiry) <= 0) {
            try {
                source.refresh();
                username = source.getUsername();
                password = source.getPassword();
                ttl = source.getTimeBeforeExpiration();
            } catch (RuntimeException e) {
                return failed(source, e, "could not refresh credentials that expire within " + nearExpiry.toMillis()
                        + " ms");
            }
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
        // Credentials that expire (a token) go to the client with the values read here: its refresh
        // service refreshes them later and sends the new secret on the live connection.
        return ttl != null ? new Usable(new ExpiringCredentials(source, username, password, ttl, refreshed), true)
                : new Usable(new DefaultCredentialsProvider(username, password), false);
    }

    /** @return whether {@code provider}'s class overrides {@code refresh()}, which by default does nothing */
    static boolean overridesRefresh(CredentialsProvider provider) {
        try {
            return provider.getClass().getMethod("refresh").getDeclaringClass() != CredentialsProvider.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /** The provider threw, e.g. a secret store that cannot be reached: transient unless its cause says otherwise. */
    private static Unusable failed(CredentialsProvider source, RuntimeException e, String what) {
        return new Unusable(new UnavailableException(
                "the credentials provider " + describe(source) + " " + what + ": " + e.getClass().getName(), e),
                FailureClassifier.classify(e));
    }

    /** @return how messages name {@code source}: its class, never its {@code toString()} */
    static String describe(CredentialsProvider source) {
        return source.getClass().getName();
    }
}
