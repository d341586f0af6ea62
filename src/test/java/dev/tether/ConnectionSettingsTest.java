package dev.tether;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Address;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConnectionSettingsTest {

    private static final String SECRET = "s3cr3t-Pa55";

    @Test
    void defaultsMatchTheDesign() {
        ConnectionSettings settings = ConnectionSettings.builder().build();
        assertEquals("default", settings.name());
        assertEquals(List.of(new Address("localhost", 5672)), settings.addresses());
        assertEquals("guest", settings.username());
        assertEquals("/", settings.virtualHost());
        assertEquals("tether-default", settings.clientName());
        assertEquals(Duration.ofSeconds(10), settings.connectionTimeout());
        assertEquals(Duration.ofSeconds(10), settings.heartbeat());
        assertEquals(Duration.ofSeconds(5), settings.awaitTimeout());
        assertEquals(Backoff.DEFAULT, settings.backoff());
        assertEquals(new ChannelSettings(16, Duration.ofSeconds(5), Duration.ofSeconds(10)), settings.channels());
        assertTrue(settings.eager());
        assertFalse(settings.tls());
        assertTrue(settings.verifyHostname());
    }

    @Test
    void uriSetsAddressCredentialsVirtualHostAndTls() {
        ConnectionSettings settings = ConnectionSettings.builder("orders")
                .uri("amqps://app:p%40ss%3Aword@rabbit.example.com/orders%2Fv1").build();
        assertEquals(List.of(new Address("rabbit.example.com", 5671)), settings.addresses());
        assertEquals("app", settings.username());
        assertEquals("p@ss:word", settings.password());
        assertEquals("orders/v1", settings.virtualHost());
        assertTrue(settings.tls());
        assertEquals("tether-orders", settings.clientName());
    }

    @Test
    void virtualHostFollowsTheUriSpecification() {
        assertEquals("/", ConnectionSettings.builder().uri("amqp://h").build().virtualHost(), "no path: default");
        assertEquals("", ConnectionSettings.builder().uri("amqp://h/").build().virtualHost(), "lone slash: empty");
        assertEquals("/", ConnectionSettings.builder().uri("amqp://h/%2f").build().virtualHost());
        assertEquals("v", ConnectionSettings.builder().uri("amqp://h:1234/v").build().virtualHost());
        assertEquals(List.of(new Address("::1", 5673)),
                ConnectionSettings.builder().uri("amqp://[::1]:5673").build().addresses());
    }

    @Test
    void partsSetAfterTheUriOverrideIt() {
        ConnectionSettings settings = ConnectionSettings.builder().uri("amqp://a:b@h1:1111/x")
                .addresses("h2:2222, h3").username("u").password("p").virtualHost("y").build();
        assertEquals(List.of(new Address("h2", 2222), new Address("h3", 5672)), settings.addresses());
        assertEquals("u", settings.username());
        assertEquals("y", settings.virtualHost());
        ConnectionSettings changed = settings.toBuilder().heartbeat(Duration.ofSeconds(3)).build();
        assertEquals(settings.addresses(), changed.addresses());
        assertEquals(Duration.ofSeconds(3), changed.heartbeat());
    }

    static Stream<Arguments> invalidSettings() {
        return Stream.of(
                bad("uri", () -> ConnectionSettings.builder().uri("")),
                bad("uri", () -> ConnectionSettings.builder().uri("amqp://user:" + SECRET + "@host:port/")),
                bad("uri", () -> ConnectionSettings.builder().uri("http://user:" + SECRET + "@host")),
                bad("uri", () -> ConnectionSettings.builder().uri("amqp://user:" + SECRET + "@host:70000")),
                bad("uri", () -> ConnectionSettings.builder().uri("amqp://user:" + SECRET + "@host:0")),
                bad("uri", () -> ConnectionSettings.builder().uri("amqp://user:" + SECRET + "@ho st")),
                bad("uri", () -> ConnectionSettings.builder().uri("amqp://user:" + SECRET + "%zz@host")),
                bad("uri", () -> ConnectionSettings.builder().uri("amqp://user:" + SECRET + "@host/a/b")),
                bad("uri", () -> ConnectionSettings.builder().uri("amqp://user:" + SECRET + "@host?heartbeat=5")),
                bad("uri", () -> ConnectionSettings.builder().uri("rabbit.example.com:5672")),
                bad("addresses", () -> ConnectionSettings.builder().addresses("h1,,h2")),
                bad("addresses", () -> ConnectionSettings.builder().addresses("h1:99999")),
                bad("addresses", () -> ConnectionSettings.builder().addresses("h1:x")),
                bad("addresses", () -> ConnectionSettings.builder().addresses(List.of())),
                bad("name", () -> ConnectionSettings.builder("a.b")),
                bad("username", () -> ConnectionSettings.builder().username(" ")),
                bad("client-name", () -> ConnectionSettings.builder().clientName("")),
                bad("connection-timeout", () -> ConnectionSettings.builder().connectionTimeout(Duration.ZERO)),
                bad("connection-timeout", () -> ConnectionSettings.builder().connectionTimeout(Duration.ofSeconds(-1))),
                bad("heartbeat", () -> ConnectionSettings.builder().heartbeat(Duration.ofMillis(500))),
                bad("heartbeat", () -> ConnectionSettings.builder().heartbeat(Duration.ofDays(2))),
                bad("await-timeout", () -> ConnectionSettings.builder().awaitTimeout(Duration.ZERO)),
                bad("backoff.initial", () -> ConnectionSettings.builder().backoff(Backoff.DEFAULT.withInitial(Duration.ZERO))),
                bad("backoff.max", () -> ConnectionSettings.builder().backoff(Backoff.DEFAULT.withMax(Duration.ofMillis(10)))),
                bad("backoff.multiplier", () -> ConnectionSettings.builder().backoff(Backoff.DEFAULT.withMultiplier(0.5))),
                bad("backoff.multiplier", () -> ConnectionSettings.builder().backoff(Backoff.DEFAULT.withMultiplier(Double.NaN))),
                bad("backoff.jitter", () -> ConnectionSettings.builder().backoff(Backoff.DEFAULT.withJitter(1.0))),
                bad("backoff.jitter", () -> ConnectionSettings.builder().backoff(Backoff.DEFAULT.withJitter(-0.1))),
                bad("backoff.refused-max", () -> ConnectionSettings.builder().backoff(Backoff.DEFAULT.withRefusedMax(Duration.ofMillis(-1)))),
                // Upper bounds: 200000 days used to pass and then overflow Duration.toNanos() in the holder.
                bad("backoff.max", () -> ConnectionSettings.builder().backoff(Backoff.DEFAULT.withMax(Duration.ofDays(200_000)))),
                bad("backoff.initial", () -> ConnectionSettings.builder().backoff(
                        new Backoff(Duration.ofDays(2), Duration.ofDays(2), 2, 0.3, Duration.ofSeconds(1)))),
                bad("backoff.refused-max", () -> ConnectionSettings.builder().backoff(Backoff.DEFAULT.withRefusedMax(Duration.ofHours(25)))),
                bad("await-timeout", () -> ConnectionSettings.builder().awaitTimeout(Duration.ofDays(366))),
                bad("channels.max", () -> ConnectionSettings.builder().channels(ChannelSettings.DEFAULT.withMax(0))),
                bad("channels.max", () -> ConnectionSettings.builder().channels(ChannelSettings.DEFAULT.withMax(1001))),
                bad("channels.checkout-timeout", () -> ConnectionSettings.builder().channels(
                        ChannelSettings.DEFAULT.withCheckoutTimeout(Duration.ZERO))),
                bad("publish.confirm-timeout", () -> ConnectionSettings.builder().channels(
                        ChannelSettings.DEFAULT.withConfirmTimeout(Duration.ofDays(2)))),
                bad("channels", () -> ConnectionSettings.builder().channels(null)),
                bad("connection-timeout", () -> ConnectionSettings.builder().connectionTimeout(Duration.ofDays(30))),
                // Unknown protocol names used to fail inside the socket set-up on every attempt, leaking a socket each time.
                bad("tls.protocols", () -> ConnectionSettings.builder().uri("amqps://h").tlsProtocols(List.of("TLS1.3"))),
                bad("tls.protocols", () -> ConnectionSettings.builder().uri("amqps://h").tlsProtocols(List.of("TLSv1.3", "tls13"))),
                // An invalid path used to throw InvalidPathException inside the attempt, ending the reconnect loop.
                bad("tls.trust-store", () -> ConnectionSettings.builder().uri("amqps://h").trustStore("ca\u0000.p12", "pw")),
                bad("tls.key-store", () -> ConnectionSettings.builder().uri("amqps://h").keyStore("me\u0000.p12", SECRET)));
    }

    private static Arguments bad(String key, Supplier<ConnectionSettings.Builder> builder) {
        return Arguments.of(key, builder);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("invalidSettings")
    void invalidValuesAreRejectedNamingTheSettingAndNeverThePassword(String key,
            Supplier<ConnectionSettings.Builder> builder) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> builder.get().build());
        assertTrue(error.getMessage().startsWith("Invalid setting '" + key + "': "), error.getMessage());
        assertFalse(error.getMessage().contains(SECRET), error.getMessage());
    }

    @Test
    void toStringAndDisplayUriMaskThePassword() {
        ConnectionSettings settings = ConnectionSettings.builder().uri("amqp://app:" + SECRET + "@h/v").build();
        assertFalse(settings.toString().contains(SECRET), settings.toString());
        assertTrue(settings.toString().contains("password=****"));
        assertEquals("amqp://app@h:5672/v", settings.displayUri());
        assertFalse(ConnectionSettings.builder().uri("amqp://app:" + SECRET + "@h/v").toString().contains(SECRET));
    }
}
