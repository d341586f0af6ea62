package dev.tether.internal.holder;

import com.rabbitmq.client.Connection;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The callers waiting for the next connection. A waiter removes itself when it completes in any
 * way (released, failed, cancelled, timed out), so a caller that gives up leaves nothing behind.
 */
final class Waiters {

    private final Set<CompletableFuture<Connection>> waiting = ConcurrentHashMap.newKeySet();

    /** @return a new registered waiter */
    CompletableFuture<Connection> register() {
        CompletableFuture<Connection> waiter = new CompletableFuture<>();
        waiting.add(waiter);
        waiter.whenComplete((connection, failure) -> waiting.remove(waiter));
        return waiter;
    }

    /** Completes every waiter with {@code connection}. */
    void release(Connection connection) {
        for (CompletableFuture<Connection> waiter : waiting) {
            waiter.complete(connection);
        }
    }

    /** Fails every waiter with the exception {@code failure} supplies. */
    void failAll(Supplier<? extends Throwable> failure) {
        for (CompletableFuture<Connection> waiter : waiting) {
            waiter.completeExceptionally(failure.get());
        }
    }

    /** @return how many callers wait now */
    int size() {
        return waiting.size();
    }
}
