package dev.tether.bench;

import dev.tether.ConnectionEvent;
import dev.tether.ConnectionSettings;
import dev.tether.PersistentConnection;
import dev.tether.testing.FaultProxy;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Part 3: many threads blocked in {@code await()} are released when the connection is established.
 *
 * <p>The holder connects through the project's fault proxy ({@code dev.tether.testing.FaultProxy})
 * to the broker. The proxy refuses connections while the waiters gather, then lets the holder's
 * next attempt through. A {@code Connected} listener records the instant; each waiter records when
 * {@code await()} returned to it. Virtual threads on Java 21 and later (started by reflection, so
 * this compiles for Java 17), platform threads otherwise.
 *
 * <p>The peer is the floor of any such design: the same number of threads, each blocked in
 * {@code CompletableFuture.get()} on a future of its own, completed in a loop by one thread (what
 * a hand-written holder would do), timed from the start of that loop.
 *
 * <p>Also a main: {@code WaitersBench <broker port> <result file>} runs it in another JVM (the
 * driver uses that for the virtual-thread variant on a newer JDK) and writes the result as one line.
 */
final class WaitersBench {

    static final int COUNT = 10_000;
    private static final long PLATFORM_STACK = 256 * 1024;

    /** Waiting threads, wake latencies pooled over the rounds, in milliseconds. */
    record Result(String threads, int count, int rounds, Stats tether, Stats baseline, double spreadMillis, String jvm,
            String perRound) {

        String line() {
            return String.join(",", threads, Integer.toString(count), Integer.toString(rounds), stats(tether),
                    stats(baseline), num(spreadMillis), jvm, perRound);
        }

        static Result parse(String line) {
            String[] f = line.strip().split(",", 16);
            return new Result(f[0], Integer.parseInt(f[1]), Integer.parseInt(f[2]), stats(f, 3), stats(f, 8),
                    Double.parseDouble(f[13]), f[14], f[15]);
        }

        private static String stats(Stats s) {
            return String.join(",", Integer.toString(s.count()), num(s.median()), num(s.p90()), num(s.p99()), num(s.max()));
        }

        private static Stats stats(String[] f, int from) {
            return new Stats(Integer.parseInt(f[from]), Double.NaN, Double.parseDouble(f[from + 1]),
                    Double.parseDouble(f[from + 2]), Double.parseDouble(f[from + 3]), Double.parseDouble(f[from + 4]));
        }

        private static String num(double v) {
            return String.format(Locale.ROOT, "%.4f", v);
        }
    }

    private WaitersBench() {
    }

    public static void main(String[] args) throws Exception {
        Result result = run(Integer.parseInt(args[0]), COUNT, Integer.parseInt(args[2]));
        Files.writeString(Path.of(args[1]), result.line() + "\n", StandardCharsets.UTF_8);
    }

    static boolean virtualThreadsAvailable() {
        return Runtime.version().feature() >= 21;
    }

