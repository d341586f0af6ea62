package dev.tether.testing;

import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away PKI for TLS tests, made fresh in a temporary folder: a CA, a broker certificate for
 * {@code localhost} / {@code 127.0.0.1}, one for another host name, a client certificate, and an
 * unrelated CA; and, for a host name that resolves to several IP addresses, a broker certificate
 * naming only {@link #MADE_UP_NAME} and one naming another host and {@code 127.0.0.1}. Every store
 * is PKCS12 with the same password.
 *
 * @param password the stores' password
 * @param caTrust a trust store holding the test CA
 * @param otherCaTrust a trust store holding an unrelated CA
 * @param broker the broker's key store, valid for localhost and 127.0.0.1
 * @param wrongHostBroker a broker key store signed by the CA but valid only for {@code other.example}
 * @param client a client key store signed by the CA (mutual TLS)
 * @param madeUpNameBroker a broker key store signed by the CA, valid only for {@link #MADE_UP_NAME} (no IP address)
 * @param wrongHostIpBroker a broker key store signed by the CA, valid for {@code other.example} and {@code 127.0.0.1}
 */
public record TestPki(String password, Path caTrust, Path otherCaTrust, Path broker, Path wrongHostBroker,
        Path client, Path madeUpNameBroker, Path wrongHostIpBroker) {

    /** A host name no DNS knows; tests resolve it themselves (to loopback addresses). */
    public static final String MADE_UP_NAME = "rabbit.test";

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    /**
     * Creates the PKI.
     *
     * @param dir where to write the stores
     * @return the stores
     */
    public static TestPki create(Path dir) {
        try {
            String password = "test-store-pass";
            KeyPair ca = keyPair();
            X509Certificate caCert = certificate("CN=Tether Test CA", ca, "CN=Tether Test CA", ca.getPrivate(), true,
                    null, null);
            KeyPair other = keyPair();
            X509Certificate otherCert = certificate("CN=Unrelated CA", other, "CN=Unrelated CA", other.getPrivate(),
                    true, null, null);

            TestPki pki = new TestPki(password, dir.resolve("ca-trust.p12"), dir.resolve("other-ca-trust.p12"),
                    dir.resolve("broker.p12"), dir.resolve("wrong-host-broker.p12"), dir.resolve("client.p12"),
                    dir.resolve("made-up-name-broker.p12"), dir.resolve("wrong-host-ip-broker.p12"));
            trustStore(pki.caTrust(), password, caCert);
            trustStore(pki.otherCaTrust(), password, otherCert);
            leaf(pki.broker(), password, "CN=localhost", ca.getPrivate(), caCert, KeyPurposeId.id_kp_serverAuth,
                    new GeneralNames(new GeneralName[] {new GeneralName(GeneralName.dNSName, "localhost"),
                        new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
            leaf(pki.wrongHostBroker(), password, "CN=other.example", ca.getPrivate(), caCert,
                    KeyPurposeId.id_kp_serverAuth,
                    new GeneralNames(new GeneralName(GeneralName.dNSName, "other.example")));
            leaf(pki.madeUpNameBroker(), password, "CN=" + MADE_UP_NAME, ca.getPrivate(), caCert,
                    KeyPurposeId.id_kp_serverAuth, new GeneralNames(new GeneralName(GeneralName.dNSName, MADE_UP_NAME)));
            leaf(pki.wrongHostIpBroker(), password, "CN=other.example", ca.getPrivate(), caCert,
                    KeyPurposeId.id_kp_serverAuth,
                    new GeneralNames(new GeneralName[] {new GeneralName(GeneralName.dNSName, "other.example"),
                        new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
            leaf(pki.client(), password, "CN=tether-client", ca.getPrivate(), caCert, KeyPurposeId.id_kp_clientAuth,
                    null);
            return pki;
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the test PKI", e);
        }
    }

    private static void leaf(Path file, String password, String subject, PrivateKey caKey, X509Certificate caCert,
            KeyPurposeId purpose, GeneralNames names) throws Exception {
        KeyPair pair = keyPair();
        X509Certificate cert = certificate(subject, pair, caCert.getSubjectX500Principal().getName(), caKey, false,
                purpose, names);
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("key", pair.getPrivate(), password.toCharArray(), new X509Certificate[] {cert, caCert});
        write(store, file, password);
    }

    private static void trustStore(Path file, String password, X509Certificate ca) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("ca", ca);
        write(store, file, password);
    }

    private static void write(KeyStore store, Path file, String password) throws Exception {
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, password.toCharArray());
        }
    }

    private static KeyPair keyPair() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        return generator.generateKeyPair();
    }

    private static X509Certificate certificate(String subject, KeyPair pair, String issuer, PrivateKey signer,
            boolean ca, KeyPurposeId purpose, GeneralNames names) throws Exception {
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name(issuer),
                BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(now.minus(Duration.ofDays(1))),
                Date.from(now.plus(Duration.ofDays(2))), new X500Name(subject), pair.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(ca
                ? KeyUsage.keyCertSign | KeyUsage.cRLSign
                : KeyUsage.digitalSignature | KeyUsage.keyAgreement));
        if (purpose != null) {
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
        }
        if (names != null) {
            builder.addExtension(Extension.subjectAlternativeName, false, names);
        }
        return new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
    }

    /** @return the loopback address's literal, as the broker certificate names it */
    public static String loopback() {
        return InetAddress.getLoopbackAddress().getHostAddress();
    }
}
