package dev.tether.e2e;

import dev.tether.ConnectionEvent.Connected;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts the {@code Connected} events of every connection (an observer without qualifier sees all names). */
@ApplicationScoped
public class ConnectionCounts {

    private final Map<String, AtomicInteger> connected = new ConcurrentHashMap<>();

    void count(@Observes Connected event) {
        connected.computeIfAbsent(event.connectionName(), name -> new AtomicInteger()).incrementAndGet();
    }

    /**
     * @param name a connection name
     * @return how many connections it has had since the application started
     */
    int connected(String name) {
        AtomicInteger count = connected.get(name);
        return count == null ? 0 : count.get();
    }
}
