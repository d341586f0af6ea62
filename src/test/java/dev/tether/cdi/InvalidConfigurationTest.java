package dev.tether.cdi;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Connection;
import dev.tether.Persistent;
import dev.tether.testing.ThreadLeaks;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each invalid value of each key fails the container's boot, naming the key, never the password. */
class InvalidConfigurationTest {

    private static final String SECRET = "Pa55-w0rd-XYZZY";

    @Dependent
    static class UsesOrders {
        @Inject @Persistent("orders") Connection orders;
    }

    /** Every key with every class of wrong value: empty, malformed, out of range, wrong unit. */
    static Stream<Arguments> invalidValues() {
        return Stream.of(
                bad("tether.uri", ""),
                bad("tether.uri", "http://guest:" + SECRET + "@h"),
                bad("tether.uri", "amqp://guest:" + SECRET + "@h:70000"),
                bad("tether.uri", "amqp://guest:" + SECRET + "@h:0"),
                bad("tether.uri", "amqp://guest:" + SECRET + "@h:port"),
                bad("tether.uri", "amqp://guest:" + SECRET + "@h/a/b"),
                bad("tether.uri", "amqp://guest:" + SECRET + "@h?heartbeat=5"),
                bad("tether.orders.uri", "not a uri " + SECRET),
                bad("tether.addresses", ""),
                bad("tether.addresses", "h1,,h2"),
                bad("tether.addresses", "h1:0"),
                bad("tether.addresses", "h1:99999"),
                bad("tether.orders.addresses", "h1:abc"),
                bad("tether.username", " "),
                bad("tether.client-name", ""),
                bad("tether.connection-timeout", ""),
                bad("tether.connection-timeout", "0s"),
                bad("tether.connection-timeout", "ten"),
                bad("tether.connection-timeout", "30d"),
                bad("tether.orders.connection-timeout", "-5s"),
                bad("tether.heartbeat", ""),
                bad("tether.heartbeat", "500ms"),
                bad("tether.heartbeat", "2d"),
                bad("tether.heartbeat", "10"),
                bad("tether.await-timeout", ""),
                bad("tether.await-timeout", "0ms"),
                bad("tether.await-timeout", "400d"),
                bad("tether.orders.await-timeout", "5 parsecs"),
                bad("tether.backoff.initial", ""),
                bad("tether.backoff.initial", "0s"),
                bad("tether.backoff.initial", "100"),
                bad("tether.backoff.max", "1ms"),
                bad("tether.backoff.max", "soon"),
                bad("tether.backoff.max", "200000d"),
                bad("tether.orders.backoff.initial", "2d"),
                bad("tether.backoff.refused-max", "25h"),
                bad("tether.backoff.multiplier", ""),
                bad("tether.backoff.multiplier", "0.5"),
                bad("tether.backoff.multiplier", "two"),
                bad("tether.backoff.multiplier", "Infinity"),
                bad("tether.backoff.jitter", ""),
                bad("tether.backoff.jitter", "1.5"),
                bad("tether.backoff.jitter", "30%"),
                bad("tether.orders.backoff.jitter", "-0.1"),
                bad("tether.backoff.refused-max", "PT-1S"),
                bad("tether.backoff.refused-max", "1"),
                bad("tether.eager", ""),
                bad("tether.eager", "yes"),
                bad("tether.orders.tls.verify-hostname", "maybe"),
                bad("tether.tls.trust-store-type", "PEM"),
                bad("tether.tls.key-store-type", ""),
                bad("tether.tls.protocols", " , "),
                bad("tether.tls.protocols", "TLS1.3"),
                bad("tether.orders.tls.protocols", "TLSv1.2,SSLv4"),
                bad("tether.tls.trust-store", ""),
                bad("tether.tls.key-store", "/no/such/store.p12"),
                bad("tether.consumers.prefetch", "0"),
                bad("tether.consumers.prefetch", "65536"),
                bad("tether.orders.consumers.prefetch", "lots"),
                bad("tether.consumers.concurrency", "0"),
                bad("tether.orders.consumers.concurrency", "1001"),
                bad("tether.consumers.redelivery-limit", "-1"),
                bad("tether.orders.consumers.redelivery-limit", "3.5"),
                bad("tether.consumers.drain-timeout", "0s"),
                bad("tether.orders.consumers.drain-timeout", "2d"),
                bad("tether.channels.max", ""),
                bad("tether.channels.max", "many"),
                bad("tether.channels.max", "1.5"),
                bad("tether.channels.max", "0"),
                bad("tether.orders.channels.max", "1001"),
                bad("tether.channels.checkout-timeout", ""),
                bad("tether.channels.checkout-timeout", "0s"),
                bad("tether.channels.checkout-timeout", "5"),
                bad("tether.orders.channels.checkout-timeout", "2d"),
                bad("tether.publish.confirm-timeout", "soon"),
                bad("tether.publish.confirm-timeout", "PT-1S"),
                bad("tether.orders.publish.confirm-timeout", "25h"),
                bad("tether.health.enabled", ""),
                bad("tether.health.enabled", "maybe"),
                bad("tether.metrics.enabled", ""),
                bad("tether.metrics.enabled", "maybe"));
    }

    private static Arguments bad(String key, String value) {
        return Arguments.of(key, value);
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("invalidValues")
    void theBootFailsNamingTheKey(String key, String value) {
        Map<String, String> properties = new HashMap<>();
        properties.put("tether.password", SECRET);
        properties.put("tether.orders.password", SECRET);
        properties.put(key, value);
        ThreadLeaks.Baseline threads = ThreadLeaks.baseline();
        try (var config = TetherCdi.config(properties)) {
            RuntimeException failure = assertThrows(RuntimeException.class,
                    () -> TetherCdi.weld(UsesOrders.class).initialize().close());
            String message = messages(failure);
            assertTrue(message.contains("'" + key + "'"), message);
            assertTrue(message.contains("Invalid Tether configuration"), message);
            assertFalse(message.contains(SECRET), message);
        }
        assertTrue(ThreadLeaks.threadsStartingWith("tether-").isEmpty(), "no holder was started");
        threads.awaitNoNewThreads(Duration.ofSeconds(5), "ForkJoinPool", "weld");
    }

    private static String messages(Throwable failure) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            text.append(t).append(" | ");
        }
        return text.toString();
    }
}
