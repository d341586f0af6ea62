package dev.tether.internal.cdi;

import dev.tether.Persistent;
import dev.tether.SubscriptionEvent;
import dev.tether.SubscriptionListener;
import jakarta.enterprise.event.Event;
import java.lang.System.Logger.Level;

/**
 * Fires a holder's subscription events as CDI events qualified {@code @Persistent(name)},
 * synchronously then asynchronously, from the connection's consumer thread. An observer's exception
 * is logged; it changes nothing for the subscription.
 */
final class CdiSubscriptionEvents implements SubscriptionListener {

    private static final System.Logger LOG = System.getLogger(CdiSubscriptionEvents.class.getName());

    private final Event<SubscriptionEvent> events;

    CdiSubscriptionEvents(Event<SubscriptionEvent> events, String name) {
        this.events = events.select(Persistent.Literal.of(name));
    }

    @Override
    public void onEvent(SubscriptionEvent event) {
        try {
            events.fire(event);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Connection '" + event.connectionName() + "': an observer of " + event + " threw", e);
        }
        try {
            events.fireAsync(event).whenComplete((ignored, failure) -> {
                if (failure != null) {
                    LOG.log(Level.WARNING, "Connection '" + event.connectionName() + "': an @ObservesAsync observer of "
                            + event + " threw", failure);
                }
            });
        } catch (RuntimeException shuttingDown) {
            LOG.log(Level.DEBUG, () -> "Asynchronous delivery of " + event + " refused: " + shuttingDown);
        }
    }
}
