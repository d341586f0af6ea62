package dev.tether.internal;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.PossibleAuthenticationFailureException;
import com.rabbitmq.client.ShutdownSignalException;
import dev.tether.FailureKind;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;

/** Tells transient connection failures from misconfiguration, by walking the cause chain. */
final class FailureClassifier {

    private static final int ACCESS_REFUSED = AMQP.ACCESS_REFUSED;
    private static final int NOT_ALLOWED = AMQP.NOT_ALLOWED;
    private static final java.util.regex.Pattern REJECTED_CERTIFICATE =
            java.util.regex.Pattern.compile(
                    "bad_certificate|certificate_required|certificate_unknown|unknown_ca|No appropriate protocol");
    /** {@code connection.open}: the broker refused the virtual host (RabbitMQ 530, Qpid 404). */
    private static final int CONNECTION_CLASS = 10;
    private static final int OPEN_METHOD = 40;

    private FailureClassifier() {
    }

    /**
     * Classifies a failure: a misconfiguration anywhere in the cause chain wins, then the first
     * specific transient cause (refused, unreachable, timed out), then a generic handshake failure.
     *
     * @param failure what an attempt threw
     * @return its classification
     */
    static FailureKind classify(Throwable failure) {
        FailureKind specific = null;
        FailureKind generic = null;
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable t = failure; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
            FailureKind kind = classifyOne(t);
            if (kind == null) {
                continue;
            }
            if (kind.misconfiguration()) {
                return kind;
            }
            if (kind == FailureKind.HANDSHAKE_FAILED) {
                generic = generic == null ? kind : generic;
            } else if (specific == null) {
                specific = kind;
            }
        }
        if (specific != null) {
            return specific;
        }
        return generic == null ? FailureKind.UNKNOWN : generic;
    }

    private static FailureKind classifyOne(Throwable t) {
        if (t instanceof AuthenticationFailureException || t instanceof PossibleAuthenticationFailureException) {
            return FailureKind.AUTHENTICATION;
        }
        if (t instanceof CertificateException || t instanceof SSLPeerUnverifiedException) {
            return FailureKind.TLS;
        }
        if (t instanceof SSLHandshakeException && REJECTED_CERTIFICATE.matcher(String.valueOf(t.getMessage())).find()) {
            return FailureKind.TLS; // our client certificate refused, or no protocol in common (tls.protocols)
        }
        if (t instanceof ShutdownSignalException signal && signal.getReason() instanceof AMQP.Connection.Close close) {
            boolean refusedOpen = close.getClassId() == CONNECTION_CLASS && close.getMethodId() == OPEN_METHOD;
            if (refusedOpen || close.getReplyCode() == NOT_ALLOWED) {
                return FailureKind.VIRTUAL_HOST;
            }
            if (close.getReplyCode() == ACCESS_REFUSED) {
                return FailureKind.AUTHENTICATION;
            }
            return FailureKind.HANDSHAKE_FAILED;
        }
        if (t instanceof ConnectException) {
            String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (message.contains("refused")) {
                return FailureKind.REFUSED;
            }
            return message.contains("timed out") ? FailureKind.TIMED_OUT : FailureKind.UNREACHABLE;
        }
        if (t instanceof SocketTimeoutException || t instanceof TimeoutException) {
            return FailureKind.TIMED_OUT;
        }
        if (t instanceof UnknownHostException || t instanceof NoRouteToHostException
                || t instanceof PortUnreachableException) {
            return FailureKind.UNREACHABLE;
        }
        if (t instanceof SSLException || t instanceof java.io.IOException) {
            return FailureKind.HANDSHAKE_FAILED;
        }
        return null;
    }
}
