package dev.tether.internal.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.AddressResolver;
import com.rabbitmq.client.ListAddressResolver;
import com.rabbitmq.client.ResolvedInetAddress;
import dev.tether.AddressFailure;
import dev.tether.ConnectionSettings;
import dev.tether.FailureKind;
import dev.tether.testing.EmbeddedBroker;
import dev.tether.testing.FixedRandom;
import dev.tether.testing.QpidBroker;
import dev.tether.testing.ScriptedRandom;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One attempt against a host name that resolves to several IP addresses (a Kubernetes headless
 * Service, a DNS round-robin): the names are made up and mapped to loopback addresses, where only
 * 127.0.0.1 has a broker (127.0.0.2 and 127.0.0.3 refuse).
 */
@ExtendWith(EmbeddedBroker.class)
class ConnectionOpenerTest {

    private static final String NAME = "rabbit.test";

    private final int port;

    ConnectionOpenerTest(QpidBroker broker) {
        this.port = broker.port();
    }

    private AttemptOutcome open(RandomGenerator random, Map<String, List<String>> names, String addresses) {
        ConnectionSettings settings = ConnectionSettings.builder().uri("amqp://guest:guest@127.0.0.1")
                .addresses(addresses).connectionTimeout(Duration.ofSeconds(5)).build();
        return open(random, names, settings, new ListAddressResolver(settings.addresses()));
    }

    private static AttemptOutcome open(RandomGenerator random, Map<String, List<String>> names,
            ConnectionSettings settings, AddressResolver resolver) {
        return new ConnectionOpener("test", new Sources(resolver, null, null), null, random, () -> false, new TestHosts(names))
                .open(settings);
    }

    private static AttemptOutcome.Opened opened(AttemptOutcome outcome) throws Exception {
        AttemptOutcome.Opened opened = assertInstanceOf(AttemptOutcome.Opened.class, outcome, outcome.toString());
        assertTrue(opened.connection().isOpen());
        opened.connection().close();
        return opened;
    }

    private Address at(String host) {
        return new Address(host, port);
    }

    @Test
    void everyIpOfANameIsTriedInOneAttemptSoTheBrokerIsFoundWhenShuffledLast() throws Exception {
        // DNS order .2 .3 .1; the shuffle keeps position 2, then swaps 1 with 0: .3 .2 .1
        AttemptOutcome outcome = open(new ScriptedRandom(2, 0),
                Map.of(NAME, List.of("127.0.0.2", "127.0.0.3", "127.0.0.1")), NAME + ":" + port);

        assertEquals(at("127.0.0.1"), opened(outcome).address(), "the IP connected to, as the name has several");
    }

    @Test
    void theIpsAreTriedInShuffledOrderAndEachFailureIsReported() {
        // DNS order .2 .3 .4; swap position 2 with 1, then 1 with 0: .4 .2 .3
        AttemptOutcome outcome = open(new ScriptedRandom(1, 0),
                Map.of(NAME, List.of("127.0.0.2", "127.0.0.3", "127.0.0.4")), NAME + ":" + port);

        AttemptOutcome.Failed failed = assertInstanceOf(AttemptOutcome.Failed.class, outcome);
        assertEquals(List.of(at("127.0.0.4"), at("127.0.0.2"), at("127.0.0.3")),
                failed.each().stream().map(AddressFailure::address).toList());
        assertTrue(failed.each().stream().allMatch(f -> f.kind() == FailureKind.REFUSED), failed.each().toString());
        assertEquals(FailureKind.REFUSED, failed.kind(), "all refused: REFUSED (the short backoff cap)");
        assertEquals(failed.each().get(0).cause(), failed.cause());
        assertEquals(List.of(failed.each().get(1).cause(), failed.each().get(2).cause()),
                List.of(failed.cause().getSuppressed()), "the other failures travel with the reported cause");
    }

    @Test
    void anUnresolvableHostIsOneUnreachableFailureAndTheNextAddressIsStillTried() throws Exception {
        Map<String, List<String>> noNames = Map.of();
        assertEquals(at("127.0.0.1"),
                opened(open(new FixedRandom(0.5), noNames, "nowhere.test:" + port + ",127.0.0.1:" + port)).address());

        AttemptOutcome.Failed failed = assertInstanceOf(AttemptOutcome.Failed.class,
                open(new FixedRandom(0.5), noNames, "nowhere.test,127.0.0.2:" + port));
        assertEquals(2, failed.each().size(), failed.each().toString());
        assertEquals(new Address("nowhere.test", 5672), failed.each().get(0).address(), "with the default port");
        assertEquals(FailureKind.UNREACHABLE, failed.each().get(0).kind());
        assertInstanceOf(UnknownHostException.class, failed.each().get(0).cause());
        assertEquals(FailureKind.REFUSED, failed.each().get(1).kind());
        assertEquals(FailureKind.UNREACHABLE, failed.kind(), "a refusal is reported only when every address refused");
        assertEquals(new Address("nowhere.test", 5672), failed.address());
    }

    @Test
    void aNameWithOneIpAndAnIpLiteralAreReportedAsConfigured() throws Exception {
        Map<String, List<String>> one = Map.of("single.test", List.of("127.0.0.1"));
        assertEquals(at("single.test"), opened(open(new FixedRandom(0.5), one, "single.test:" + port)).address());
        assertEquals(at("127.0.0.1"), opened(open(new FixedRandom(0.5), one, "127.0.0.1:" + port)).address());
    }

    @Test
    void anAddressTheResolverResolvedAlreadyIsNotResolvedAgain() throws Exception {
        // as the client's DnsRecordIpAddressResolver gives them: one ResolvedInetAddress per IP
        InetAddress ip = InetAddress.getByAddress(NAME, new byte[] {127, 0, 0, 1});
        AddressResolver resolved = () -> List.of(new ResolvedInetAddress(NAME, ip, port));
        ConnectionSettings settings = ConnectionSettings.builder().uri("amqp://guest:guest@127.0.0.1").build();
        Map<String, List<String>> unknown = Map.of(); // rabbit.test would not resolve here

        assertEquals(at("127.0.0.1"), opened(open(new FixedRandom(0.5), unknown, settings, resolved)).address());
    }
}
