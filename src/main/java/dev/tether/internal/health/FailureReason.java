package dev.tether.internal.health;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Address;
import com.rabbitmq.client.ShutdownSignalException;
import dev.tether.FailureKind;
import dev.tether.SubscriptionEvent;
import dev.tether.internal.values.AddressList;
import dev.tether.internal.values.OwnMessage;

/**
 * What readiness data says about a failure, built from fields that cannot hold a secret rather than
 * from masked text: the kind, Tether's own words for it, the broker's reply code (a number), the
 * exception's class, and {@code host:port} of a host that is a plain name or IP literal. An
 * exception's message is shown only when Tether composed it ({@link OwnMessage}): a broker's or
 * the network's free text can carry what a user typed (a user name, a host pasted with its
 * credentials), and masking it afterwards tells a reader what was hidden.
 */
final class FailureReason {

    /** How an address whose host is not a plain name or IP literal (from a resolver) is shown. */
    static final String HIDDEN_HOST = "(not a host name)";

    private FailureReason() {
    }

    /** @return {@code host:port}, the host replaced by {@link #HIDDEN_HOST} unless it is plain */
    static String hostPort(Address address) {
        return (AddressList.isPlainHost(address.getHost()) ? address.getHost() : HIDDEN_HOST) + ":" + address.getPort();
    }

    /**
     * @return for example {@code the broker refused the credentials (reply code 403,
     *     com.rabbitmq.client.AuthenticationFailureException)}, or Tether's own message
     */
    static String of(FailureKind kind, Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof OwnMessage && t.getMessage() != null) {
                return t.getMessage();
            }
        }
        Integer code = replyCode(cause);
        return words(kind) + " (" + (code == null ? "" : "reply code " + code + ", ") + cause.getClass().getName() + ")";
    }

    /**
     * @return why a subscription does not consume, for example {@code QUEUE_NOT_FOUND (attempt 3): a
     *     subscription's queue does not exist (reply code 404, java.io.IOException)} or {@code lost: its
     *     channel was closed (reply code 406, com.rabbitmq.client.ShutdownSignalException)}; never the
     *     broker's text, which names what the application sent
     */
    static String of(SubscriptionEvent problem) {
        if (problem instanceof SubscriptionEvent.Failed failed) {
            return failed.kind() + " (attempt " + failed.attempt() + "): " + of(failed.kind(), failed.cause());
        }
        Throwable cause = problem instanceof SubscriptionEvent.Lost lost ? lost.cause() : null;
        if (cause == null) {
            return "lost: the broker cancelled the consumer (basic.cancel: the queue deleted, or its leader moved)";
        }
        Integer code = replyCode(cause);
        String what = cause instanceof ShutdownSignalException signal && signal.isHardError() ? "the connection"
                : "its channel";
        return "lost: " + what + " was closed (" + (code == null ? "" : "reply code " + code + ", ")
                + cause.getClass().getName() + ")";
    }

    private static Integer replyCode(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof ShutdownSignalException signal) {
                if (signal.getReason() instanceof AMQP.Connection.Close close) {
                    return close.getReplyCode();
                }
                if (signal.getReason() instanceof AMQP.Channel.Close close) {
                    return close.getReplyCode();
                }
            }
        }
        return null;
    }

    private static String words(FailureKind kind) {
        return switch (kind) {
            case REFUSED -> "nothing listens on the broker's port (connection refused)";
            case UNREACHABLE -> "the host cannot be reached or its name resolved";
            case TIMED_OUT -> "no answer within connection-timeout";
            case HANDSHAKE_FAILED -> "the broker or the network ended the handshake";
            case CAPACITY -> "a broker limit is reached";
            case AUTHENTICATION -> "the broker refused the credentials";
            case VIRTUAL_HOST -> "the virtual host does not exist or the user may not access it";
            case TLS -> "TLS failed: certificate not trusted, host name mismatch, or no protocol in common";
            case APPLICATION -> "a Connected listener threw";
            case RESOURCE_LOCKED -> "a Connected listener met an exclusive queue still held by an earlier connection";
            case DEPRECATED_FEATURE -> "the broker refused a deprecated feature (a non-durable, non-exclusive queue, or global QoS)";
            case QUEUE_NOT_FOUND -> "a subscription's queue does not exist";
            case ACCESS_REFUSED -> "the user may not read a subscription's queue";
            case UNKNOWN -> "an unexpected failure";
        };
    }
}
