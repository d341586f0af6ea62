package dev.tether.internal.holder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.ConnectionSettings;
import dev.tether.internal.threads.ManualScheduler;
import dev.tether.testing.EmbeddedBroker;
import dev.tether.testing.FaultProxy;
import dev.tether.testing.FixedRandom;
import dev.tether.testing.QpidBroker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What an operator reads in the log (System.Logger, here backed by java.util.logging): one line per
 * new failure, repeats at DEBUG, losses and recoveries with their address, attempts and downtime.
 */
@ExtendWith(EmbeddedBroker.class)
class OutageLoggingTest {

    private final Logger logger = Logger.getLogger("dev.tether");
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final ManualScheduler scheduler = new ManualScheduler();
    private Level previous;

    @BeforeEach
    void capture() {
        previous = logger.getLevel();
        logger.setLevel(Level.ALL);
        logger.addHandler(capture);
    }

    @AfterEach
    void release() {
        logger.removeHandler(capture);
        logger.setLevel(previous);
    }

    @Test
    void aRepeatedFailureIsLoggedOnceAtWarningThenAtDebugAndTheRecoveryCountsAttemptsAndDowntime(QpidBroker broker)
            throws Exception {
        try (FaultProxy proxy = FaultProxy.start(broker.port())) {
            proxy.refuse(true);
            ConnectionHolder holder = Holders.manual(HolderAccessTest.settings(proxy.uri()), scheduler,
                    new FixedRandom(0.5), null);
            holder.start();
            scheduler.runDue();
            scheduler.advanceToNext();

            List<LogRecord> failures = about("REFUSED");
            assertEquals(2, failures.size(), lines());
            assertEquals(Level.WARNING, failures.get(0).getLevel());
            assertTrue(failures.get(0).getMessage().contains("retrying in 100 ms (identical failures are logged at DEBUG)"),
                    lines());
            assertEquals(Level.FINE, failures.get(1).getLevel(), "the identical repeat");
            assertTrue(failures.get(1).getMessage().contains("retrying in 200 ms"), lines());

            proxy.refuse(false);
            scheduler.advanceToNext();
            LogRecord recovered = about("recovered").get(0);
            assertEquals(Level.INFO, recovered.getLevel());
            assertTrue(recovered.getMessage().contains("connected to 127.0.0.1:" + proxy.port()
                    + " after 3 attempts and 300 ms without a connection"), lines());
            holder.close();
            scheduler.runDue();
        }
    }

    @Test
    void misconfigurationIsLoggedAtErrorWithAHint(QpidBroker broker) {
        ConnectionSettings settings = ConnectionSettings.builder().uri(broker.uri()).password("wrong").build();
        ConnectionHolder holder = Holders.manual(settings, scheduler, new FixedRandom(0.5), null);
        holder.start();
        scheduler.runDue();

        LogRecord failure = about("AUTHENTICATION").get(0);
        assertEquals(Level.SEVERE, failure.getLevel());
        assertTrue(failure.getMessage().endsWith("This is a configuration problem; retrying at the maximum delay."),
                lines());
        holder.close();
        scheduler.runDue();
    }

    @Test
    void aFirstConnectionALossAndAReconnectAreEachLoggedWithTheAddress(QpidBroker broker) throws Exception {
        try (FaultProxy proxy = FaultProxy.start(broker.port())) {
            ConnectionHolder holder = Holders.manual(HolderAccessTest.settings(proxy.uri()), scheduler,
                    new FixedRandom(0.5), null);
            holder.start();
            scheduler.runDue();
            String address = "127.0.0.1:" + proxy.port();
            assertEquals(Level.INFO, about("connected to " + address).get(0).getLevel(), lines());

            proxy.cut();
            scheduler.awaitAndRunDue(Duration.ofSeconds(10));
            LogRecord lost = about("lost (").get(0);
            assertEquals(Level.WARNING, lost.getLevel());
            assertTrue(lost.getMessage().contains("connection to " + address + " lost (")
                    && lost.getMessage().endsWith("); reconnecting at once"), lines());

            holder.reconnect();
            scheduler.runDue();
            LogRecord requested = about("closed by the application").get(0);
            assertEquals(Level.INFO, requested.getLevel());
            assertTrue(requested.getMessage().contains("connection to " + address + " closed by the application"),
                    lines());
            holder.close();
            scheduler.runDue();
        }
    }

    private List<LogRecord> about(String text) {
        return records.stream().filter(r -> message(r).contains(text)).collect(Collectors.toList());
    }

    private static String message(LogRecord record) {
        return record.getMessage() == null ? "" : record.getMessage();
    }

    private String lines() {
        return records.stream().map(r -> r.getLevel() + " " + message(r)).collect(Collectors.joining("\n"));
    }
}
