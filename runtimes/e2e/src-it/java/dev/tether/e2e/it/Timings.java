package dev.tether.e2e.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Prints what a test measured ({@code E2E <runtime> <what>: <ms> ms}) and appends it to target/e2e-timings.txt. */
final class Timings {

    private Timings() {
    }

    static long millisSince(long nanoTime) {
        return (System.nanoTime() - nanoTime) / 1_000_000;
    }

    static void record(String runtime, String what, long millis) {
        String line = "E2E " + runtime + " " + what + ": " + millis + " ms";
        System.out.println(line);
        String work = System.getProperty("tether.e2e.work");
        if (work == null) {
            return;
        }
        Path file = Path.of(work).resolveSibling("e2e-timings.txt");
        try {
            Files.writeString(file, line + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.out.println("(cannot append to " + file + ": " + e + ")");
        }
    }
}
