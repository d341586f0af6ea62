package dev.tether.e2e.it;

import java.time.Duration;

/**
 * One runtime of the matrix, running the test application. Each implementation knows how to
 * start its server from the distribution the build prepared, where the application and the
 * readiness endpoint answer, and how the server is stopped cleanly.
 */
interface AppServer extends AutoCloseable {

    /** How long a server may take to deploy the application on this shared 2-core machine. */
    Duration START_TIMEOUT = Duration.ofSeconds(240);

    /** How long a server may take to shut down after SIGTERM. */
    Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    /** @return the application's base URL (its REST API is under {@code /api}) */
    String appUrl();

    /** @return the readiness endpoint's URL */
    String readinessUrl();

    /** @return the server's JVM */
    ServerProcess process();

    /**
     * Stops the server the way an operator does (SIGTERM to its JVM) and waits for it to exit.
     *
     * @return true when it shut down by itself within {@link #STOP_TIMEOUT}; false when it had to be killed
     */
    default boolean stopCleanly() {
        return process().terminate(STOP_TIMEOUT);
    }

    /** @return the last lines of the server's log, for failure messages */
    default String logTail() {
        return process().tail(60);
    }

    /** Stops the server if it still runs (cleanly, else killed); never throws. */
    @Override
    default void close() {
        if (process().isAlive()) {
            process().terminate(STOP_TIMEOUT);
        }
    }
}
