package dev.tether;

/**
 * Receives every {@link ConnectionEvent} of one {@link PersistentConnection}.
 *
 * <p>Listeners are called one at a time, in the order the events happen, on the holder's own thread
 * (named {@code tether-<name>}). They must not block for long: while a listener runs, the holder
 * neither reconnects nor reports. A listener that throws on a {@link ConnectionEvent.Connected}
 * event rejects that connection: it is closed, a {@link ConnectionEvent.ConnectFailed} with kind
 * {@link FailureKind#APPLICATION} follows (or {@link FailureKind#RESOURCE_LOCKED}, or
 * {@link FailureKind#DEPRECATED_FEATURE} when the broker refused a deprecated feature, retried at
 * {@code backoff.max}), and the holder retries after the backoff. Exceptions
 * thrown for any other event are logged and otherwise ignored.
 *
 * <pre>{@code
 * PersistentConnection holder = PersistentConnection.builder(settings)
 *         .listener(event -> {
 *             if (event instanceof ConnectionEvent.Connected connected) {
 *                 try (Channel channel = connected.connection().createChannel()) {
 *                     channel.queueDeclare("orders", true, false, false, null);
 *                 }
 *             }
 *         })
 *         .build();
 * }</pre>
 */
@FunctionalInterface
public interface ConnectionListener {

    /**
     * Called for each event.
     *
     * @param event the event, never {@code null}
     * @throws Exception only meaningful for {@link ConnectionEvent.Connected}, where it rejects the
     *     connection
     */
    void onEvent(ConnectionEvent event) throws Exception;
}
