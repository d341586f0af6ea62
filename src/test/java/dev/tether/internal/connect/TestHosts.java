package dev.tether.internal.connect;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;

/**
 * A name resolver for tests: made-up names map to IP literals (in "DNS order"), as
 * {@link InetAddress#getAllByName} would return them (each address carries the name); other names
 * ending in {@code .test} are unknown; IP literals resolve to themselves. Never asks a DNS server.
 */
final class TestHosts implements AttemptTargets.HostResolver {

    private final Map<String, List<String>> names;

    TestHosts(Map<String, List<String>> names) {
        this.names = Map.copyOf(names);
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        List<String> ips = names.get(host);
        if (ips != null) {
            InetAddress[] resolved = new InetAddress[ips.size()];
            for (int i = 0; i < resolved.length; i++) {
                resolved[i] = InetAddress.getByAddress(host, InetAddress.getByName(ips.get(i)).getAddress());
            }
            return resolved;
        }
        if (host.endsWith(".test")) {
            throw new UnknownHostException(host + ": Name or service not known");
        }
        if (!Character.isDigit(host.charAt(0))) {
            throw new AssertionError("only made-up names and IP literals here, not " + host);
        }
        return InetAddress.getAllByName(host); // an IP literal: no lookup
    }
}
