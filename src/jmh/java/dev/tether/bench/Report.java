package dev.tether.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The benchmark's results: one row per measure, Tether beside its peer. Printed as a table and
 * written as one CSV file per part under the output folder, so that a later run can be compared.
 */
final class Report {

    /**
     * One measure.
     *
     * @param part the part (hot, channel, recovery, waiters, cost)
     * @param measure what was measured
     * @param unit the unit of the numbers
     * @param median Tether's median (or score)
     * @param p90 Tether's 90th percentile, NaN when not applicable
     * @param peer what Tether is compared with, empty for none
     * @param peerMedian the peer's median (or score), NaN when none
     * @param peerP90 the peer's 90th percentile, NaN when not applicable
     * @param goal the goal, as text
     * @param met whether the goal was met, null when there is none to check
     * @param note anything else worth knowing (errors, samples, allocation)
     */
    record Row(String part, String measure, String unit, double median, double p90, String peer, double peerMedian,
            double peerP90, String goal, Boolean met, String note) {

        double ratio() {
            return median / peerMedian;
        }
    }

    private static final String[] HEADINGS = {"part", "measure", "unit", "tether_median", "tether_p90", "peer",
        "peer_median", "peer_p90", "ratio", "goal", "met", "note"};

    private final Path out;
    private final String header;
    private final List<Row> rows = new ArrayList<>();

    Report(Path out, String header) {
        this.out = out;
        this.header = header;
    }

    synchronized void add(Row row) {
        rows.add(row);
    }

    /** Records that a part (or a measure of it) could not run, and why. */
    synchronized void skipped(String part, String measure, String reason) {
        rows.add(new Row(part, measure, "", Double.NaN, Double.NaN, "", Double.NaN, Double.NaN, "", null,
                "skipped: " + reason));
    }

    /** Writes {@code <part>.csv} with the part's rows, and {@code summary.csv} with every row so far. */
    synchronized void writeCsv(String part) {
        write(out.resolve(part + ".csv"), rows.stream().filter(r -> r.part().equals(part)).toList());
        write(out.resolve("summary.csv"), rows);
    }

    private void write(Path file, List<Row> selected) {
        StringBuilder csv = new StringBuilder(String.join(",", HEADINGS)).append('\n');
        for (Row r : selected) {
            csv.append(String.join(",", csv(r.part()), csv(r.measure()), csv(r.unit()), num(r.median()),
                    num(r.p90()), csv(r.peer()), num(r.peerMedian()), num(r.peerP90()), num(r.ratio()),
                    csv(r.goal()), r.met() == null ? "" : r.met().toString(), csv(r.note()))).append('\n');
        }
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, csv, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Prints the header and the table, and saves the same text as {@code summary.txt}. */
    synchronized void print(PrintStream stream, String footer) {
        String[] titles = {"Part", "Measure", "Unit", "Tether med", "Tether p90", "Peer", "Peer med", "Peer p90",
            "Ratio", "Goal", "Met", "Note"};
        List<String[]> cells = new ArrayList<>();
        cells.add(titles);
        for (Row r : rows) {
            cells.add(new String[] {r.part(), r.measure(), r.unit(), fmt(r.median()), fmt(r.p90()), r.peer(),
                fmt(r.peerMedian()), fmt(r.peerP90()), fmt(r.ratio()), r.goal(),
                r.met() == null ? "" : r.met() ? "yes" : "NO", r.note()});
        }
        int[] widths = new int[titles.length];
        for (String[] row : cells) {
            for (int i = 0; i < row.length - 1; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder text = new StringBuilder(header).append('\n');
        Set<String> parts = new LinkedHashSet<>();
        for (int n = 0; n < cells.size(); n++) {
            String[] row = cells.get(n);
            if (n > 0 && parts.add(row[0]) && parts.size() > 1) {
                text.append('\n');
            }
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                boolean numeric = i >= 3 && i <= 8 && i != 5;
                String cell = row[i];
                if (i == row.length - 1) {
                    line.append(cell);
                } else if (numeric) {
                    line.append(" ".repeat(widths[i] - cell.length())).append(cell).append("  ");
                } else {
                    line.append(cell).append(" ".repeat(widths[i] - cell.length())).append("  ");
                }
            }
            text.append(line.toString().stripTrailing()).append('\n');
            if (n == 0) {
                text.append("-".repeat(Math.min(200, line.length()))).append('\n');
            }
        }
        text.append(footer).append('\n');
        stream.print(text);
        stream.flush();
        try {
            Files.createDirectories(out);
            Files.writeString(out.resolve("summary.txt"), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String fmt(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return "-";
        }
        double abs = Math.abs(value);
        if (abs >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        if (abs >= 100) {
            return String.format(Locale.ROOT, "%.0f", value);
        }
        if (abs >= 10) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        return String.format(Locale.ROOT, "%.2f", value);
    }

    private static String num(double value) {
        return Double.isNaN(value) || Double.isInfinite(value) ? "" : String.format(Locale.ROOT, "%.6g", value);
    }

    private static String csv(String value) {
        if (value.contains(",") || value.contains("\"") || value.contains("\n")) {
            return '"' + value.replace("\"", "\"\"") + '"';
        }
        return value;
    }
}
