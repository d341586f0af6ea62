package dev.tether.internal.connect;

import dev.tether.TlsOptions;
import dev.tether.internal.values.Check;
import dev.tether.internal.values.InvalidSettingException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Builds the {@link SSLContext} of an attempt from {@link TlsOptions}: the stores are read on every
 * attempt, so rotated certificates are picked up without a restart. Peer verification is always
 * on (there is no trust-all mode); host name verification is the connection factory's.
 */
public final class SslContexts {

    private SslContexts() {
    }

    /**
     * @param options the TLS options
     * @return a context that trusts the trust store (or the JVM's default) and presents the key store, if any
     * @throws IOException when a store cannot be read or opened
     * @throws GeneralSecurityException when a store is not usable
     */
    public static SSLContext create(TlsOptions options) throws IOException, GeneralSecurityException {
        TrustManagerFactory trust = null;
        if (options.trustStore() != null) {
            trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(load(options.trustStore(), options.trustStorePassword(), options.trustStoreType()));
        }
        KeyManagerFactory keys = null;
        if (options.keyStore() != null) {
            keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            char[] password = chars(options.keyStorePassword());
            keys.init(load(options.keyStore(), options.keyStorePassword(), options.keyStoreType()), password);
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys == null ? null : keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(),
                null);
        return context;
    }

    /**
     * Checks that the configured stores open, for a deployment-time error naming the key.
     *
     * @param options the TLS options
     * @throws InvalidSettingException naming {@code tls.trust-store}, {@code tls.key-store} or their
     *     password, never repeating the password
     */
    public static void validate(TlsOptions options) {
        if (options.trustStore() != null) {
            validate("tls.trust-store", options.trustStore(), options.trustStorePassword(), options.trustStoreType());
        }
        if (options.keyStore() != null) {
            validate("tls.key-store", options.keyStore(), options.keyStorePassword(), options.keyStoreType());
        }
    }

    private static void validate(String key, String path, String password, String type) {
        if (!Files.isReadable(Path.of(path))) {
            throw Check.invalid(key, "cannot read '" + path + "'");
        }
        try {
            load(path, password, type);
        } catch (IOException e) {
            boolean badPassword = e.getCause() instanceof java.security.UnrecoverableKeyException
                    || String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("password");
            throw Check.invalid(badPassword ? key + "-password" : key, badPassword
                    ? "does not open '" + path + "'"
                    : "'" + path + "' is not a readable " + type + " store (" + e.getClass().getSimpleName() + ")");
        } catch (GeneralSecurityException e) {
            throw Check.invalid(key, "'" + path + "' is not a usable " + type + " store (" + e.getClass().getSimpleName()
                    + ")");
        }
    }

    private static KeyStore load(String path, String password, String type) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(Path.of(path))) {
            store.load(in, chars(password));
        }
        return store;
    }

    private static char[] chars(String password) {
        return password == null ? null : password.toCharArray();
    }
}
