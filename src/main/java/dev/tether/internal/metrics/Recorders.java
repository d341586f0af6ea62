package dev.tether.internal.metrics;

import dev.tether.ConnectionState;
import java.util.function.Supplier;

/** Creates each holder's {@link Recorder}. */
@FunctionalInterface
public interface Recorders {

    /** Records nothing. */
    Recorders NONE = (name, state) -> Recorder.NONE;

    /**
     * @param connectionName the holder's name
     * @param state the holder's state, read when metrics are collected (any thread)
     * @return the holder's recorder
     */
    Recorder create(String connectionName, Supplier<ConnectionState> state);
}
