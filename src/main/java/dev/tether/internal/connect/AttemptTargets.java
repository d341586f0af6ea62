package dev.tether.internal.connect;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.ResolvedInetAddress;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * The order in which one attempt tries the broker: the configured addresses shuffled, then, as
 * each address is reached, its host resolved to all its IP addresses, shuffled too. So every IP
 * address of a name (a Kubernetes headless Service, a DNS round-robin) is tried within the
 * attempt, not always the first in DNS order, and a name is looked up only when the addresses
 * before it failed. Each configured address keeps an equal chance of being tried first, except
 * that an address (or IP address) whose last try failed goes after those that did not fail, until
 * it connects again: a node that accepts TCP but never answers, or one in maintenance, costs one
 * {@code connection-timeout} (or one refusal) once, not in every later attempt.
 */
final class AttemptTargets {

    /** Resolves a host name to its IP addresses, as {@link InetAddress#getAllByName} does. */
    @FunctionalInterface
    interface HostResolver {

        /**
         * @param host a host name or IP literal
         * @return its addresses, each carrying {@code host} as its host name (TLS verifies that name)
         * @throws UnknownHostException when it has none
         */
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /**
     * One place to connect to.
     *
     * @param connect what the client connects to: a {@link ResolvedInetAddress}, so the client does
     *     not resolve the name again, and TLS still sends the configured name (SNI) and verifies
     *     the certificate against it
     * @param reported how the outcome names it: as configured when the host has one IP address,
     *     else {@code ip:port}
     */
    record Target(Address connect, Address reported) {
    }

    /** More remembered failures than this (IP addresses churn behind a DNS name): forget them all. */
    static final int MAX_REMEMBERED = 256;

    private final RandomGenerator random;
    private final HostResolver hosts;
    /** {@code host:port} of every address and IP address whose last try failed. */
    private final Set<String> failedLastTry = ConcurrentHashMap.newKeySet();

    AttemptTargets(RandomGenerator random, HostResolver hosts) {
        this.random = random;
        this.hosts = hosts;
    }

    /** @return a shuffled copy (Fisher-Yates with the injected random source) */
    <T> List<T> shuffled(List<T> items) {
        List<T> copy = new ArrayList<>(items);
        for (int i = copy.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            copy.set(i, copy.set(j, copy.get(i)));
        }
        return copy;
    }

    /**
     * The configured addresses in the order this attempt tries them: shuffled, then those whose
     * last try failed moved to the back (keeping their shuffled order among themselves).
     *
     * @param addresses the configured (or resolver's) addresses
     * @param defaultPort the port of an address that has none
     * @return a new list
     */
    List<Address> ordered(List<Address> addresses, int defaultPort) {
        return failedLast(shuffled(addresses), a -> withPort(a, defaultPort));
    }

    /** Remembers that {@code address} (configured, or an IP address as reported) failed its last try. */
    void failed(Address address) {
        if (failedLastTry.size() >= MAX_REMEMBERED) {
            failedLastTry.clear();
        }
        failedLastTry.add(key(address));
    }

    /** Forgets the failure of {@code address}: it connected. */
    void connected(Address address) {
        failedLastTry.remove(key(address));
    }

    /** @return whether the last try of {@code address} failed */
    boolean failedLastTime(Address address) {
        return failedLastTry.contains(key(address));
    }

    private <T> List<T> failedLast(List<T> items, Function<T, Address> address) {
        if (failedLastTry.isEmpty()) {
            return items;
        }
        List<T> ordered = new ArrayList<>(items.size());
        List<T> failed = new ArrayList<>();
        for (T item : items) {
            (failedLastTime(address.apply(item)) ? failed : ordered).add(item);
        }
        ordered.addAll(failed);
        return ordered;
    }

    private static String key(Address address) {
        return address.getHost() + ":" + address.getPort();
    }

    /**
     * Resolves one address; blocks on the name lookup.
     *
     * @param address a configured address, or one from an {@code AddressResolver}
     * @param defaultPort the port when {@code address} has none
     * @return its targets in the order to try them, never empty
     * @throws UnknownHostException when its host cannot be resolved
     */
    List<Target> of(Address address, int defaultPort) throws UnknownHostException {
        Address configured = withPort(address, defaultPort);
        String host = configured.getHost();
        int port = configured.getPort();
        if (address instanceof ResolvedInetAddress resolved) { // e.g. from the client's DnsRecordIpAddressResolver
            String ip = resolved.toInetSocketAddress(port).getAddress().getHostAddress();
            return List.of(new Target(resolved, new Address(ip, port)));
        }
        InetAddress[] ips = hosts.resolve(host);
        if (ips == null || ips.length == 0) {
            throw new UnknownHostException(host + ": no IP address");
        }
        if (ips.length == 1) {
            return List.of(new Target(new ResolvedInetAddress(host, ips[0], port), configured));
        }
        List<Target> targets = new ArrayList<>(ips.length);
        for (InetAddress ip : shuffled(Arrays.asList(ips))) {
            targets.add(new Target(new ResolvedInetAddress(host, ip, port), new Address(ip.getHostAddress(), port)));
        }
        return failedLast(targets, Target::reported);
    }

    /** @return {@code address} as configured, with {@code defaultPort} when it has none */
    static Address withPort(Address address, int defaultPort) {
        return address.getPort() == -1 ? new Address(address.getHost(), defaultPort) : address;
    }
}
