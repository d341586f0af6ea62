package dev.tether.cdi;

import dev.tether.ConnectionEvent;
import dev.tether.testing.Await;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/** Observes every connection's events (no qualifier), for assertions. */
@ApplicationScoped
public class EventLog {

    private final List<ConnectionEvent> events = new CopyOnWriteArrayList<>();

    void record(@Observes ConnectionEvent event) {
        events.add(event);
    }

    /** @return the events of {@code name} of {@code type}, in order */
    public <T extends ConnectionEvent> List<T> of(String name, Class<T> type) {
        return events.stream().filter(e -> e.connectionName().equals(name)).filter(type::isInstance).map(type::cast)
                .collect(Collectors.toList());
    }

    /** Waits until {@code name} has {@code count} events of {@code type}; returns the last. */
    public <T extends ConnectionEvent> T await(String name, Class<T> type, int count) {
        Await.until(count + " " + type.getSimpleName() + " of '" + name + "' in " + events, Duration.ofSeconds(15),
                () -> of(name, type).size() >= count);
        List<T> found = of(name, type);
        return found.get(found.size() - 1);
    }

    /** @return the names of the event types of {@code name}, in order */
    public List<String> kinds(String name) {
        return events.stream().filter(e -> e.connectionName().equals(name)).map(e -> e.getClass().getSimpleName())
                .collect(Collectors.toList());
    }
}
