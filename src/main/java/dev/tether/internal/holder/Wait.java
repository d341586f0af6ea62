package dev.tether.internal.holder;

import com.rabbitmq.client.Connection;
import dev.tether.ConnectionClosedException;
import dev.tether.internal.values.Durations;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One caller blocked until a holder has a connection. Whatever way the wait ends (connection,
 * close, time-out, interrupt), its waiter is removed.
 */
final class Wait {

    private final ConnectionHolder holder;
    private final CompletableFuture<Connection> waiter;

    Wait(ConnectionHolder holder, CompletableFuture<Connection> waiter) {
        this.holder = holder;
        this.waiter = waiter;
    }

    Connection forever() throws InterruptedException, ConnectionClosedException {
        try {
            return waiter.get();
        } catch (ExecutionException e) {
            throw closed();
        } finally {
            waiter.cancel(false);
        }
    }

    Connection atMost(Duration timeout) throws InterruptedException, TimeoutException, ConnectionClosedException {
        try {
            return waiter.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw closed();
        } catch (TimeoutException e) {
            throw new TimeoutException("Connection '" + holder.name() + "' was not available within "
                    + Durations.format(timeout) + holder.status().lastFailed()
                            .map(failure -> "; last failure: " + failure.describe()).orElse(""));
        } finally {
            waiter.cancel(false);
        }
    }

    private ConnectionClosedException closed() {
        return new ConnectionClosedException(holder.name());
    }
}
