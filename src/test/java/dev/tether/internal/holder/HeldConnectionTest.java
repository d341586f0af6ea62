package dev.tether.internal.holder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.tether.ConnectionSettings;
import dev.tether.testing.EmbeddedBroker;
import dev.tether.testing.QpidBroker;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** One opened connection's closure: signalled early, reported once, never trusted once closing. */
@ExtendWith(EmbeddedBroker.class)
class HeldConnectionTest {

    private final List<HeldConnection> reported = new CopyOnWriteArrayList<>();

    @Test
    void aConnectionThatStartsClosingBeforeItIsPublishedIsNeverTrustedUnasked(QpidBroker broker) throws Exception {
        HolderState state = new HolderState(ConnectionSettings.builder().uri(broker.uri()).build(), Instant.EPOCH);
        Connection connection = open(broker);
        HeldConnection held = watch(connection, state);
        held.watchForClosure();
        assertTrue(state.isWatched(held.published));

        connection.close(); // between the holder's isOpen() check and its publication
        state.publish(held.published);

        assertFalse(state.isWatched(held.published), "readers must ask isOpen() of it");
        assertEquals(List.of(held), reported, "its loss is reported although it was not yet published");
    }

    @Test
    void everyNoticeOfOneLossGivesOneReportAndANoticeWhileOpenGivesNone(QpidBroker broker) throws Exception {
        HolderState state = new HolderState(ConnectionSettings.builder().uri(broker.uri()).build(), Instant.EPOCH);
        Connection connection = open(broker);
        HeldConnection held = watch(connection, state); // with the client's shutdown listener
        held.watchForClosure();
        state.publish(held.published);

        held.lost(null); // notifyListeners() on an open connection
        assertEquals(List.of(), reported);
        assertTrue(state.current().isPresent());

        connection.close(); // the closure channel and the client's listener both notice
        held.lost(connection.getCloseReason()); // and a caller too
        assertEquals(List.of(held), reported);
        assertTrue(state.current().isEmpty());
    }

    private HeldConnection watch(Connection connection, HolderState state) {
        HeldConnection held = HeldConnection.watch(connection, null, () -> Instant.EPOCH, state,
                (lost, cause) -> reported.add(lost), (blocked, reason) -> { });
        assertNotNull(held, "open");
        return held;
    }

    private static Connection open(QpidBroker broker) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(broker.uri());
        factory.setAutomaticRecoveryEnabled(false);
        Connection connection = factory.newConnection();
        assertNotNull(connection);
        return connection;
    }
}
