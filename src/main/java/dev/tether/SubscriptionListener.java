package dev.tether;

/**
 * Receives the {@link SubscriptionEvent}s of one connection's subscriptions.
 *
 * <pre>{@code
 * PersistentConnection.builder(settings)
 *     .subscriptionListener(event -> log.info(event.toString()))
 *     .build();
 * }</pre>
 *
 * <p>Called on the connection's consumer thread ({@code tether-<name>-consumers}), one event at a
 * time; it must not block for long (while it runs, no subscription is re-established). An exception
 * is logged and otherwise ignored.
 */
@FunctionalInterface
public interface SubscriptionListener {

    /**
     * @param event the event, never {@code null}
     */
    void onEvent(SubscriptionEvent event);
}
