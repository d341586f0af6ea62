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
            refresh0();
            refreshes.incrementAndGet();
        }

        synchronized Instant expiry() {
            return expiry;
        }

        private synchronized void refresh0() {
            expiry = Instant.now().plusSeconds(LIFETIME_SECONDS);
            token = jwt(expiry);
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
            Poll.until("the token expired", WAIT, () -> Instant.now().isAfter(expiry.plusSeconds(1)));
            IOException refused = assertThrows(IOException.class, () -> plain.createChannel().queueDeclare());
            assertTrue(String.valueOf(refused.getCause()).contains("token has expired"), String.valueOf(refused.getCause()));
        } finally {
            if (plain.isOpen()) {
                plain.close();
            }
        }
    }

    @Test
    void theHoldersTokenIsRefreshedOnTheLiveConnectionAndOutlivesSeveralExpiries() throws Exception {
        Tokens tokens = new Tokens();
        List<ConnectionEvent> events = new CopyOnWriteArrayList<>();
        PersistentConnection holder = PersistentConnection.builder(ConnectionSettings.builder("oauth")
                        .uri("amqp://127.0.0.1:" + node.port()).build())
                .credentialsProvider(tokens)
                .listener(events::add)
                .build();
        try {
            Connection first = holder.await(WAIT);
            Instant firstExpiry = tokens.expiry();
            Poll.until("two refreshes and the first token's expiry passed", WAIT,
                    () -> tokens.refreshes.get() >= 2 && Instant.now().isAfter(firstExpiry.plusSeconds(1)));
            assertSame(first, holder.get(), "the same connection");
            try (Channel channel = first.createChannel()) {
                assertTrue(channel.queueDeclare().getQueue().startsWith("amq.gen-"),
                        "the broker accepts the connection past its first token's expiry");
            }
            assertEquals(1, events.stream().filter(Connected.class::isInstance).count(), events.toString());
            assertEquals(0, events.stream().filter(Disconnected.class::isInstance).count(), events.toString());
            String shown = events + " " + holder.status() + " " + holder;
            assertFalse(shown.contains(tokens.getPassword()), shown);
        } finally {
            holder.close().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        Poll.until("the refresh thread ended", WAIT, () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals("tether-oauth-token-refresh")));
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
