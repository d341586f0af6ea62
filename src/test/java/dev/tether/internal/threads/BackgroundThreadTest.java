package dev.tether.internal.threads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.Await;
import dev.tether.testing.LogCapture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

/** {@link BackgroundThread}: one named daemon thread, tasks in order, failures logged, ended when closed. */
class BackgroundThreadTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void tasksRunOneAtATimeInOrderOnOneNamedDaemonThreadThatKnowsItself() throws Exception {
        BackgroundThread background = new BackgroundThread("tether-bt-order");
        try {
            List<String> seen = new CopyOnWriteArrayList<>();
            CompletableFuture<Boolean> isCurrentThere = new CompletableFuture<>();
            for (int i = 0; i < 5; i++) {
                int n = i;
                background.execute(() -> seen.add(n + "@" + Thread.currentThread().getName()
                        + (Thread.currentThread().isDaemon() ? ":daemon" : ":user")));
            }
            background.execute(() -> isCurrentThere.complete(background.isCurrent()));
            assertTrue(isCurrentThere.get(10, TimeUnit.SECONDS));
            assertFalse(background.isCurrent(), "the test's thread is not the background thread");
            assertEquals(List.of("0@tether-bt-order:daemon", "1@tether-bt-order:daemon", "2@tether-bt-order:daemon",
                    "3@tether-bt-order:daemon", "4@tether-bt-order:daemon"), seen);
        } finally {
            background.close();
        }
    }

    @Test
    void aTaskThatThrowsIsLoggedAndLaterTasksStillRun() throws Exception {
        BackgroundThread background = new BackgroundThread("tether-bt-throws");
        try (LogCapture log = LogCapture.of("dev.tether")) {
            background.execute(() -> {
                throw new IllegalStateException("boom in a task");
            });
            CompletableFuture<String> later = new CompletableFuture<>();
            background.execute(() -> later.complete(Thread.currentThread().getName()));
            assertEquals("tether-bt-throws", later.get(10, TimeUnit.SECONDS));
            assertTrue(log.records().stream().anyMatch(r -> r.getLevel() == Level.WARNING
                    && r.getMessage().contains("tether-bt-throws") && r.getThrown() != null
                    && "boom in a task".equals(r.getThrown().getMessage())), log.messages().toString());
        } finally {
            background.close();
        }
    }

    @Test
    void closedTheThreadEndsOnceIdleAndATaskGivenLaterStillRunsOnANewOne() throws Exception {
        BackgroundThread background = new BackgroundThread("tether-bt-close");
        CompletableFuture<Thread> first = new CompletableFuture<>();
        background.execute(() -> first.complete(Thread.currentThread()));
        Thread thread = first.get(10, TimeUnit.SECONDS);
        background.close();
        Await.until("the idle thread to end after close (it would linger a minute otherwise)", WAIT,
                () -> !thread.isAlive());
        CompletableFuture<Thread> later = new CompletableFuture<>();
        background.execute(() -> later.complete(Thread.currentThread()));
        Thread second = later.get(10, TimeUnit.SECONDS);
        assertEquals("tether-bt-close", second.getName());
        Await.until("the second thread to end as well", WAIT, () -> !second.isAlive());
    }

    @Test
    void unclosedTheIdleThreadStaysForTheNextTask() throws Exception {
        BackgroundThread background = new BackgroundThread("tether-bt-stays");
        try {
            CompletableFuture<Thread> first = new CompletableFuture<>();
            background.execute(() -> first.complete(Thread.currentThread()));
            Thread thread = first.get(10, TimeUnit.SECONDS);
            CompletableFuture<Thread> second = new CompletableFuture<>();
            background.execute(() -> second.complete(Thread.currentThread()));
            assertTrue(thread == second.get(10, TimeUnit.SECONDS), "the same thread serves the next task");
        } finally {
            background.close();
        }
    }
}
