package dev.tether.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.StringJoiner;

/**
 * Prints one line per measured reliability figure, {@code SURVIVES <row> | <name>=<value> | ...},
 * so that the table in docs/reliability.md can be filled from one run: {@code grep '^SURVIVES'} in the build
 * output, or read {@value #FILE} (one line per report, appended by every run).
 */
final class Survives {

    /** Where the lines are also appended, relative to the module's folder (the forked JVM's working folder). */
    static final String FILE = "target/survives.txt";

    private Survives() {
    }

    /**
     * Prints the line.
     *
     * @param row the row's id in the reliability table, e.g. {@code reset}
     * @param figures names and values in turn: {@code "detect_ms", 3, "recover_ms", 12}
     * @return the line printed
     */
    static String report(String row, Object... figures) {
        if (figures.length % 2 != 0) {
            throw new IllegalArgumentException("figures come in name/value pairs");
        }
        StringJoiner line = new StringJoiner(" | ", "SURVIVES " + row + " | ", "");
        for (int i = 0; i < figures.length; i += 2) {
            line.add(figures[i] + "=" + figures[i + 1]);
        }
        String text = line.toString();
        System.out.println(text);
        append(text);
        return text;
    }

    private static void append(String text) {
        Path file = Paths.get(FILE);
        try {
            if (Files.isDirectory(file.getParent())) {
                Files.writeString(file, text + System.lineSeparator(), StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
        } catch (IOException e) {
            System.out.println("(could not append to " + FILE + ": " + e + ")");
        }
    }
}
