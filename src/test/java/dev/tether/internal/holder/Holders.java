package dev.tether.internal.holder;

import com.rabbitmq.client.AddressResolver;
import dev.tether.ConnectionListener;
import dev.tether.ConnectionSettings;
import dev.tether.internal.connect.Sources;
import dev.tether.internal.threads.ExecutorScheduler;
import dev.tether.internal.threads.ManualScheduler;
import java.time.Clock;
import java.util.List;
import java.util.random.RandomGenerator;

/** Builds holders for tests: in virtual time, or on the real scheduler. */
final class Holders {

    private Holders() {
    }

    /** A holder driven by {@code scheduler}: nothing happens until the test runs its tasks. */
    static ConnectionHolder manual(ConnectionSettings settings, ManualScheduler scheduler, RandomGenerator random,
            AddressResolver resolver, ConnectionListener... listeners) {
        return withSources(settings, scheduler, random, new Sources(resolver, null, null), listeners);
    }

    /** As above, asking {@code sources} for addresses and credentials on every attempt. */
    static ConnectionHolder withSources(ConnectionSettings settings, ManualScheduler scheduler, RandomGenerator random,
            Sources sources, ConnectionListener... listeners) {
        return new ConnectionHolder(settings, sources, List.of(listeners), Instrumentation.NONE, scheduler, scheduler,
                random);
    }

    /** A holder on its own thread and the system clock, as in production, with fixed randomness. */
    static ConnectionHolder real(ConnectionSettings settings, ConnectionListener... listeners) {
        ConnectionHolder holder = new ConnectionHolder(settings, new Sources(null, null, null), List.of(listeners),
                Instrumentation.NONE, Clock.systemUTC(),
                new ExecutorScheduler("tether-" + settings.name()), RandomGenerator.getDefault());
        holder.start();
        return holder;
    }
}
