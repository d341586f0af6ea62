package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.impl.CredentialsProvider;
import dev.tether.ConnectionEvent;
import dev.tether.ConnectionEvent.Connected;
import dev.tether.ConnectionEvent.Disconnected;
import dev.tether.ConnectionSettings;
import dev.tether.PersistentConnection;
import dev.tether.testing.Await;
import dev.tether.testing.RabbitMq;
import dev.tether.testing.RabbitMqNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * OAuth 2 tokens refreshed on a live connection, on a RabbitMQ node of its own with the
 * {@code rabbitmq_auth_backend_oauth2} plugin and an HS256 signing key; the test signs its own
 * JWTs, each valid for {@value #LIFETIME_SECONDS} s. A connection whose token is not refreshed is
 * refused after the token's expiry ({@code 403 ... token has expired}); the holder's connection,
 * whose provider reports the expiry, gets new tokens through the client's refresh service
 * ({@code connection.update-secret}) and keeps working past several expiries, without a reconnection.
 */
@ExtendWith(RabbitMq.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OAuthTokenRefreshIT {

    private static final long LIFETIME_SECONDS = 4;
    private static final String KEY = "tether-it-hs256-signing-key-0123456789";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private RabbitMqNode node;

    @BeforeAll
    void startNode() {
        String k = Base64.getUrlEncoder().withoutPadding().encodeToString(KEY.getBytes(StandardCharsets.UTF_8));
        node = RabbitMqNode.start(new RabbitMqNode.Setup(List.of("rabbitmq_auth_backend_oauth2"),
                List.of("auth_backends.1 = rabbit_auth_backend_oauth2", "auth_backends.2 = rabbit_auth_backend_internal"),
                """
                [{rabbitmq_auth_backend_oauth2, [
                   {resource_server_id, <<"rabbitmq">>},
                   {key_config, [{default_key, <<"k1">>},
                                 {signing_keys, #{<<"k1">> => {map, #{<<"kty">> => <<"oct">>,
                                     <<"alg">> => <<"HS256">>, <<"k">> => <<"%s">>}}}}]}]}].
                """.formatted(k)));
    }

    @AfterAll
    void stopNode() {
        if (node != null) {
            node.stop();
        }
    }

    /** Signs tokens valid for {@value #LIFETIME_SECONDS} s; a new one on every refresh. */
    static final class Tokens implements CredentialsProvider {
        final AtomicInteger refreshes = new AtomicInteger();
        /** Every token issued, the first included: none may appear anywhere. */
        final List<String> issued = new CopyOnWriteArrayList<>();
        /** While true, refresh() fails as an identity provider that is down. */
        final java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean();
        private String token;
        private Instant expiry;

        Tokens() {
            refresh0();
        }

        @Override
        public String getUsername() {
            return ""; // as the client's OAuth 2 provider: the broker takes the user from the token
        }

        @Override
        public synchronized String getPassword() {
            return token;
        }

        @Override
        public synchronized Duration getTimeBeforeExpiration() {
            return Duration.between(Instant.now(), expiry);
        }

        @Override
        public void refresh() {
            if (down.get()) {
                throw new IllegalStateException("identity provider down");
            }
            refresh0();
            refreshes.incrementAndGet();
        }

        synchronized Instant expiry() {
            return expiry;
        }

        private synchronized void refresh0() {
            expiry = Instant.now().plusSeconds(LIFETIME_SECONDS);
            token = jwt(expiry);
            issued.add(token);
        }
    }

    @Test
    void aTokenThatIsNotRefreshedIsRefusedAfterItExpires() throws Exception {
        Tokens tokens = new Tokens();
        ConnectionFactory factory = new ConnectionFactory();
        factory.setPort(node.port());
        factory.setAutomaticRecoveryEnabled(false);
        factory.setUsername("");
        factory.setPassword(tokens.getPassword()); // a fixed password: nothing refreshes it
        Connection plain = factory.newConnection("tether-it-unrefreshed");
        try {
            Instant expiry = tokens.expiry();
            Await.slowly("the token expired", WAIT, () -> Instant.now().isAfter(expiry.plusSeconds(1)));
            IOException refused = assertThrows(IOException.class, () -> plain.createChannel().queueDeclare());
            assertTrue(String.valueOf(refused.getCause()).contains("token has expired"), String.valueOf(refused.getCause()));
        } finally {
            if (plain.isOpen()) {
                plain.close();
            }
        }
    }

    /** The provider bean of connection "oauth", one instance per test. */
    @jakarta.enterprise.context.ApplicationScoped
    static class TokenBean {
        static volatile Tokens tokens;

        @jakarta.enterprise.inject.Produces
        @dev.tether.Persistent("oauth")
        CredentialsProvider tokens() {
            return tokens;
        }
    }

    /** Records the "oauth" connection's events. */
    @jakarta.enterprise.context.ApplicationScoped
    static class OAuthEvents {
        static final List<ConnectionEvent> SEEN = new CopyOnWriteArrayList<>();

        void on(@jakarta.enterprise.event.Observes @dev.tether.Persistent("oauth") ConnectionEvent event) {
            SEEN.add(event);
        }
    }

    private org.jboss.weld.environment.se.WeldContainer container(dev.tether.testing.LogCapture log) {
        return dev.tether.cdi.TetherCdi.weld(TokenBean.class, OAuthEvents.class,
                io.smallrye.health.SmallRyeHealthReporter.class, io.smallrye.health.AsyncHealthCheckFactory.class,
                io.smallrye.health.registry.HealthRegistries.class).initialize();
    }

    private static String readiness(org.jboss.weld.environment.se.WeldContainer container) {
        java.io.StringWriter json = new java.io.StringWriter();
        jakarta.json.Json.createWriter(json).write(container.select(io.smallrye.health.SmallRyeHealthReporter.class)
                .get().getReadiness().getPayload());
        return json.toString();
    }

    /** No token ever issued appears in the events, their causes, the log, readiness or the holder's strings. */
    private static void assertNoTokenIn(Tokens tokens, List<String> shown) {
        String everything = String.join("\n", shown);
        for (String token : tokens.issued) {
            for (String form : List.of(token, token.substring(token.lastIndexOf('.') + 1))) { // the whole, the signature
                assertFalse(everything.contains(form), () -> "a token in: " + shown.stream()
                        .filter(s -> s.contains(form)).findFirst().orElse(""));
            }
        }
    }

    private static List<String> shown(List<ConnectionEvent> events, dev.tether.testing.LogCapture log,
            PersistentConnection holder, String health) {
        List<String> shown = new java.util.ArrayList<>();
        for (ConnectionEvent event : events) {
            shown.add(event.toString());
            Throwable cause = event instanceof ConnectionEvent.ConnectFailed f ? f.cause()
                    : event instanceof ConnectionEvent.CredentialsRefreshFailed r ? r.cause() : null;
            for (Throwable t = cause; t != null; t = t.getCause()) {
                shown.add(t.toString());
            }
        }
        for (java.util.logging.LogRecord record : log.records()) {
            shown.add(record.getMessage() + " " + record.getThrown());
        }
        shown.add(holder + " " + holder.status() + " " + holder.settings());
        shown.add(health);
        return shown;
    }

    private dev.tether.cdi.TetherCdi.ConfigScope config() {
        return dev.tether.cdi.TetherCdi.config(new io.smallrye.config.PropertiesConfigSource(
                java.util.Map.of("tether.oauth.uri", "amqp://127.0.0.1:" + node.port(), "tether.oauth.backoff.max", "1s"),
                "it", 500));
    }

    @Test
    void theHoldersTokenIsRefreshedOnTheLiveConnectionAndOutlivesSeveralExpiries() throws Exception {
        Tokens tokens = new Tokens();
        TokenBean.tokens = tokens;
        OAuthEvents.SEEN.clear();
        try (var config = config(); dev.tether.testing.LogCapture log = dev.tether.testing.LogCapture.of("");
                var container = container(log)) {
            PersistentConnection holder = container.select(dev.tether.internal.cdi.ConnectionRegistry.class).get()
                    .holder("oauth");
            Connection first = holder.await(WAIT);
            Instant firstExpiry = tokens.expiry();
            Await.slowly("two refreshes and the first token's expiry passed", WAIT,
                    () -> tokens.refreshes.get() >= 2 && Instant.now().isAfter(firstExpiry.plusSeconds(1)));
            assertSame(first, holder.get(), "the same connection");
            try (Channel channel = first.createChannel()) {
                assertTrue(channel.queueDeclare().getQueue().startsWith("amq.gen-"),
                        "the broker accepts the connection past its first token's expiry");
            }
            List<ConnectionEvent> events = List.copyOf(OAuthEvents.SEEN);
            assertEquals(1, events.stream().filter(Connected.class::isInstance).count(), events.toString());
            assertEquals(0, events.stream().filter(Disconnected.class::isInstance).count(), events.toString());
            String health = readiness(container);
            assertTrue(health.contains("\"UP\""), health);
            assertTrue(tokens.issued.size() >= 3, "tokens issued: " + tokens.issued.size());
            assertNoTokenIn(tokens, shown(events, log, holder, health));
        }
        Await.slowly("the refresh thread ended", WAIT, () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals("tether-oauth-token-refresh")));
    }

    /**
     * The identity provider goes down: the failed refresh is an event and in readiness data, and
     * after the token's expiry RabbitMQ 3.10 keeps the connection open but refuses its operations.
     * A reconnection while the identity provider is back fetches a fresh token first (the cached
     * one expired) and connects at once, instead of sending the expired token (AUTHENTICATION, and
     * attempts slowed to backoff.max).
     */
    @Test
    void aFailedRefreshIsReportedAndAReconnectionFetchesAFreshToken() throws Exception {
        Tokens tokens = new Tokens();
        TokenBean.tokens = tokens;
        OAuthEvents.SEEN.clear();
        try (var config = config(); dev.tether.testing.LogCapture log = dev.tether.testing.LogCapture.of("");
                var container = container(log)) {
            PersistentConnection holder = container.select(dev.tether.internal.cdi.ConnectionRegistry.class).get()
                    .holder("oauth");
            Connection first = holder.await(WAIT);
            tokens.down.set(true);
            Await.slowly("a failed refresh reported", WAIT, () -> OAuthEvents.SEEN.stream()
                    .anyMatch(ConnectionEvent.CredentialsRefreshFailed.class::isInstance));
            String health = readiness(container);
            assertTrue(health.contains("\"oauth.credentials-refresh-failed\":\"java.lang.IllegalStateException\""),
                    health);
            Instant expiry = tokens.expiry();
            Await.slowly("the token expired", WAIT, () -> Instant.now().isAfter(expiry.plusSeconds(1)));
            IOException refused = assertThrows(IOException.class, () -> first.createChannel().queueDeclare());
            assertTrue(String.valueOf(refused.getCause()).contains("token has expired"), String.valueOf(refused.getCause()));

            tokens.down.set(false);
            int connectedBefore = (int) OAuthEvents.SEEN.stream().filter(Connected.class::isInstance).count();
            holder.reconnect();
            Await.slowly("connected again", WAIT, () -> OAuthEvents.SEEN.stream()
                    .filter(Connected.class::isInstance).count() > connectedBefore);
            List<ConnectionEvent> events = List.copyOf(OAuthEvents.SEEN);
            assertTrue(events.stream().noneMatch(e -> e instanceof ConnectionEvent.ConnectFailed f
                    && f.kind() == dev.tether.FailureKind.AUTHENTICATION), events.toString());
            try (Channel channel = holder.get().createChannel()) {
                channel.queueDeclare();
            }
            String after = readiness(container);
            assertFalse(after.contains("credentials-refresh-failed"), after);
            assertNoTokenIn(tokens, shown(events, log, holder, health + after));
        }
    }

    private static String jwt(Instant expiry) {
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        String header = base64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"k1\"}"
                .getBytes(StandardCharsets.UTF_8));
        String claims = base64.encodeToString(("{\"sub\":\"tether-it\",\"aud\":[\"rabbitmq\"],\"exp\":"
                + expiry.getEpochSecond() + ",\"scope\":[\"rabbitmq.configure:*/*\",\"rabbitmq.write:*/*\","
                + "\"rabbitmq.read:*/*\"]}").getBytes(StandardCharsets.UTF_8));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] signature = mac.doFinal((header + "." + claims).getBytes(StandardCharsets.UTF_8));
            return header + "." + claims + "." + base64.encodeToString(signature);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
