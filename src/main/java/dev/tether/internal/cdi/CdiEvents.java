package dev.tether.internal.cdi;

import dev.tether.ConnectionEvent;
import dev.tether.ConnectionListener;
import dev.tether.Persistent;
import jakarta.enterprise.event.Event;
import java.lang.System.Logger.Level;

/**
 * Fires a holder's events as CDI events qualified {@code @Persistent(name)}: synchronously (an
 * exception from a {@code Connected} observer rejects that connection), then asynchronously.
 */
final class CdiEvents implements ConnectionListener {

    private static final System.Logger LOG = System.getLogger(CdiEvents.class.getName());

    private final Event<ConnectionEvent> events;

    CdiEvents(Event<ConnectionEvent> events, String name) {
        this.events = events.select(Persistent.Literal.of(name));
    }

    @Override
    public void onEvent(ConnectionEvent event) {
        events.fire(event);
        try {
            events.fireAsync(event).whenComplete((ignored, failure) -> {
                if (failure != null) {
                    LOG.log(Level.WARNING, "Connection ''" + event.connectionName() + "'': an @ObservesAsync observer of "
                            + event.getClass().getSimpleName() + " threw", failure);
                }
            });
        } catch (RuntimeException shuttingDown) {
            LOG.log(Level.DEBUG, () -> "Asynchronous delivery of " + event + " refused: " + shuttingDown);
        }
    }
}
