package dev.tether.sample;

import dev.tether.ConnectionEvent;
import dev.tether.SubscriptionEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The most recent connection and subscription events of every connection, for the page. An observer without a
 * {@code @Persistent} qualifier sees the events of all connections. It runs on the holder's
 * thread, so it only appends to a bounded list.
 */
@ApplicationScoped
public class EventLog {

    /** How many events are kept. */
    static final int CAPACITY = 50;

    private final Deque<EventView> events = new ArrayDeque<>(CAPACITY);

    void record(@Observes ConnectionEvent event) {
        keep(EventView.of(event));
    }

    /** Subscription events, on the consumers' thread ({@code tether-<name>-consumers}): appended the same way. */
    void record(@Observes SubscriptionEvent event) {
        keep(EventView.of(event));
    }

    private void keep(EventView view) {
        synchronized (events) {
            if (events.size() == CAPACITY) {
                events.removeFirst();
            }
            events.addLast(view);
        }
    }

    /** @return the kept events, oldest first */
    public List<EventView> recent() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }
}
