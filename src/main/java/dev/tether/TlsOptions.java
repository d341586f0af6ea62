package dev.tether;

import dev.tether.internal.values.Check;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import javax.net.ssl.SSLContext;

/**
 * TLS material for {@code amqps://} connections. Without a trust store, the broker's certificate
 * is checked against the JVM's default trust store; a key store makes it mutual TLS. Its
 * {@code toString()} masks the passwords.
 *
 * @param trustStore path of the store of trusted CAs, or {@code null} for the JVM's default ({@code tls.trust-store})
 * @param trustStorePassword its password, or {@code null} ({@code tls.trust-store-password})
 * @param trustStoreType {@code PKCS12} or {@code JKS} ({@code tls.trust-store-type}, default {@code PKCS12})
 * @param keyStore path of the client's key and certificate, or {@code null} ({@code tls.key-store})
 * @param keyStorePassword its password, or {@code null} ({@code tls.key-store-password})
 * @param keyStoreType {@code PKCS12} or {@code JKS} ({@code tls.key-store-type}, default {@code PKCS12})
 * @param protocols the enabled protocols ({@code tls.protocols}, default {@code TLSv1.3, TLSv1.2})
 */
public record TlsOptions(String trustStore, String trustStorePassword, String trustStoreType, String keyStore,
        String keyStorePassword, String keyStoreType, List<String> protocols) {

    private static final Set<String> TYPES = Set.of("PKCS12", "JKS"); // before DEFAULT, which uses it

    private static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /** No stores of its own, TLS 1.3 and 1.2. */
    public static final TlsOptions DEFAULT =
            new TlsOptions(null, null, "PKCS12", null, null, "PKCS12", DEFAULT_PROTOCOLS);

    /**
     * Validates the values.
     *
     * @throws IllegalArgumentException naming the setting, for an unknown store type, no protocol or
     *     one this JVM does not support ({@code TLS1.3} for {@code TLSv1.3}), or a store path that is
     *     blank or no valid path
     */
    public TlsOptions {
        trustStoreType = type("tls.trust-store-type", trustStoreType);
        keyStoreType = type("tls.key-store-type", keyStoreType);
        path("tls.trust-store", trustStore);
        path("tls.key-store", keyStore);
        Check.present("tls.protocols", protocols);
        if (protocols.isEmpty() || protocols.stream().anyMatch(p -> p == null || p.isBlank())) {
            throw Check.invalid("tls.protocols", "must name at least one protocol, e.g. TLSv1.3");
        }
        protocols = List.copyOf(protocols);
        if (!protocols.equals(DEFAULT_PROTOCOLS)) { // the defaults need no look-up of the JVM's TLS
            SupportedProtocols.check(protocols);
        }
    }

    private static void path(String key, String path) {
        if (path == null) {
            return;
        }
        Check.notBlank(key, path);
        try {
            Path.of(path);
        } catch (InvalidPathException e) {
            throw Check.invalid(key, "is not a valid path: " + e.getReason());
        }
    }

    /** The protocol names this JVM's TLS implementation knows, looked up once and only when needed. */
    private static final class SupportedProtocols {
        private static final Set<String> NAMES = load();

        static void check(List<String> protocols) {
            for (String protocol : protocols) {
                if (!NAMES.contains(protocol)) {
                    throw Check.invalid("tls.protocols", "'" + protocol + "' is not a protocol this JVM supports; it"
                            + " supports " + String.join(", ", new TreeSet<>(NAMES)));
                }
            }
        }

        private static Set<String> load() {
            try {
                return Set.of(SSLContext.getDefault().getSupportedSSLParameters().getProtocols());
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("this JVM has no default TLS implementation", e);
            }
        }
    }

    /** @return whether a trust store or key store is configured */
    public boolean hasStores() {
        return trustStore != null || keyStore != null;
    }

    private static String type(String key, String type) {
        String upper = Check.notBlank(key, type).trim().toUpperCase(Locale.ROOT);
        if (!TYPES.contains(upper)) {
            throw Check.invalid(key, "'" + type + "' is not PKCS12 or JKS");
        }
        return upper;
    }

    @Override
    public String toString() {
        return "TlsOptions[trustStore=" + trustStore + ", trustStorePassword=" + mask(trustStorePassword)
                + ", trustStoreType=" + trustStoreType + ", keyStore=" + keyStore + ", keyStorePassword="
                + mask(keyStorePassword) + ", keyStoreType=" + keyStoreType + ", protocols=" + protocols + "]";
    }

    private static String mask(String password) {
        return password == null ? null : "****";
    }
}
