package dev.tether.internal.connect;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.MissedHeartbeatException;
import com.rabbitmq.client.PossibleAuthenticationFailureException;
import com.rabbitmq.client.ShutdownSignalException;
import dev.tether.FailureKind;
import java.io.EOFException;
import java.io.IOException;
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
import java.util.regex.Matcher;
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
 *     CONNECTION_FORCED: transient ({@link FailureKind#HANDSHAKE_FAILED});
 * <li>any close, of the connection or of a channel, whose text is RabbitMQ's refusal of a
 *     deprecated feature it is set to deny ({@code rabbit_deprecated_features}, 4.x:
 *     {@code 541 INTERNAL_ERROR - Feature `transient_nonexcl_queues` is deprecated.}, then lines
 *     on how it is configured):
 *     {@link FailureKind#DEPRECATED_FEATURE}, whose cause {@link #explained} names the feature and
 *     what to do instead.
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
    /** RabbitMQ 4.x's refusal of a denied deprecated feature; group 1 is the feature's name. */
    private static final Pattern DEPRECATED_FEATURE = Pattern.compile("Feature `?(\\w+)`? is deprecated");
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
        if (deprecatedFeature(failure) != null) {
            return FailureKind.DEPRECATED_FEATURE;
        }
        return resourceLocked(failure) ? FailureKind.RESOURCE_LOCKED : FailureKind.APPLICATION;
    }

    /**
     * The deprecated feature a broker refused, anywhere in the cause chain: a connection or channel
     * close whose text is {@code Feature <name> is deprecated}.
     *
     * @param failure what an attempt or a listener threw
     * @return the feature's name (e.g. {@code transient_nonexcl_queues}), or {@code null}
     */
    static String deprecatedFeature(Throwable failure) {
        String reply = deprecationReply(failure);
        if (reply == null) {
            return null;
        }
        Matcher feature = DEPRECATED_FEATURE.matcher(reply);
        return feature.find() ? feature.group(1) : null;
    }

    /** The text of the first connection or channel close in the chain that refuses a deprecated feature. */
    private static String deprecationReply(Throwable failure) {
        for (Throwable t : chain(failure)) {
            if (t instanceof ShutdownSignalException signal) {
                String text = signal.getReason() instanceof AMQP.Connection.Close close ? close.getReplyText()
                        : signal.getReason() instanceof AMQP.Channel.Close close ? close.getReplyText()
                        : null;
                if (text != null && DEPRECATED_FEATURE.matcher(text).find()) {
                    return text;
                }
            }
        }
        return null;
    }

    /**
     * What to do instead of a deprecated feature RabbitMQ refuses.
     *
     * @param feature the feature's name, as in {@code deprecated_features.permit.<feature>}
     * @return a sentence for the failure's description
     */
    static String insteadOf(String feature) {
        return switch (feature) {
            case "transient_nonexcl_queues" -> "declare the queue durable or exclusive"
                    + " (non-durable, non-exclusive queues are denied by default from RabbitMQ 4.3)";
            case "global_qos" -> "use per-consumer QoS, basicQos(n, false)"
                    + " (global QoS is denied by default from RabbitMQ 4.3)";
            default -> "stop using it (see RabbitMQ's deprecated features), or permit it on the broker with"
                    + " deprecated_features.permit." + feature + " = true";
        };
    }

    /**
     * The cause to report for a failure: for {@link FailureKind#DEPRECATED_FEATURE}, a wrapper whose
     * message names the feature and what to do instead (the broker's reply is its cause); otherwise
     * {@code failure} itself.
     *
     * @param failure what an attempt or a listener threw
     * @param kind its classification
     * @return the cause for the {@code ConnectFailed}
     */
    static Throwable explained(Throwable failure, FailureKind kind) {
        String feature = kind == FailureKind.DEPRECATED_FEATURE ? deprecatedFeature(failure) : null;
        if (feature == null) {
            return failure;
        }
        return new IOException("RabbitMQ refused the deprecated feature " + feature + ": " + insteadOf(feature)
                + ". Broker reply: " + deprecationReply(failure).lines().findFirst().orElse(""), failure);
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
        if (t instanceof SSLException || t instanceof IOException) {
            return FailureKind.HANDSHAKE_FAILED;
        }
        return null;
    }

    private static FailureKind classifyReply(AMQP.Connection.Close close) {
        int code = close.getReplyCode();
        String text = String.valueOf(close.getReplyText());
        if (DEPRECATED_FEATURE.matcher(text).find()) {
            return FailureKind.DEPRECATED_FEATURE; // RabbitMQ 4.x: 541 "Feature `transient_nonexcl_queues` is deprecated."
        }
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
