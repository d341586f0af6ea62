package dev.tether.cdi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.ConnectionEvent.ConnectFailed;
import dev.tether.FailureKind;
import dev.tether.PersistentConnection;
import dev.tether.internal.cdi.ConnectionRegistry;
import dev.tether.testing.QpidBroker;
import dev.tether.testing.TestPki;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tls.* keys through MicroProfile Config: each takes effect, and unusable stores fail the deployment. */
class TlsConfigurationTest {

    @TempDir
    static Path dir;

    private static TestPki pki;

    @BeforeAll
    static void createPki() {
        pki = TestPki.create(dir);
    }

    @Test
    void trustStoreKeyStoreTypesAndProtocolsFromConfigurationConnectOverMutualTls() throws Exception {
        try (QpidBroker broker = QpidBroker.startTls(new QpidBroker.Tls(pki.broker(), pki.password(), pki.caTrust()))) {
            Map<String, String> properties = new HashMap<>();
            properties.put("tether.uri", broker.uri());
            properties.put("tether.tls.trust-store", pki.caTrust().toString());
            properties.put("tether.tls.trust-store-password", pki.password());
            properties.put("tether.tls.trust-store-type", "pkcs12");
            properties.put("tether.tls.key-store", pki.client().toString());
            properties.put("tether.tls.key-store-password", pki.password());
            properties.put("tether.tls.key-store-type", "PKCS12");
            properties.put("tether.tls.protocols", "TLSv1.3, TLSv1.2");
            properties.put("tether.old.tls.protocols", "TLSv1.1");
            try (var config = TetherCdi.config(properties);
                    WeldContainer container = TetherCdi.weld(EventLog.class).initialize()) {
                ConnectionRegistry registry = container.select(ConnectionRegistry.class).get();
                PersistentConnection holder = registry.holder("default");
                assertTrue(holder.await(Duration.ofSeconds(10)).isOpen(), "mutual TLS with the configured stores");
                assertEquals(List.of("TLSv1.3", "TLSv1.2"), holder.settings().tlsOptions().protocols());
                assertEquals("PKCS12", holder.settings().tlsOptions().trustStoreType());

                ConnectFailed old = container.select(EventLog.class).get().await("old", ConnectFailed.class, 1);
                assertEquals(FailureKind.TLS, old.kind(), "TLSv1.1 only: no protocol in common");
            }
        }
    }

    @Test
    void unusableStoresFailTheDeploymentNamingTheKeyAndNeverThePassword() throws java.io.IOException {
        String secret = "Wr0ng-St0re-Pass";
        assertDeploymentFails(Map.of("tether.x.uri", "amqps://h", "tether.x.tls.trust-store", dir.resolve("none.p12")
                .toString()), "'tether.x.tls.trust-store' cannot read", secret);
        assertDeploymentFails(Map.of("tether.x.uri", "amqps://h", "tether.x.tls.trust-store", pki.caTrust().toString(),
                "tether.x.tls.trust-store-password", secret), "'tether.x.tls.trust-store-password' does not open", secret);
        assertDeploymentFails(Map.of("tether.x.uri", "amqps://h", "tether.x.tls.key-store", pki.client().toString(),
                "tether.x.tls.key-store-password", secret), "'tether.x.tls.key-store-password' does not open", secret);
        Path notAStore = dir.resolve("not-a-store.p12");
        java.nio.file.Files.writeString(notAStore, "-----BEGIN CERTIFICATE-----\n");
        assertDeploymentFails(Map.of("tether.x.uri", "amqps://h", "tether.x.tls.trust-store", notAStore.toString()),
                "'tether.x.tls.trust-store' '" + notAStore + "' is not a readable PKCS12 store", secret);
        assertDeploymentFails(Map.of("tether.x.uri", "amqps://h", "tether.x.tls.trust-store-type", "PEM"),
                "'tether.x.tls.trust-store-type' 'PEM' is not PKCS12 or JKS", secret);
        assertDeploymentFails(Map.of("tether.x.uri", "amqp://h", "tether.x.tls.trust-store", pki.caTrust().toString()),
                "'tether.x.tls.trust-store' is set but the connection does not use TLS", secret);
        assertDeploymentFails(Map.of("tether.x.uri", "amqps://h", "tether.x.tls.protocols", " , "),
                "'tether.x.tls.protocols' must name at least one protocol", secret);
    }

    private static void assertDeploymentFails(Map<String, String> properties, String expected, String secret) {
        try (var config = TetherCdi.config(properties)) {
            RuntimeException failure = assertThrows(RuntimeException.class,
                    () -> TetherCdi.weld(EventLog.class).initialize().close());
            String message = String.valueOf(failure.getMessage());
            assertTrue(message.contains(expected), message);
            assertFalse(message.contains(secret), message);
        }
    }
}
