package dev.tether.e2e;

import java.util.Map;

/** The queue each connection of the application publishes to and reads from. */
final class Queues {

    /** The {@code default} connection's queue, on its broker's virtual host. */
    static final String DEFAULT = "tether.e2e";

    /** The {@code audit} connection's queue, on its own virtual host. */
    static final String AUDIT = "tether.e2e.audit";

    /** Where {@link LastWords} publishes at shutdown, on the {@code default} connection. */
    static final String LAST_WORDS = "tether.e2e.last-words";

    /** Consumed by {@link ConsumedMessages} through the {@code default} connection's {@code Consumers}. */
    static final String CONSUMED = "tether.e2e.consumed";

    /** Connection name to queue. */
    static final Map<String, String> BY_CONNECTION = Map.of("default", DEFAULT, "audit", AUDIT);

    private Queues() {
    }
}
