package dev.tether.internal.values;

import com.rabbitmq.client.Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/** Parses {@code host[:port]} lists such as {@code rabbit-1:5672, rabbit-2, [::1]:5673}. */
public final class AddressList {

    private AddressList() {
    }

    /**
     * Parses a comma-separated list.
     *
     * @param key the setting's key, for error messages
     * @param text the list
     * @return the addresses; port {@code -1} where none was given
     * @throws IllegalArgumentException naming {@code key} and the entry's position for an empty list,
     *     an entry that is not {@code host[:port]} (a URI, anything with {@code / @ ? #}, an IPv6
     *     literal that does not parse) or a malformed port; the message never repeats an entry, which
     *     may be a URI holding a password
     */
    public static List<Address> parse(String key, String text) {
        Check.notBlank(key, text);
        List<Address> addresses = new ArrayList<>();
        String[] parts = text.split(",", -1);
        for (int i = 0; i < parts.length; i++) {
            addresses.add(parseOne(key, parts[i].trim(), "entry " + (i + 1) + " of " + parts.length));
        }
        return List.copyOf(addresses);
    }

    /**
     * Whether {@code host} is a plain host name or IP literal: letters, digits, {@code . - _ :} and
     * an IPv6 zone's {@code %}. What a health response or a log may show of an address that came
     * from outside the configuration (an {@code AddressResolver}), where anything else could be a
     * pasted URI.
     *
     * @param host a host, or {@code null}
     * @return whether it is safe to show
     */
    public static boolean isPlainHost(String host) {
        return host != null && !host.isEmpty() && host.length() <= 255
                && host.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || ".-_:%".indexOf(c) >= 0));
    }

    private static Address parseOne(String key, String part, String which) {
        if (part.isEmpty()) {
            throw Check.invalid(key, which + " is empty");
        }
        if (part.chars().anyMatch(c -> "/@?#".indexOf(c) >= 0)) {
            throw Check.invalid(key, which + " is not host[:port] (a URI? put credentials in uri, username"
                    + " and password; the entry is not shown, it may hold a password)");
        }
        String host = part;
        String port = null;
        if (part.startsWith("[")) {
            int close = part.indexOf(']');
            if (close < 0) {
                throw Check.invalid(key, which + " has an unclosed '['");
            }
            host = part.substring(1, close);
            String rest = part.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw Check.invalid(key, which + " is not host[:port]");
                }
                port = rest.substring(1);
            }
            if (!isIpv6Literal(host)) {
                throw Check.invalid(key, which + " has brackets around something that is not an IPv6 address");
            }
        } else if (part.indexOf(':') >= 0 && part.indexOf(':') == part.lastIndexOf(':')) {
            host = part.substring(0, part.indexOf(':'));
            port = part.substring(part.indexOf(':') + 1);
        } else if (part.indexOf(':') >= 0 && !isIpv6Literal(part)) {
            throw Check.invalid(key, which + " is neither host[:port] nor an IPv6 address");
        }
        if (host.isBlank() || !isPlainHost(host)) {
            throw Check.invalid(key, which + " has no valid host");
        }
        if (port == null) {
            return new Address(host);
        }
        try {
            return new Address(host, Check.port(key, Integer.parseInt(port)));
        } catch (NumberFormatException e) {
            throw Check.invalid(key, which + " has a port that is not a number");
        }
    }

    /**
     * Whether {@code text} is an IPv6 literal (with an optional {@code %zone}). Parsed only after a
     * check of its characters, so {@link InetAddress} takes it as a literal and never asks DNS.
     */
    private static boolean isIpv6Literal(String text) {
        int percent = text.indexOf('%');
        String address = percent < 0 ? text : text.substring(0, percent);
        String zone = percent < 0 ? "" : text.substring(percent + 1);
        if (address.indexOf(':') < 0 || address.startsWith(".") || percent >= 0 && zone.isEmpty()
                || !address.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')
                || !zone.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '-'))) {
            return false;
        }
        try {
            return InetAddress.getByName(address) != null; // an IPv4-mapped literal gives an Inet4Address
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
