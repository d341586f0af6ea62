package dev.tether.e2e.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An application server's operating-system process (with its descendants, such as the JVM that
 * WildFly's {@code standalone.sh} starts), its output in a log file. It is stopped the way an
 * operator or Kubernetes stops a server, with SIGTERM to its JVM; the JVM of the tests kills
 * whatever is still running when it exits, so no server outlives a run.
 */
final class ServerProcess {

    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(15);
    private static final Set<ServerProcess> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(
                () -> List.copyOf(LIVE).forEach(ServerProcess::kill), "e2e-server-cleanup"));
    }

    private final String name;
    private final Process process;
    private final Path log;

    private ServerProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts a command with the given environment entries added (every inherited {@code TETHER_*}
     * variable removed first), its standard output and error appended to {@code log}.
     */
    static ServerProcess start(String name, List<String> command, Path directory, Map<String, String> environment,
            Path log) {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().keySet().removeIf(key -> key.startsWith("TETHER_"));
        builder.environment().putAll(environment);
        try {
            ServerProcess started = new ServerProcess(name, builder.start(), log);
            LIVE.add(started);
            return started;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command, e);
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** @return everything the server printed so far */
    String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /** @return the last lines of the server's output, for failure messages */
    String tail(int lines) {
        List<String> all = output().lines().toList();
        return "--- " + name + ": last lines of " + log + " ---\n"
                + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /**
     * Sends SIGTERM to the server's JVM (the process itself, or its first descendant that is a
     * {@code java} process, for a start script) and waits for the whole tree to exit.
     *
     * @param timeout how long the server may take to shut down
     * @return true when it exited by itself within {@code timeout}; false when it had to be killed
     */
    boolean terminate(Duration timeout) {
        List<ProcessHandle> tree = tree();
        ProcessHandle jvm = tree.stream().filter(ServerProcess::isJava).findFirst().orElse(process.toHandle());
        jvm.destroy();
        boolean exited = tree.stream().allMatch(p -> awaitExit(p, timeout));
        if (!exited) {
            kill();
        }
        LIVE.remove(this);
        return exited;
    }

    /** Kills the server's process tree (SIGTERM, then SIGKILL), waiting for it; never throws. */
    void kill() {
        List<ProcessHandle> tree = tree();
        tree.forEach(ProcessHandle::destroy);
        for (ProcessHandle p : tree) {
            if (!awaitExit(p, KILL_TIMEOUT)) {
                p.destroyForcibly();
                awaitExit(p, KILL_TIMEOUT);
            }
        }
        LIVE.remove(this);
    }

    private List<ProcessHandle> tree() {
        List<ProcessHandle> all = new ArrayList<>();
        all.add(process.toHandle());
        process.descendants().forEach(all::add);
        return all;
    }

    private static boolean isJava(ProcessHandle p) {
        return p.info().command().map(c -> c.endsWith("/java")).orElse(false);
    }

    private static boolean awaitExit(ProcessHandle p, Duration timeout) {
        try {
            p.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return !p.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !p.isAlive();
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }
}
