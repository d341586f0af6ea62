package dev.tether.internal.connect;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.MissedHeartbeatException;
import com.rabbitmq.client.PossibleAuthenticationFailureException;
import com.rabbitmq.client.ShutdownSignalException;
import dev.tether.FailureKind;
import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Tells transient connection failures from misconfiguration, by walking the cause chain.
 *
 * <p>Broker replies ({@code connection.close}) are told apart by reply code, and where one code
 * covers both a limit and a refusal (RabbitMQ's 530 NOT_ALLOWED), by reply text. The texts are
 * RabbitMQ's ({@code rabbit_reader}, {@code rabbit_access_control}, 3.10 to 4.x):
 * <ul>
 * <li>530 {@code access to vhost 'v' refused for user 'u': connection limit (n) is reached},
 *     {@code connection refused for user 'u': user connection limit (n) is reached},
 *     {@code ... node connection limit (n) is reached}, {@code ... connection limit cannot be
 *     queried, timeout}, {@code number of channels opened ... has reached the negotiated
 *     channel_max (n)} / {@code ... the maximum allowed (user) limit of (n)}: {@link FailureKind#CAPACITY};
 * <li>530 {@code vhost v not found}, {@code access to vhost 'v' refused for user 'u'} (no
 *     permission), and any other 530 answering {@code connection.open}: {@link FailureKind#VIRTUAL_HOST};
 * <li>541 {@code access to vhost 'v' refused for user 'u': vhost 'v' is down}, and 320
 *     CONNECTION_FORCED: transient ({@link FailureKind#HANDSHAKE_FAILED}).
 * </ul>
 */
public final class FailureClassifier {

    private static final Pattern REJECTED_CERTIFICATE = Pattern.compile(
            "bad_certificate|certificate_required|certificate_unknown|unknown_ca|No appropriate protocol");
    /** A broker limit in a 530 reply: connections of a vhost, user or node; channels of a connection or user. */
    private static final Pattern LIMIT_REACHED =
            Pattern.compile("connection limit|number of channels opened", Pattern.CASE_INSENSITIVE);
    /** RabbitMQ's refusal of a virtual host, wherever a broker reports it without the method. */
    private static final Pattern VHOST_REFUSED = Pattern.compile(
            "vhost .* not found|access to vhost .* refused for user", Pattern.CASE_INSENSITIVE);
    /** {@code connection.open}: the broker refused the virtual host (RabbitMQ 530, Qpid 404). */
    private static final int CONNECTION_CLASS = 10;
    private static final int OPEN_METHOD = 40;

    private FailureClassifier() {
    }

    /**
     * Classifies a failure: a misconfiguration anywhere in the cause chain wins, then the first
     * specific transient cause (refused, unreachable, timed out, capacity), then a generic
     * handshake failure.
     *
     * <p>A {@link PossibleAuthenticationFailureException} (the broker ended the connection after
     * the client's credentials) counts as {@link FailureKind#AUTHENTICATION} unless its causes
     * explain it otherwise: a 320 CONNECTION_FORCED (node shutting down), or an end of stream
     * (end of file, reset or closed socket, missed heartbeats), with no other broker reply.
     *
     * @param failure what an attempt threw
     * @return its classification
     */
    public static FailureKind classify(Throwable failure) {
        List<Throwable> chain = chain(failure);
        FailureKind specific = null;
        FailureKind generic = null;
        for (int i = 0; i < chain.size(); i++) {
            Throwable t = chain.get(i);
            FailureKind kind = t instanceof PossibleAuthenticationFailureException
                    ? (endedByTransientCause(chain.subList(i + 1, chain.size())) ? null : FailureKind.AUTHENTICATION)
                    : classifyOne(t);
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

    /**
     * Whether a {@code Connected} listener's failure is a channel closed with {@code 405
     * RESOURCE_LOCKED} (an exclusive queue held by another connection), anywhere in the cause chain.
     *
     * @param failure what the listener threw
     * @return true for a 405 channel close
     */
    static boolean resourceLocked(Throwable failure) {
        for (Throwable t : chain(failure)) {
            if (t instanceof ShutdownSignalException signal && signal.getReason() instanceof AMQP.Channel.Close close
                    && close.getReplyCode() == AMQP.RESOURCE_LOCKED) {
                return true;
            }
        }
        return false;
    }

    /**
     * Classifies a {@code Connected} listener's failure.
     *
     * @param failure what the listener threw
     * @return {@link FailureKind#RESOURCE_LOCKED} when {@link #resourceLocked}, else {@link FailureKind#APPLICATION}
     */
    public static FailureKind ofListener(Throwable failure) {
        return resourceLocked(failure) ? FailureKind.RESOURCE_LOCKED : FailureKind.APPLICATION;
    }

    private static List<Throwable> chain(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable t = failure; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    /** Whether the causes of a possible authentication failure show the broker or network ending it instead. */
    private static boolean endedByTransientCause(List<Throwable> causes) {
        boolean transientEnd = false;
        for (Throwable t : causes) {
            AMQP.Connection.Close close = closeOf(t);
            if (close != null) {
                if (close.getReplyCode() != AMQP.CONNECTION_FORCED) {
                    return false; // another reply (Qpid: 530 "Authentication failed"): the credentials
                }
                transientEnd = true;
            } else if (t instanceof EOFException || t instanceof MissedHeartbeatException
                    || t instanceof SocketException) {
                transientEnd = true;
            }
        }
        return transientEnd;
    }

    private static AMQP.Connection.Close closeOf(Throwable t) {
        return t instanceof ShutdownSignalException signal && signal.getReason() instanceof AMQP.Connection.Close close
                ? close
                : null;
    }

    private static FailureKind classifyOne(Throwable t) {
        if (t instanceof AuthenticationFailureException) {
            return FailureKind.AUTHENTICATION;
        }
        if (t instanceof CertificateException || t instanceof SSLPeerUnverifiedException) {
            return FailureKind.TLS;
        }
        if (t instanceof SSLHandshakeException && REJECTED_CERTIFICATE.matcher(String.valueOf(t.getMessage())).find()) {
            return FailureKind.TLS; // our client certificate refused, or no protocol in common (tls.protocols)
        }
        AMQP.Connection.Close close = closeOf(t);
        if (close != null) {
            return classifyReply(close);
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

    private static FailureKind classifyReply(AMQP.Connection.Close close) {
        int code = close.getReplyCode();
        String text = String.valueOf(close.getReplyText());
        boolean refusedOpen = close.getClassId() == CONNECTION_CLASS && close.getMethodId() == OPEN_METHOD;
        if (code == AMQP.NOT_ALLOWED && LIMIT_REACHED.matcher(text).find() || code == AMQP.RESOURCE_ERROR) {
            return FailureKind.CAPACITY; // RabbitMQ's limits (530); Qpid's user connection limit (506)
        }
        if (code == AMQP.INTERNAL_ERROR || code == AMQP.CONNECTION_FORCED) {
            return FailureKind.HANDSHAKE_FAILED; // vhost down (541), node shutting down or vhost stopping (320)
        }
        boolean vhostCode = code == AMQP.NOT_ALLOWED || code == AMQP.NOT_FOUND || code == AMQP.INVALID_PATH
                || code == AMQP.ACCESS_REFUSED;
        if (refusedOpen && vhostCode || code == AMQP.NOT_ALLOWED && VHOST_REFUSED.matcher(text).find()) {
            return FailureKind.VIRTUAL_HOST; // no such vhost (RabbitMQ 530, Qpid 404), or no permission on it
        }
        if (code == AMQP.ACCESS_REFUSED) {
            return FailureKind.AUTHENTICATION;
        }
        return FailureKind.HANDSHAKE_FAILED;
    }
}
