package dev.tether.internal.holder;

import dev.tether.ConnectionEvent;
import dev.tether.ConnectionListener;
import dev.tether.testing.Await;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/** A listener that records every event, for assertions. */
final class Recorder implements ConnectionListener {

    private final List<ConnectionEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void onEvent(ConnectionEvent event) {
        events.add(event);
    }

    List<ConnectionEvent> events() {
        return List.copyOf(events);
    }

    <T extends ConnectionEvent> List<T> all(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).collect(Collectors.toList());
    }

    <T extends ConnectionEvent> T last(Class<T> type) {
        List<T> all = all(type);
        if (all.isEmpty()) {
            throw new AssertionError("no " + type.getSimpleName() + " event in " + names());
        }
        return all.get(all.size() - 1);
    }

    /** Waits until there are {@code count} events of {@code type}; returns the last. */
    <T extends ConnectionEvent> T await(Class<T> type, int count, Duration deadline) {
        Await.until(count + " " + type.getSimpleName() + " events (have " + names() + ")", deadline,
                () -> all(type).size() >= count);
        return last(type);
    }

    /** @return the events' simple type names, in order */
    List<String> names() {
        return events.stream().map(e -> e.getClass().getSimpleName()).collect(Collectors.toList());
    }

    void clear() {
        events.clear();
    }
}
