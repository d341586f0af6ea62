package dev.tether.internal.threads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The threads Tether creates take nothing from the thread that happened to submit first (a request
 * thread, the client's I/O thread): Tether's class loader as their context class loader, and no
 * inheritable thread locals (an MDC, a security context).
 */
class CleanThreadContextTest {

    private static final InheritableThreadLocal<String> REQUEST = new InheritableThreadLocal<>();

    @Test
    void theHolderThreadHasTethersClassLoaderAndNoInheritedThreadLocals() throws Exception {
        AtomicReference<ExecutorScheduler> scheduler = new AtomicReference<>();
        Object[] onHolderThread = seenOnAThreadStartedFromARequestThread(probe -> {
            ExecutorScheduler created = new ExecutorScheduler("tether-context-test");
            scheduler.set(created);
            created.execute(probe);
        });
        assertNull(onHolderThread[0], "the holder thread inherited the request's thread local");
        assertSame(TetherThreads.class.getClassLoader(), onHolderThread[1], "the holder thread's context loader");
        scheduler.get().shutdown();
        scheduler.get().awaitTermination(Duration.ofSeconds(10));
    }

    @Test
    void theBackgroundThreadThatRunsPublishCompletionsHasTethersClassLoaderAndNoInheritedThreadLocals()
            throws Exception {
        BackgroundThread background = new BackgroundThread("tether-context-test-publish");
        Object[] onBackground = seenOnAThreadStartedFromARequestThread(background::execute); // the first task starts it
        assertNull(onBackground[0], "the background thread inherited the request's thread local");
        assertSame(TetherThreads.class.getClassLoader(), onBackground[1], "the background thread's context loader");
        assertEquals(true, onBackground[2], "a daemon");
        background.close();
    }

    /**
     * On a request thread (an application's class loader, an inheritable thread local set), hands
     * {@code start} a probe to run on a Tether thread it starts from there.
     *
     * @return what the probe saw: the thread local, the context class loader, whether a daemon
     */
    private static Object[] seenOnAThreadStartedFromARequestThread(Consumer<Runnable> start) throws Exception {
        CompletableFuture<Object[]> seen = new CompletableFuture<>();
        Thread request = new Thread(() -> {
            REQUEST.set("user-42-security-context");
            start.accept(() -> seen.complete(new Object[] {
                    REQUEST.get(), Thread.currentThread().getContextClassLoader(), Thread.currentThread().isDaemon()}));
        }, "a request thread");
        request.setContextClassLoader(new URLClassLoader(new URL[0], null));
        request.start();
        return seen.get(10, TimeUnit.SECONDS);
    }
}
