package dev.tether.internal.values;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * An {@code amqp://} or {@code amqps://} URI taken apart, following the RabbitMQ URI
 * specification: no path means the default virtual host {@code /}, a lone trailing {@code /} means
 * the empty virtual host, and {@code /} inside a virtual host name is written {@code %2f}. User
 * name and password are optional and percent-decoded.
 *
 * <p>Error messages name the {@code uri} setting and never repeat the URI, which may hold a password.
 *
 * @param tls whether the scheme is {@code amqps}
 * @param host the host name or address (IPv6 without brackets)
 * @param port the port, or {@code -1} for the scheme's default
 * @param username the user, or {@code null} when the URI has none
 * @param password the password, or {@code null} when the URI has none
 * @param virtualHost the virtual host, or {@code null} when the URI has no path
 */
public record AmqpUri(boolean tls, String host, int port, String username, String password, String virtualHost) {

    /** The user name and password when neither the URI nor a setting gives one. */
    public static final String DEFAULT_CREDENTIAL = "guest";

    private static final String KEY = "uri";

    /** @return the URI's user name, or {@link #DEFAULT_CREDENTIAL} when it has none */
    public String usernameOrDefault() {
        return username == null ? DEFAULT_CREDENTIAL : username;
    }

    /** @return the URI's password, or {@link #DEFAULT_CREDENTIAL} when it has none */
    public String passwordOrDefault() {
        return password == null ? DEFAULT_CREDENTIAL : password;
    }

    /**
     * Parses a URI.
     *
     * @param text the URI
     * @return its parts
     * @throws IllegalArgumentException naming {@code uri} and the reason
     */
    public static AmqpUri parse(String text) {
        Check.notBlank(KEY, text);
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw Check.invalid(KEY, "not a valid URI (" + e.getReason() + " at index " + e.getIndex() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("amqp") && !scheme.equals("amqps")) {
            throw Check.invalid(KEY, uri.getScheme() == null
                    ? "has no scheme (expected amqp:// or amqps://)"
                    : "has a scheme that is not amqp or amqps (expected amqp or amqps; the scheme is not shown,"
                            + " a value mounted at the wrong key may be a password)");
        }
        if (uri.isOpaque() || uri.getRawAuthority() == null) {
            throw Check.invalid(KEY, "has no host (expected " + scheme + "://host[:port][/virtual-host])");
        }
        if (uri.getHost() == null) {
            throw Check.invalid(KEY, "has a malformed host or port");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw Check.invalid(KEY, "query parameters and fragments are not supported (use the tether.* keys)");
        }
        int port = uri.getPort();
        if (port != -1) {
            Check.port(KEY, port);
        }
        String username = null;
        String password = null;
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            username = decode(colon < 0 ? userInfo : userInfo.substring(0, colon), "user name");
            password = colon < 0 ? null : decode(userInfo.substring(colon + 1), "password");
        }
        return new AmqpUri(scheme.equals("amqps"), stripBrackets(uri.getHost()), port, username, password,
                virtualHost(uri.getRawPath()));
    }

    private static String virtualHost(String rawPath) {
        if (rawPath == null || rawPath.isEmpty()) {
            return null;
        }
        String segment = rawPath.substring(1);
        if (segment.contains("/")) {
            throw Check.invalid(KEY, "the path must be one virtual host name (write '/' inside it as %2f)");
        }
        return decode(segment, "virtual host");
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static String decode(String raw, String part) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c != '%') {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
                continue;
            }
            if (i + 2 >= raw.length()) {
                throw Check.invalid(KEY, "malformed percent-encoding in the " + part);
            }
            int high = Character.digit(raw.charAt(i + 1), 16);
            int low = Character.digit(raw.charAt(i + 2), 16);
            if (high < 0 || low < 0) {
                throw Check.invalid(KEY, "malformed percent-encoding in the " + part);
            }
            bytes.write(high * 16 + low);
            i += 2;
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "AmqpUri[tls=" + tls + ", host=" + host + ", port=" + port + ", username=" + username
                + ", password=" + (password == null ? null : "****") + ", virtualHost=" + virtualHost + "]";
    }
}
