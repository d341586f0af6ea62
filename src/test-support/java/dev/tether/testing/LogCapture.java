package dev.tether.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects what a java.util.logging logger (and its children) logs while it is open. It holds the
 * logger: java.util.logging keeps loggers weakly, and one collected meanwhile would come back
 * without the handler.
 *
 * <pre>{@code
 * try (LogCapture log = LogCapture.of("dev.tether")) {
 *     ...
 *     assertTrue(log.contains(Level.WARNING, "misspelt"));
 * }
 * }</pre>
 */
public final class LogCapture extends Handler implements AutoCloseable {

    private final Logger logger;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    private LogCapture(Logger logger) {
        this.logger = logger;
    }

    /** @return a capture of {@code name}'s records, open until {@link #close()} */
    public static LogCapture of(String name) {
        LogCapture capture = new LogCapture(Logger.getLogger(name));
        capture.logger.addHandler(capture);
        return capture;
    }

    @Override
    public void publish(LogRecord record) {
        records.add(record);
    }

    /** @return every record so far */
    public List<LogRecord> records() {
        return List.copyOf(records);
    }

    /** @return every message so far, unformatted */
    public List<String> messages() {
        return records.stream().map(LogRecord::getMessage).toList();
    }

    /** @return whether a record at {@code level} has a message containing {@code text} */
    public boolean contains(Level level, String text) {
        return records.stream().anyMatch(r -> r.getLevel() == level && String.valueOf(r.getMessage()).contains(text));
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
