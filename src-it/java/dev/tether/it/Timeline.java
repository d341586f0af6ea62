package dev.tether.it;

import dev.tether.ConnectionEvent;
import dev.tether.ConnectionListener;
import dev.tether.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Every event of one holder, each with the {@link System#nanoTime()} at which the listener saw it,
 * so that a test measures fault-to-event times on the same clock as the fault it injected.
 *
 * <p>Keeps every event, so also every {@code Connected} event's connection: fine for a test of a
 * few cycles, not for a soak (which counts instead).
 */
final class Timeline implements ConnectionListener {

    /** One event and when the listener saw it. */
    record Entry(ConnectionEvent event, long nanos) {
    }

    private final List<Entry> entries = new ArrayList<>();

    @Override
    public void onEvent(ConnectionEvent event) {
        long now = System.nanoTime();
        synchronized (entries) {
            entries.add(new Entry(event, now));
        }
    }

    /** @return a copy of the entries so far, in the order the listener saw them */
    List<Entry> entries() {
        synchronized (entries) {
            return List.copyOf(entries);
        }
    }

    /** @return the events of this type, in order */
    <T extends ConnectionEvent> List<T> all(Class<T> type) {
        return entries().stream().map(Entry::event).filter(type::isInstance).map(type::cast)
                .collect(Collectors.toList());
    }

    /**
     * Waits until at least {@code count} events of this type were seen.
     *
     * @return the {@code count}-th one (from 1)
     */
    <T extends ConnectionEvent> T await(Class<T> type, int count, Duration timeout) {
        Await.until(count + " " + type.getSimpleName() + " event(s); so far " + this, timeout,
                () -> all(type).size() >= count);
        return all(type).get(count - 1);
    }

    /** @return the event seen right after {@code after}, of any type, or {@code null} */
    ConnectionEvent following(ConnectionEvent after) {
        List<Entry> all = entries();
        for (int i = 0; i < all.size() - 1; i++) {
            if (all.get(i).event() == after) {
                return all.get(i + 1).event();
            }
        }
        return null;
    }

    /** @return the events between {@code from} and {@code to}, both excluded */
    List<ConnectionEvent> between(ConnectionEvent from, ConnectionEvent to) {
        List<ConnectionEvent> inside = new ArrayList<>();
        boolean in = false;
        for (Entry entry : entries()) {
            if (entry.event() == to) {
                break;
            }
            if (in) {
                inside.add(entry.event());
            }
            in |= entry.event() == from;
        }
        return inside;
    }

    /** @return the {@link System#nanoTime()} at which the listener saw this event */
    long nanosOf(ConnectionEvent event) {
        for (Entry entry : entries()) {
            if (entry.event() == event) {
                return entry.nanos();
            }
        }
        throw new IllegalArgumentException("not recorded: " + event);
    }

    /** @return milliseconds from {@code startNanos} ({@link System#nanoTime()}) until the listener saw {@code event} */
    long millisFrom(long startNanos, ConnectionEvent event) {
        return TimeUnit.NANOSECONDS.toMillis(nanosOf(event) - startNanos);
    }

    /** @return milliseconds between when the listener saw {@code from} and {@code to} */
    long millisBetween(ConnectionEvent from, ConnectionEvent to) {
        return TimeUnit.NANOSECONDS.toMillis(nanosOf(to) - nanosOf(from));
    }

    @Override
    public String toString() {
        return entries().stream().map(e -> e.event().toString()).collect(Collectors.joining("\n  ", "[\n  ", "]"));
    }
}
