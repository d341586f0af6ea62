package dev.tether.internal.cdi;

import dev.tether.ConnectionEvent;
import dev.tether.ConnectionListener;
import dev.tether.Persistent;
import jakarta.enterprise.context.control.RequestContextController;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.inject.Instance;
import java.lang.System.Logger.Level;

/**
 * Fires a holder's events as CDI events qualified {@code @Persistent(name)}: synchronously (an
 * exception from a {@code Connected} observer rejects that connection), then asynchronously.
 * Synchronous observers run with a request context active, as they do on Quarkus: on the Weld
 * runtimes the holder's thread has none, and an observer touching a {@code @RequestScoped} bean
 * would fail there only.
 */
final class CdiEvents implements ConnectionListener {

    private static final System.Logger LOG = System.getLogger(CdiEvents.class.getName());

    private final Event<ConnectionEvent> events;
    private final Instance<RequestContextController> requestContexts;

    CdiEvents(Event<ConnectionEvent> events, Instance<RequestContextController> requestContexts, String name) {
        this.events = events.select(Persistent.Literal.of(name));
        this.requestContexts = requestContexts;
    }

    @Override
    public void onEvent(ConnectionEvent event) {
        fireWithRequestContext(event);
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

    private void fireWithRequestContext(ConnectionEvent event) {
        RequestContextController controller = requestContexts.get();
        try {
            controller.activate(); // false, and left as it is, where one is active already
            try {
                events.fire(event);
            } finally {
                controller.deactivate(); // only what this controller activated
            }
        } finally {
            requestContexts.destroy(controller);
        }
    }
}
