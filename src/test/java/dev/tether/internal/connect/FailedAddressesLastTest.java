package dev.tether.internal.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Address;
import dev.tether.AddressFailure;
import dev.tether.ConnectionSettings;
import dev.tether.FailureKind;
import dev.tether.testing.EmbeddedBroker;
import dev.tether.testing.FixedRandom;
import dev.tether.testing.QpidBroker;
import dev.tether.testing.ScriptedRandom;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An address whose last try failed goes after the others in the next attempts, until it connects
 * again: a node that accepts TCP but never speaks AMQP costs one {@code connection-timeout} once,
 * not in every attempt. The shuffle is scripted ({@link ScriptedRandom}, {@link FixedRandom}).
 */
@ExtendWith(EmbeddedBroker.class)
class FailedAddressesLastTest {

    private final int port;

    FailedAddressesLastTest(QpidBroker broker) {
        this.port = broker.port();
    }

    @Test
    void aShuffleKeepsItsOrderUntilAnAddressFailsThenThatAddressGoesLastUntilItConnects() {
        Address a = new Address("a.test", 1);
        Address b = new Address("b.test", 2);
        Address c = new Address("c.test"); // default port
        AttemptTargets targets = new AttemptTargets(new FixedRandom(0.5), new TestHosts(Map.of()));
        assertEquals(List.of(a, b, c), targets.ordered(List.of(a, b, c), 5672), "the fixed shuffle keeps the order");

        targets.failed(a);
        targets.failed(new Address("c.test", 5672));
        assertEquals(List.of(b, a, c), targets.ordered(List.of(a, b, c), 5672),
                "failed ones last, in their shuffled order; an address without port matched with the default");

        targets.connected(a);
        assertEquals(List.of(a, b, c), targets.ordered(List.of(a, b, c), 5672));
    }

    @Test
    void theIpsOfANameThatFailedLastTimeAreTriedAfterTheOthers() throws Exception {
        AttemptTargets targets = new AttemptTargets(new FixedRandom(0.5),
                new TestHosts(Map.of("rabbit.test", List.of("127.0.0.2", "127.0.0.3", "127.0.0.4"))));
        targets.failed(new Address("127.0.0.2", 5672));
        assertEquals(List.of("127.0.0.3", "127.0.0.4", "127.0.0.2"),
                targets.of(new Address("rabbit.test", 5672), 5672).stream().map(t -> t.reported().getHost()).toList());
    }

    @Test
    void remembersAtMostABoundedNumberOfFailures() {
        AttemptTargets targets = new AttemptTargets(new FixedRandom(0.5), new TestHosts(Map.of()));
        for (int i = 0; i <= AttemptTargets.MAX_REMEMBERED; i++) {
            targets.failed(new Address("10.0.0.1", 1000 + i));
        }
        assertTrue(!targets.failedLastTime(new Address("10.0.0.1", 1000)), "forgotten when the bound was reached");
        assertTrue(targets.failedLastTime(new Address("10.0.0.1", 1000 + AttemptTargets.MAX_REMEMBERED)));
    }

    @Test
    void aSilentNodeFirstInTheShuffleCostsOneConnectionTimeoutThenIsTriedLast() throws Exception {
        try (ServerSocket silent = new ServerSocket()) {
            silent.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)); // accepts (backlog), never speaks
            ConnectionSettings settings = ConnectionSettings.builder().uri("amqp://guest:guest@127.0.0.1")
                    .addresses("127.0.0.1:" + port + ",127.0.0.1:" + silent.getLocalPort())
                    .connectionTimeout(Duration.ofSeconds(2)).build();
            // Fisher-Yates on [broker, silent]: swapping position 1 with 0 puts the silent one first, every time
            ConnectionOpener opener = new ConnectionOpener("test", new Sources(null, null, null), null,
                    new ScriptedRandom(0, 0, 0), () -> false, new TestHosts(Map.of()));

            AttemptOutcome.Opened first = assertInstanceOf(AttemptOutcome.Opened.class,
                    opener.open(settings));
            first.connection().close();
            assertEquals(port, first.address().getPort(), "moved on to the broker within the attempt");

            for (int attempt = 2; attempt <= 3; attempt++) {
                long begin = System.nanoTime();
                AttemptOutcome.Opened next = assertInstanceOf(AttemptOutcome.Opened.class,
                        opener.open(settings));
                long millis = Duration.ofNanos(System.nanoTime() - begin).toMillis();
                next.connection().close();
                assertEquals(port, next.address().getPort());
                assertTrue(millis < 2000, "attempt " + attempt + " did not wait on the silent node first: " + millis + " ms");
            }
        }
    }

    @Test
    void theFailureOfTheSilentNodeIsATimeoutAtItsAddress() {
        try (ServerSocket silent = new ServerSocket()) {
            silent.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            ConnectionSettings settings = ConnectionSettings.builder().uri("amqp://guest:guest@127.0.0.1")
                    .addresses("127.0.0.1:" + silent.getLocalPort()).connectionTimeout(Duration.ofMillis(300)).build();
            AttemptOutcome.Failed failed = assertInstanceOf(AttemptOutcome.Failed.class,
                    new ConnectionOpener("test", new Sources(null, null, null), null, new FixedRandom(0.5), () -> false,
                            new TestHosts(Map.of())).open(settings));
            AddressFailure only = failed.each().get(0);
            assertEquals(new Address("127.0.0.1", silent.getLocalPort()), only.address());
            assertEquals(FailureKind.TIMED_OUT, only.kind(), only.toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
