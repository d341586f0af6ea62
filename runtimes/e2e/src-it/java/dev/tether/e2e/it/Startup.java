package dev.tether.e2e.it;

import dev.tether.testing.Await;
import java.time.Duration;
import java.util.function.Supplier;

/** Waits for a starting server to answer the application, failing early when it died or gave up. */
final class Startup {

    /** After the server reports its boot finished, how long the application may still take to answer. */
    private static final Duration AFTER_BOOT = Duration.ofSeconds(10);

    private Startup() {
    }

    /**
     * Polls the application's {@code /api/status} until it answers 200.
     *
     * @param server the starting server
     * @param process its process
     * @param bootFailure returns why the deployment failed, or {@code null} while nothing says so
     * @param bootFinished whether the server says its boot is over (with or without the application)
     * @throws AssertionError naming the cause, with the server's log, when the application does not answer
     */
    static void awaitApplication(AppServer server, ServerProcess process, Supplier<String> bootFailure,
            Supplier<Boolean> bootFinished) {
        long[] bootSeen = {0};
        try {
            Await.slowly("the application to answer " + server.appUrl() + "/api/status", AppServer.START_TIMEOUT, () -> {
                if (Http.get(server.appUrl() + "/api/status").status() == 200) {
                    return true;
                }
                if (!process.isAlive()) {
                    throw new AssertionError(process + " exited while starting");
                }
                String failure = bootFailure.get();
                if (failure != null) {
                    throw new AssertionError("the deployment failed: " + failure);
                }
                if (bootFinished.get()) {
                    if (bootSeen[0] == 0) {
                        bootSeen[0] = System.nanoTime();
                    } else if (System.nanoTime() - bootSeen[0] > AFTER_BOOT.toNanos()) {
                        throw new AssertionError("the server finished booting, but the application does not answer");
                    }
                }
                return false;
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + server.logTail(), e);
        }
    }
}
