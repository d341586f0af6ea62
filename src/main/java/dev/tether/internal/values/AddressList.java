package dev.tether.internal.values;

import com.rabbitmq.client.Address;
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
     * @throws IllegalArgumentException naming {@code key} for an empty list, host or malformed port
     */
    public static List<Address> parse(String key, String text) {
        Check.notBlank(key, text);
        List<Address> addresses = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            addresses.add(parseOne(key, part.trim()));
        }
        return List.copyOf(addresses);
    }

    private static Address parseOne(String key, String part) {
        if (part.isEmpty()) {
            throw Check.invalid(key, "has an empty entry");
        }
        String host = part;
        String port = null;
        if (part.startsWith("[")) {
            int close = part.indexOf(']');
            if (close < 0) {
                throw Check.invalid(key, "'" + part + "' has an unclosed '['");
            }
            host = part.substring(1, close);
            String rest = part.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw Check.invalid(key, "'" + part + "' is not host[:port]");
                }
                port = rest.substring(1);
            }
        } else if (part.indexOf(':') >= 0 && part.indexOf(':') == part.lastIndexOf(':')) {
            host = part.substring(0, part.indexOf(':'));
            port = part.substring(part.indexOf(':') + 1);
        }
        if (host.isBlank() || host.chars().anyMatch(Character::isWhitespace)) {
            throw Check.invalid(key, "'" + part + "' has no valid host");
        }
        if (port == null) {
            return new Address(host);
        }
        try {
            return new Address(host, Check.port(key, Integer.parseInt(port)));
        } catch (NumberFormatException e) {
            throw Check.invalid(key, "'" + part + "' has a port that is not a number");
        }
    }
}
