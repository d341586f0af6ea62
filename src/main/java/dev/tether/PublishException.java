package dev.tether;

import java.io.IOException;

/**
 * A publish that the broker did not confirm. {@link #reason()} says what happened and so what the
 * caller may do: Tether's publishing is at-least-once, so a message whose fate is unknown may be
 * published again (and may then arrive twice).
 */
public class PublishException extends IOException {

    private static final long serialVersionUID = 1L;

    /** Why a publish was not confirmed. */
    public enum Reason {
        /** Nothing was sent: no connection within {@code await-timeout}, no confirm channel within
         *  {@code channels.checkout-timeout}, the holder is closed, the broker blocked publishers for longer
         *  than {@code publish.confirm-timeout}, {@code publish.max-outstanding} publishes awaited their confirm
         *  and none settled within {@code publish.confirm-timeout} (at once on the publisher's own thread or the
         *  holder's), the channel closed before the message went out, or the
         *  client could not encode the message (then retrying fails again). The cause says which. */
        NOT_SENT,
        /** The broker answered {@code basic.nack}: it could not take responsibility for the message. */
        NACKED,
        /** A mandatory message could not be routed to any queue ({@code basic.return}, e.g. 312 NO_ROUTE). */
        RETURNED,
        /** No confirm came within {@code publish.confirm-timeout}; the message may still arrive. */
        TIMED_OUT,
        /** The broker closed the channel before the confirm, with a channel error (e.g. 404: no such
         *  exchange), possibly caused by another message on the same channel; the cause has the reply. */
        CHANNEL_CLOSED,
        /** The connection was lost before the confirm; the message may have arrived. */
        CONNECTION_LOST,
        /** The holder was closed (or the application closed the connection or channel) before the
         *  confirm; the message may have arrived. */
        CLOSED
    }

    private final Reason reason;
    private final String connectionName;
    private final String exchange;
    private final String routingKey;
    private final int replyCode;
    private final String replyText;

    /**
     * Creates the exception.
     *
     * @param reason why the publish was not confirmed
     * @param connectionName the connection's name
     * @param message the full message
     * @param cause the underlying failure, or {@code null}
     */
    public PublishException(Reason reason, String connectionName, String message, Throwable cause) {
        this(reason, connectionName, message, cause, null, null, 0, null);
    }

    /**
     * Creates the exception with the publish's target and, for {@link Reason#RETURNED}, the broker's reply.
     *
     * @param reason why the publish was not confirmed
     * @param connectionName the connection's name
     * @param message the full message
     * @param cause the underlying failure, or {@code null}
     * @param exchange the exchange published to, or {@code null} if unknown
     * @param routingKey the routing key published with, or {@code null} if unknown
     * @param replyCode the {@code basic.return}'s reply code (e.g. 312 NO_ROUTE), or 0 if not returned
     * @param replyText the {@code basic.return}'s reply text, or {@code null} if not returned
     */
    public PublishException(Reason reason, String connectionName, String message, Throwable cause,
            String exchange, String routingKey, int replyCode, String replyText) {
        super(message, cause);
        this.reason = reason;
        this.connectionName = connectionName;
        this.exchange = exchange;
        this.routingKey = routingKey;
        this.replyCode = replyCode;
        this.replyText = replyText;
    }

    /** @return why the publish was not confirmed */
    public Reason reason() {
        return reason;
    }

    /** @return the name of the connection published on */
    public String connectionName() {
        return connectionName;
    }

    /** @return the exchange published to ({@code ""}: the default exchange), or {@code null} if unknown */
    public String exchange() {
        return exchange;
    }

    /** @return the routing key published with, or {@code null} if unknown */
    public String routingKey() {
        return routingKey;
    }

    /** @return for {@link Reason#RETURNED}, the broker's reply code (e.g. 312 for NO_ROUTE); else 0 */
    public int replyCode() {
        return replyCode;
    }

    /** @return for {@link Reason#RETURNED}, the broker's reply text (e.g. {@code NO_ROUTE}); else {@code null} */
    public String replyText() {
        return replyText;
    }
}