    static Result run(int brokerPort, int count, int rounds) throws Exception {
        boolean virtual = virtualThreadsAvailable();
        String kind = virtual ? "virtual" : "platform";
        String jvm = "Java " + Runtime.version().feature();
        List<Double> tether = new ArrayList<>();
        List<Double> baseline = new ArrayList<>();
        double spread = 0;
        List<String> tetherP99 = new ArrayList<>();
        List<String> baselineP99 = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            // Alternate which goes first: the first round of a JVM also pays for compiling the wake path.
            boolean tetherFirst = round % 2 == 1;
            BenchMain.say("waiters round " + round + "/" + rounds + ": " + count + " " + kind + " threads in await() ("
                    + jvm + "), " + (tetherFirst ? "Tether first" : "CompletableFuture loop first"));
            double[] b = tetherFirst ? null : baselineRound(count, virtual);
            double[] t = tetherRound(brokerPort, count, virtual);
            if (tetherFirst) {
                b = baselineRound(count, virtual);
            }
            for (int i = 0; i < count; i++) {
                tether.add(t[i]);
                baseline.add(b[i]);
            }
            Stats ts = Stats.of(t);
            spread = Math.max(spread, ts.max() - ts.min());
            Stats bs = Stats.of(b);
            tetherP99.add(Report.fmt(ts.p99()));
            baselineP99.add(Report.fmt(bs.p99()));
            BenchMain.say(String.format(Locale.ROOT, "waiters round %d (%s, %s): Tether p50 %.1f p99 %.1f max %.1f ms;"
                    + " CompletableFuture loop p50 %.1f p99 %.1f max %.1f ms", round, kind, jvm, ts.median(), ts.p99(),
                    ts.max(), bs.median(), bs.p99(), bs.max()));
        }
        return new Result(kind, count, rounds, Stats.of(tether), Stats.of(baseline), spread, jvm,
                "p99 by round " + String.join(" / ", tetherP99) + " (peer " + String.join(" / ", baselineP99) + ")");
    }

    /** Wake time of each waiter minus the Connected listener's instant, in milliseconds. */
    private static double[] tetherRound(int brokerPort, int count, boolean virtual) throws Exception {
        try (FaultProxy proxy = FaultProxy.start(brokerPort)) {
            proxy.refuse(true);
            long[] connectedAt = new long[1];
            CountDownLatch connected = new CountDownLatch(1);
            PersistentConnection holder = PersistentConnection.builder(
                            ConnectionSettings.builder("bench-waiters").uri(proxy.uri()).build())
                    .listener(event -> {
                        if (event instanceof ConnectionEvent.Connected) {
                            connectedAt[0] = System.nanoTime();
                            connected.countDown();
                        }
                    })
                    .build();
            try {
                long[] woke = gather(count, virtual, holder::await, () -> proxy.refuse(false));
                connected.await();
                return since(woke, connectedAt[0]);
            } finally {
                holder.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Wake time of each waiter minus the start of the completing loop, in milliseconds. */
    private static double[] baselineRound(int count, boolean virtual) throws Exception {
        Set<CompletableFuture<Object>> waiting = ConcurrentHashMap.newKeySet();
        long[] start = new long[1];
        long[] woke = gather(count, virtual, () -> {
            CompletableFuture<Object> future = new CompletableFuture<>();
            waiting.add(future);
            future.whenComplete((value, failure) -> waiting.remove(future));
            return future.get();
        }, () -> {
            start[0] = System.nanoTime();
            for (CompletableFuture<Object> future : waiting) {
                future.complete(Boolean.TRUE);
            }
        });
        return since(woke, start[0]);
    }

    interface Blocking {
        Object call() throws Exception;
    }

    interface Release {
        void run() throws Exception;
    }

    /**
     * Starts {@code count} threads blocked in {@code wait}, waits until all are parked, runs
     * {@code release}, and returns when each woke (nanoTime).
     */
    private static long[] gather(int count, boolean virtual, Blocking wait, Release release) throws Exception {
        MethodHandle startVirtual = virtual ? MethodHandles.publicLookup().findStatic(Thread.class,
                "startVirtualThread", MethodType.methodType(Thread.class, Runnable.class)) : null;
        long[] woke = new long[count];
        AtomicInteger failures = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(count);
        CountDownLatch exit = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int index = i;
            Runnable waiter = () -> {
                try {
                    wait.call();
                    woke[index] = System.nanoTime();
                } catch (Exception e) {
                    failures.incrementAndGet();
                } finally {
                    done.countDown();
                }
                // Stay alive until all have woken: threads ending meanwhile would compete with the
                // release for the CPU, and that would be thread teardown, not the release.
                try {
                    exit.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            };
            Thread thread;
            if (virtual) {
                try {
                    thread = (Thread) startVirtual.invoke(waiter);
                } catch (Throwable e) {
                    throw new IllegalStateException(e);
                }
            } else {
                thread = new Thread(null, waiter, "bench-waiter-" + i, PLATFORM_STACK);
                thread.setDaemon(true);
                thread.start();
            }
            threads.add(thread);
        }
        awaitAllBlocked(threads);
        release.run();
        boolean released = done.await(120, TimeUnit.SECONDS);
        exit.countDown();
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
        if (!released || failures.get() > 0) {
            throw new IllegalStateException("waiters not all released: " + done.getCount() + " left, "
                    + failures.get() + " failed");
        }
        return woke;
    }

    private static double[] since(long[] woke, long origin) {
        double[] millis = new double[woke.length];
        for (int i = 0; i < woke.length; i++) {
            millis[i] = (woke[i] - origin) / 1e6;
        }
        return millis;
    }

    /** Waits until every waiter thread is parked (WAITING), then a little longer. */
    private static void awaitAllBlocked(List<Thread> threads) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int from = 0;
        while (from < threads.size()) {
            Thread.State state = threads.get(from).getState();
            if (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING) {
                from++;
            } else if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("waiter " + from + " is " + state + ", not blocked");
            } else {
                Thread.sleep(10);
            }
        }
        Thread.sleep(500);
    }

    /**
     * Runs this in another JVM (a newer JDK, for virtual threads) on the same class path.
     *
     * @return the result, or {@code null} if that JVM failed
     */
    static Result runIn(Path java, int brokerPort, int rounds, Path resultFile) throws IOException, InterruptedException {
        List<String> command = List.of(java.toString(), "-Xms1g", "-Xmx1g",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=error",
                "-cp", System.getProperty("java.class.path"), WaitersBench.class.getName(),
                Integer.toString(brokerPort), resultFile.toString(), Integer.toString(rounds));
        Files.deleteIfExists(resultFile);
        Process process = new ProcessBuilder(command).inheritIO().start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            return null;
        }
        if (process.exitValue() != 0 || !Files.exists(resultFile)) {
            return null;
        }
        Result result = Result.parse(Files.readString(resultFile, StandardCharsets.UTF_8));
        Files.deleteIfExists(resultFile);
        return result;
    }
}
