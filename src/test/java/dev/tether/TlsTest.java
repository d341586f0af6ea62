package dev.tether;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.ConnectionEvent.ConnectFailed;
import dev.tether.testing.Await;
import dev.tether.testing.QpidBroker;
import dev.tether.testing.TestPki;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * amqps:// against an embedded broker on a TLS port with a CA made in the test: the peer and its
 * host name are verified by default, an untrusted or misnamed broker is refused and classified as
 * TLS misconfiguration, and mutual TLS presents the configured key store.
 */
class TlsTest {

    @TempDir
    static Path dir;

    private static TestPki pki;

    private final List<ConnectionEvent> events = new CopyOnWriteArrayList<>();
    private PersistentConnection holder;

    @BeforeAll
    static void createPki() {
        pki = TestPki.create(dir);
    }

    @AfterEach
    void close() throws Exception {
        if (holder != null) {
            holder.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private PersistentConnection start(ConnectionSettings.Builder settings) {
        holder = PersistentConnection.builder(settings.connectionTimeout(Duration.ofSeconds(5)).build())
                .listener(events::add).build();
        return holder;
    }

    private ConnectFailed firstFailure() {
        Await.until("a failed attempt", Duration.ofSeconds(10),
                () -> events.stream().anyMatch(ConnectFailed.class::isInstance));
        return events.stream().filter(ConnectFailed.class::isInstance).map(ConnectFailed.class::cast).findFirst()
                .orElseThrow();
    }

    @Test
    void aBrokerSignedByTheTrustedCaForThisHostIsAccepted() throws Exception {
        try (QpidBroker broker = QpidBroker.startTls(new QpidBroker.Tls(pki.broker(), pki.password(), null))) {
            start(ConnectionSettings.builder().uri(broker.uri())
                    .trustStore(pki.caTrust().toString(), pki.password()));
            assertTrue(holder.await(Duration.ofSeconds(10)).isOpen());
            assertTrue(holder.settings().tls());
        }
    }

    @Test
    void anUntrustedBrokerIsRefusedAsTlsMisconfigurationAndNeverTrusted() {
        try (QpidBroker broker = QpidBroker.startTls(new QpidBroker.Tls(pki.broker(), pki.password(), null))) {
            start(ConnectionSettings.builder().uri(broker.uri())); // the JVM's default trust store
            ConnectFailed failed = firstFailure();
            assertEquals(FailureKind.TLS, failed.kind(), failed.toString());
            assertTrue(failed.kind().misconfiguration());
            assertEquals(ConnectionState.CONNECTING, holder.state());

            holder.update(s -> s.toBuilder().trustStore(pki.otherCaTrust().toString(), pki.password()).build());
            holder.reconnect();
            Await.until("a second failure", Duration.ofSeconds(10),
                    () -> events.stream().filter(ConnectFailed.class::isInstance).count() >= 2);
            assertEquals(FailureKind.TLS, ((ConnectFailed) events.stream().filter(ConnectFailed.class::isInstance)
                    .reduce((a, b) -> b).orElseThrow()).kind(), "another CA is not trusted either");
        }
    }

    @Test
    void aBrokerWhoseNameDoesNotMatchIsRefusedUnlessVerificationIsExplicitlyOff() throws Exception {
        try (QpidBroker broker = QpidBroker.startTls(new QpidBroker.Tls(pki.wrongHostBroker(), pki.password(), null))) {
            start(ConnectionSettings.builder().uri(broker.uri()).trustStore(pki.caTrust().toString(), pki.password()));
            ConnectFailed failed = firstFailure();
            assertEquals(FailureKind.TLS, failed.kind(), failed.toString());
            holder.close().toCompletableFuture().get(10, TimeUnit.SECONDS);

            start(ConnectionSettings.builder().uri(broker.uri()).trustStore(pki.caTrust().toString(), pki.password())
                    .verifyHostname(false));
            assertTrue(holder.await(Duration.ofSeconds(10)).isOpen(), "tls.verify-hostname=false trusts the CA only");
        }
    }

    /**
     * Without the key store the broker refuses the client, but the client never learns why: the
     * embedded broker checks the client's certificate after the client's side of the handshake
     * has ended (TLS 1.3, and TLS 1.2 too as tried here), and the client sees the connection end
     * (a broken pipe on its next write, or an end of stream). So the kind is HANDSHAKE_FAILED,
     * transient, not TLS: a known gap, asserted so that a change in it is noticed.
     */
    @Test
    void mutualTlsPresentsTheKeyStoreAndIsRefusedWithoutIt() throws Exception {
        try (QpidBroker broker = QpidBroker.startTls(
                new QpidBroker.Tls(pki.broker(), pki.password(), pki.caTrust()))) {
            start(ConnectionSettings.builder().uri(broker.uri()).trustStore(pki.caTrust().toString(), pki.password()));
            ConnectFailed failed = firstFailure();
            assertEquals(FailureKind.HANDSHAKE_FAILED, failed.kind(), failed.toString());
            assertTrue(chain(failed.cause()).matches(".*(java.io.EOFException|Broken pipe|Connection reset).*"),
                    chain(failed.cause()));
            assertEquals(ConnectionState.CONNECTING, holder.state());
            holder.close().toCompletableFuture().get(10, TimeUnit.SECONDS);

            start(ConnectionSettings.builder().uri(broker.uri()).trustStore(pki.caTrust().toString(), pki.password())
                    .keyStore(pki.client().toString(), pki.password()));
            assertTrue(holder.await(Duration.ofSeconds(10)).isOpen());
        }
    }

    @Test
    void theEnabledProtocolsAreTheConfiguredOnes() {
        try (QpidBroker broker = QpidBroker.startTls(new QpidBroker.Tls(pki.broker(), pki.password(), null))) {
            start(ConnectionSettings.builder().uri(broker.uri()).trustStore(pki.caTrust().toString(), pki.password())
                    .tlsProtocols(List.of("TLSv1.1")));
            ConnectFailed failed = firstFailure(); // TLS 1.1 is disabled in modern JDKs and brokers
            assertNotEquals(ConnectionState.CONNECTED, holder.state(), failed.toString());
            assertEquals(FailureKind.TLS, failed.kind(), failed.toString());
            assertTrue(chain(failed.cause()).contains("javax.net.ssl.SSL"), chain(failed.cause()));
        }
    }

    @Test
    void storesWithoutAmqpsAreRejectedAndPasswordsAreMasked() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> ConnectionSettings.builder()
                .uri("amqp://h").trustStore("/etc/ca.p12", "store-secret").build());
        assertTrue(error.getMessage().contains("'tls.trust-store'") && error.getMessage().contains("amqps"),
                error.getMessage());
        ConnectionSettings settings = ConnectionSettings.builder().uri("amqps://h").trustStore("/ca.p12", "store-secret")
                .keyStore("/client.p12", "key-secret").build();
        assertFalse(settings.toString().contains("store-secret") || settings.toString().contains("key-secret"),
                settings.toString());
    }

    private static String chain(Throwable t) {
        StringBuilder out = new StringBuilder();
        for (; t != null; t = t.getCause()) {
            out.append(t.getClass().getName()).append(": ").append(t.getMessage()).append(" <- ");
        }
        return out.toString();
    }
}
