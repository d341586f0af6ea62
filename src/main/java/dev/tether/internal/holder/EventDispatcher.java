package dev.tether.internal.holder;

import dev.tether.ConnectionEvent;
import dev.tether.ConnectionListener;
import java.lang.System.Logger.Level;
import java.util.List;

/** Delivers a holder's events to its listeners, in order, on the holder's thread. */
final class EventDispatcher {

    private static final System.Logger LOG = System.getLogger(EventDispatcher.class.getName());

    private final List<ConnectionListener> listeners;

    EventDispatcher(List<ConnectionListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    /** Delivers an event; a listener that throws is logged and the others still run. */
    void fire(ConnectionEvent event) {
        for (ConnectionListener listener : listeners) {
            try {
                listener.onEvent(event);
            } catch (OutOfMemoryError e) {
                throw e; // the holder's task guard logs it; the other listeners would fail alike
            } catch (Throwable e) { // a StackOverflowError included: the stack has unwound by now
                LOG.log(Level.WARNING, "Connection ''" + event.connectionName() + "'': a listener threw on "
                        + event.getClass().getSimpleName() + "; the event's other listeners still ran", e);
            }
        }
    }

    /**
     * Delivers a {@code Connected} event; the first listener that throws stops the delivery and
     * rejects the connection.
     *
     * @throws Throwable what the listener threw
     */
    void fireConnected(ConnectionEvent.Connected event) throws Throwable {
        for (ConnectionListener listener : listeners) {
            listener.onEvent(event);
        }
    }
}
