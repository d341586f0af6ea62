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
         *  {@code channels.checkout-timeout}, or the holder is closed. The cause says which. Safe to retry. */
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
        /** The connection was lost (or the holder closed) before the confirm; the message may have arrived. */
        CONNECTION_LOST
    }

    private final Reason reason;
    private final String connectionName;

    /**
     * Creates the exception.
     *
     * @param reason why the publish was not confirmed
     * @param connectionName the connection's name
     * @param message the full message
     * @param cause the underlying failure, or {@code null}
     */
    public PublishException(Reason reason, String connectionName, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.connectionName = connectionName;
    }

    /** @return why the publish was not confirmed */
    public Reason reason() {
        return reason;
    }

    /** @return the name of the connection published on */
    public String connectionName() {
        return connectionName;
    }
}
