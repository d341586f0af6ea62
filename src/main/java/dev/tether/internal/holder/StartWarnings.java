package dev.tether.internal.holder;

import com.rabbitmq.client.Address;
import dev.tether.ConnectionSettings;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * The warnings a user expects once, when a holder is created: settings that weaken security and
 * that nothing else would point out. Host names come from validated settings (plain names or IP
 * literals); none is looked up.
 */
final class StartWarnings {

    private static final System.Logger LOG = System.getLogger("dev.tether");

    private StartWarnings() {
    }

    /**
     * @param settings the holder's settings
     * @param addressesFromResolver whether an {@code AddressResolver} gives the addresses instead
     */
    static void log(ConnectionSettings settings, boolean addressesFromResolver) {
        String name = settings.name();
        if (settings.tls() && !settings.verifyHostname()) {
            LOG.log(Level.WARNING, "Connection '" + name + "': tls.verify-hostname=false: the broker's certificate"
                    + " chain is checked but not its host name, so any certificate a trusted CA issued, for any"
                    + " host, is accepted");
        }
        if (!settings.tls()) {
            List<String> remote = settings.addresses().stream().filter(a -> !isLoopback(a.getHost()))
                    .map(Address::getHost).distinct().toList();
            if (addressesFromResolver || !remote.isEmpty()) {
                LOG.log(Level.WARNING, "Connection '" + name + "': credentials (and every refreshed token, sent"
                        + " with update-secret) go in clear text over plain amqp:// to "
                        + (addressesFromResolver ? "the addresses an AddressResolver gives" : String.join(", ", remote))
                        + ", which is not this machine; use amqps://");
            }
        }
    }

    /** @return whether {@code host} is this machine: {@code localhost}, or a loopback IP literal */
    static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost") || host.toLowerCase(java.util.Locale.ROOT).endsWith(".localhost")) {
            return true;
        }
        boolean literal = host.contains(":") || host.chars().allMatch(c -> Character.isDigit(c) || c == '.');
        if (!literal) {
            return false; // a name: not looked up here
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress(); // a literal: parsed, never looked up
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
