package dev.tether.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.PossibleAuthenticationFailureException;
import com.rabbitmq.client.ShutdownSignalException;
import dev.tether.FailureKind;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class FailureClassifierTest {

    @Test
    void transientNetworkFailures() {
        assertEquals(FailureKind.REFUSED, FailureClassifier.classify(new ConnectException("Connection refused")));
        assertEquals(FailureKind.TIMED_OUT, FailureClassifier.classify(new SocketTimeoutException("connect timed out")));
        assertEquals(FailureKind.TIMED_OUT, FailureClassifier.classify(new TimeoutException()));
        assertEquals(FailureKind.UNREACHABLE, FailureClassifier.classify(new UnknownHostException("rabbit")));
        assertEquals(FailureKind.UNREACHABLE, FailureClassifier.classify(new ConnectException("Network is unreachable")));
        assertEquals(FailureKind.HANDSHAKE_FAILED, FailureClassifier.classify(new IOException("Connection reset")));
        assertEquals(FailureKind.UNKNOWN, FailureClassifier.classify(new IllegalStateException("?")));
    }

    @Test
    void theMostSpecificCauseInTheChainWins() {
        IOException wrapped = new IOException("handshake", new SocketTimeoutException("Read timed out"));
        assertEquals(FailureKind.TIMED_OUT, FailureClassifier.classify(wrapped));
    }

    @Test
    void credentialsVirtualHostAndCertificatesAreMisconfiguration() {
        assertEquals(FailureKind.AUTHENTICATION,
                FailureClassifier.classify(new AuthenticationFailureException("ACCESS_REFUSED")));
        assertEquals(FailureKind.AUTHENTICATION,
                FailureClassifier.classify(new PossibleAuthenticationFailureException(new IOException())));
        assertEquals(FailureKind.VIRTUAL_HOST, FailureClassifier.classify(new IOException(closeWith(530))));
        assertEquals(FailureKind.AUTHENTICATION, FailureClassifier.classify(new IOException(closeWith(403))));
        assertEquals(FailureKind.HANDSHAKE_FAILED, FailureClassifier.classify(new IOException(closeWith(320))));
        SSLHandshakeException untrusted = new SSLHandshakeException("PKIX path building failed");
        untrusted.initCause(new CertificateException("unable to find valid certification path"));
        assertEquals(FailureKind.TLS, FailureClassifier.classify(untrusted));
        assertEquals(FailureKind.HANDSHAKE_FAILED,
                FailureClassifier.classify(new SSLHandshakeException("Remote host terminated the handshake")));
        assertTrue(FailureKind.TLS.misconfiguration());
        assertFalse(FailureKind.REFUSED.misconfiguration());
        assertFalse(FailureKind.APPLICATION.misconfiguration());
    }

    private static ShutdownSignalException closeWith(int code) {
        AMQP.Connection.Close close = new AMQP.Connection.Close.Builder().replyCode(code).replyText("text").build();
        return new ShutdownSignalException(true, false, close, null);
    }
}
