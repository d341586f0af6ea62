package dev.tether.internal.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Address;
import dev.tether.AddressFailure;
import dev.tether.ConnectionSettings;
import dev.tether.FailureKind;
import dev.tether.testing.FixedRandom;
import dev.tether.testing.QpidBroker;
import dev.tether.testing.TestPki;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS to a host name that resolves to several IP addresses, each tried by IP: the broker's
 * certificate is still verified against the configured name (never against the IP connected to),
 * unless {@code tls.verify-hostname} is off. {@code rabbit.test} resolves to 127.0.0.2 and
 * 127.0.0.3 (nothing listens) and then 127.0.0.1, where the broker listens.
 */
class SeveralIpsTlsTest {

    @TempDir
    static Path dir;

    private static TestPki pki;

    @BeforeAll
    static void createPki() {
        pki = TestPki.create(dir);
    }

    private static AttemptOutcome open(Path brokerKeyStore, boolean verifyHostname) throws Exception {
        try (QpidBroker broker = QpidBroker.startTls(new QpidBroker.Tls(brokerKeyStore, pki.password(), null))) {
            ConnectionSettings settings = ConnectionSettings.builder()
                    .uri("amqps://guest:guest@" + TestPki.MADE_UP_NAME + ":" + broker.port())
                    .trustStore(pki.caTrust().toString(), pki.password()).verifyHostname(verifyHostname)
                    .connectionTimeout(Duration.ofSeconds(5)).build();
            TestHosts hosts = new TestHosts(Map.of(TestPki.MADE_UP_NAME, List.of("127.0.0.2", "127.0.0.3", "127.0.0.1")));
            AttemptOutcome outcome = new ConnectionOpener("test", new Sources(null, null, null), null,
                    new FixedRandom(0.5), () -> false, hosts).open(settings);
            if (outcome instanceof AttemptOutcome.Opened opened) {
                assertTrue(opened.connection().isOpen());
                assertEquals(new Address("127.0.0.1", broker.port()), opened.address());
                opened.connection().close();
            }
            return outcome;
        }
    }

    private static void assertRejectedAsTls(AttemptOutcome outcome) {
        AttemptOutcome.Failed failed = assertInstanceOf(AttemptOutcome.Failed.class, outcome, outcome.toString());
        assertEquals(List.of(FailureKind.REFUSED, FailureKind.REFUSED, FailureKind.TLS),
                failed.each().stream().map(AddressFailure::kind).toList(), failed.each().toString());
        assertEquals(FailureKind.TLS, failed.kind(), "the misconfiguration is the failure reported");
    }

    @Test
    void aCertificateForTheNameIsAcceptedThoughItNamesNoIp() throws Exception {
        assertInstanceOf(AttemptOutcome.Opened.class, open(pki.madeUpNameBroker(), true));
    }

    @Test
    void aCertificateForAnotherNameIsRejected() throws Exception {
        assertRejectedAsTls(open(pki.wrongHostBroker(), true));
    }

    @Test
    void aCertificateForAnotherNameIsRejectedEvenWhenItNamesTheIpConnectedTo() throws Exception {
        assertRejectedAsTls(open(pki.wrongHostIpBroker(), true));
    }

    @Test
    void withHostNameVerificationOffOnlyTheCaIsChecked() throws Exception {
        assertInstanceOf(AttemptOutcome.Opened.class, open(pki.wrongHostBroker(), false));
    }
}
