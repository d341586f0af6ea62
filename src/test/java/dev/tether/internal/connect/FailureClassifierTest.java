package dev.tether.internal.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.MissedHeartbeatException;
import com.rabbitmq.client.PossibleAuthenticationFailureException;
import com.rabbitmq.client.ShutdownSignalException;
import dev.tether.FailureKind;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class FailureClassifierTest {

    @Test
    void a405ChannelCloseAnywhereInTheChainIsResourceLockedAndNothingElseIs() {
        ShutdownSignalException locked = new ShutdownSignalException(false, false, new AMQP.Channel.Close.Builder()
                .replyCode(405).replyText("RESOURCE_LOCKED - cannot obtain exclusive access to locked queue 'q' in vhost '/'")
                .classId(50).methodId(10).build(), null);
        assertTrue(FailureClassifier.resourceLocked(locked));
        assertTrue(FailureClassifier.resourceLocked(new IOException(locked)), "as queueDeclare throws it");
        assertTrue(FailureClassifier.resourceLocked(new IllegalStateException("declare", new IOException(locked))));
        ShutdownSignalException notFound = new ShutdownSignalException(false, false, new AMQP.Channel.Close.Builder()
                .replyCode(404).replyText("NOT_FOUND - no queue 'q'").classId(50).methodId(10).build(), null);
        assertFalse(FailureClassifier.resourceLocked(new IOException(notFound)));
        assertFalse(FailureClassifier.resourceLocked(new IllegalStateException("boom")));
    }

    @Test
    void aRefusedDeprecatedFeatureIsMisconfigurationWhereverTheBrokerSaysSo() {
        // RabbitMQ 4.0 with deprecated_features.permit.transient_nonexcl_queues = false (4.3's default)
        ShutdownSignalException queue = close(541,
                "INTERNAL_ERROR - Feature `transient_nonexcl_queues` is deprecated.\nIts use is not permitted per the"
                        + " configuration (overriding the default, which is permitted):\n"
                        + "    \"deprecated_features.permit.transient_nonexcl_queues = false\"", 50, 10);
        assertEquals(FailureKind.DEPRECATED_FEATURE, FailureClassifier.ofListener(new IOException(queue)),
                "a Connected listener's queueDeclare, which the whole connection's close fails");
        assertEquals(FailureKind.DEPRECATED_FEATURE, FailureClassifier.classify(new IOException(queue)),
                "a connection the broker closed at once");
        assertTrue(FailureKind.DEPRECATED_FEATURE.misconfiguration());
        ShutdownSignalException qos = new ShutdownSignalException(false, false, new AMQP.Channel.Close.Builder()
                .replyCode(540).replyText("NOT_IMPLEMENTED - Feature global_qos is deprecated.")
                .classId(60).methodId(10).build(), null);
        assertEquals(FailureKind.DEPRECATED_FEATURE, FailureClassifier.ofListener(new IllegalStateException(qos)));
        assertEquals("global_qos", FailureClassifier.deprecatedFeature(new IOException(qos)));
        assertEquals(FailureKind.HANDSHAKE_FAILED, FailureClassifier.classify(new IOException(closeWith(541))),
                "another 541 stays transient");
        assertEquals(FailureKind.APPLICATION, FailureClassifier.ofListener(new IOException(closeWith(541))));
    }

    @Test
    void aRefusedDeprecatedFeatureIsExplainedWithWhatToDoInstead() {
        IOException queue = new IOException(close(541, "INTERNAL_ERROR - Feature transient_nonexcl_queues is deprecated.",
                50, 10));
        Throwable explained = FailureClassifier.explained(queue, FailureKind.DEPRECATED_FEATURE);
        assertTrue(explained.getMessage().contains("transient_nonexcl_queues"), explained.getMessage());
        assertTrue(explained.getMessage().contains("durable or exclusive"), explained.getMessage());
        assertFalse(FailureClassifier.explained(new IOException(close(541, "INTERNAL_ERROR - Feature `global_qos` is"
                + " deprecated.\nIts use is not permitted", 60, 10)), FailureKind.DEPRECATED_FEATURE).getMessage()
                .contains("\n"), "one line: the broker's first");
        assertEquals(queue, explained.getCause(), "the broker's reply stays the cause");
        assertTrue(FailureClassifier.insteadOf("global_qos").contains("basicQos(n, false)"));
        assertTrue(FailureClassifier.insteadOf("ram_node_type").contains("deprecated_features.permit.ram_node_type"));
        IOException other = new IOException("reset");
        assertEquals(other, FailureClassifier.explained(other, FailureKind.HANDSHAKE_FAILED));
    }

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
        assertEquals(FailureKind.VIRTUAL_HOST,
                FailureClassifier.classify(new IOException(openRefused(530, "NOT_ALLOWED - vhost nosuch not found"))));
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

    // The reply texts below are RabbitMQ 3.10.8's, as a private node sent them (see BrokerRefusalsIT).

    @Test
    void aVirtualHostConnectionLimitIsCapacityNotMisconfiguration() {
        FailureKind kind = FailureClassifier.classify(new IOException(openRefused(530,
                "NOT_ALLOWED - access to vhost '/' refused for user 'guest': connection limit (0) is reached")));
        assertEquals(FailureKind.CAPACITY, kind);
        assertFalse(kind.misconfiguration());
    }

    @Test
    void aUserOrNodeConnectionLimitIsCapacity() {
        assertEquals(FailureKind.CAPACITY, FailureClassifier.classify(new IOException(openRefused(530,
                "NOT_ALLOWED - connection refused for user 'guest': user connection limit (0) is reached"))));
        assertEquals(FailureKind.CAPACITY, FailureClassifier.classify(new IOException(openRefused(530,
                "NOT_ALLOWED - connection refused: node connection limit (10) is reached"))));
        assertEquals(FailureKind.CAPACITY, FailureClassifier.classify(new IOException(openRefused(530,
                "NOT_ALLOWED - access to vhost '/' refused for user 'guest': "
                        + "connection limit cannot be queried, timeout"))));
    }

    @Test
    void channelLimitsAreCapacityThoughTheReplyNamesNoMethod() {
        assertEquals(FailureKind.CAPACITY, FailureClassifier.classify(new IOException(close(530,
                "NOT_ALLOWED - number of channels opened for user 'guest' has reached "
                        + "the maximum allowed user limit of (0)", 0, 0))));
        assertEquals(FailureKind.CAPACITY, FailureClassifier.classify(new IOException(close(530,
                "NOT_ALLOWED - number of channels opened (2047) has reached the negotiated channel_max (2047)",
                0, 0))));
    }

    @Test
    void qpidsConnectionLimitIsCapacity() {
        assertEquals(FailureKind.CAPACITY,
                FailureClassifier.classify(new IOException(openRefused(506, "User connection limit exceeded"))));
    }

    @Test
    void aVirtualHostThatIsDownIsTransient() {
        FailureKind kind = FailureClassifier.classify(new IOException(openRefused(541,
                "INTERNAL_ERROR - access to vhost 'orders' refused for user 'guest': vhost 'orders' is down")));
        assertEquals(FailureKind.HANDSHAKE_FAILED, kind);
        assertFalse(kind.misconfiguration());
    }

    @Test
    void aForcedCloseAnsweringConnectionOpenIsTransient() {
        assertEquals(FailureKind.HANDSHAKE_FAILED, FailureClassifier.classify(
                new IOException(openRefused(320, "Virtual host 'orders' is not active")))); // Qpid, vhost stopped
    }

    @Test
    void aPossibleAuthenticationFailureCausedByTheNodeShuttingDownIsTransient() {
        ShutdownSignalException forced =
                close(320, "CONNECTION_FORCED - broker forced connection closure with reason 'shutdown'", 0, 0);
        assertEquals(FailureKind.HANDSHAKE_FAILED,
                FailureClassifier.classify(new PossibleAuthenticationFailureException(forced)));
    }

    @Test
    void aPossibleAuthenticationFailureCausedByTheEndOfTheStreamIsTransient() {
        assertEquals(FailureKind.HANDSHAKE_FAILED, FailureClassifier.classify(
                new PossibleAuthenticationFailureException(lostWith(new java.io.EOFException()))));
        assertEquals(FailureKind.HANDSHAKE_FAILED, FailureClassifier.classify(
                new PossibleAuthenticationFailureException(lostWith(new SocketException("Connection reset")))));
        assertEquals(FailureKind.HANDSHAKE_FAILED, FailureClassifier.classify(
                new PossibleAuthenticationFailureException(lostWith(new SocketException("Socket closed")))));
        assertEquals(FailureKind.TIMED_OUT, FailureClassifier.classify(new PossibleAuthenticationFailureException(
                lostWith(new MissedHeartbeatException("Heartbeat missing with heartbeat = 60 seconds")))));
    }

    @Test
    void aPossibleAuthenticationFailureWithAnotherReplyOrNoExplanationIsStillAuthentication() {
        // Qpid answers a wrong password with 530 "Authentication failed" during the handshake.
        ShutdownSignalException qpid = close(530, "Authentication failed", 0, 0);
        qpid.initCause(new java.io.EOFException());
        assertEquals(FailureKind.AUTHENTICATION,
                FailureClassifier.classify(new PossibleAuthenticationFailureException(qpid)));
        assertEquals(FailureKind.AUTHENTICATION,
                FailureClassifier.classify(new PossibleAuthenticationFailureException(lostWith(null))));
        // ...and the same exception ended by a forced close is not: the distinction is the cause.
        assertEquals(FailureKind.HANDSHAKE_FAILED, FailureClassifier.classify(
                new PossibleAuthenticationFailureException(close(320, "CONNECTION_FORCED - shutdown", 0, 0))));
    }

    @Test
    void anUnknownOrForbiddenVirtualHostIsMisconfigurationUnlikeALimitWithTheSameCode() {
        assertEquals(FailureKind.VIRTUAL_HOST, FailureClassifier.classify(
                new IOException(openRefused(530, "NOT_ALLOWED - vhost nosuch not found"))));
        assertEquals(FailureKind.VIRTUAL_HOST, FailureClassifier.classify(
                new IOException(openRefused(530, "NOT_ALLOWED - access to vhost '/' refused for user 'noperm'"))));
        assertEquals(FailureKind.VIRTUAL_HOST, FailureClassifier.classify(new IOException(
                close(530, "NOT_ALLOWED - access to vhost '/' refused for user 'noperm'", 0, 0))));
        assertEquals(FailureKind.VIRTUAL_HOST, FailureClassifier.classify(
                new IOException(openRefused(404, "Unknown virtual host: 'nosuch'")))); // Qpid
        assertEquals(FailureKind.CAPACITY, FailureClassifier.classify(new IOException(openRefused(530,
                "NOT_ALLOWED - access to vhost '/' refused for user 'guest': connection limit (0) is reached"))));
    }

    @Test
    void anUnexplained530OutsideConnectionOpenIsTransient() {
        assertEquals(FailureKind.HANDSHAKE_FAILED, FailureClassifier.classify(new IOException(closeWith(530))));
    }

    private static ShutdownSignalException closeWith(int code) {
        return close(code, "text", 0, 0);
    }

    /** A broker's answer to {@code connection.open} (class 10, method 40), as RabbitMQ and Qpid send it. */
    private static ShutdownSignalException openRefused(int code, String text) {
        return close(code, text, 10, 40);
    }

    private static ShutdownSignalException close(int code, String text, int classId, int methodId) {
        AMQP.Connection.Close close = new AMQP.Connection.Close.Builder().replyCode(code).replyText(text)
                .classId(classId).methodId(methodId).build();
        return new ShutdownSignalException(true, false, close, null);
    }

    /** What the client's reading thread reports when the stream ends: a hard error without a reply. */
    private static ShutdownSignalException lostWith(Throwable cause) {
        ShutdownSignalException lost = new ShutdownSignalException(true, false, null, null);
        if (cause != null) {
            lost.initCause(cause);
        }
        return lost;
    }
}
