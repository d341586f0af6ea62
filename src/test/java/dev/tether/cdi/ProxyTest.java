package dev.tether.cdi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import dev.tether.ConnectionEvent.Connected;
import dev.tether.ConnectionState;
import dev.tether.FailureKind;
import dev.tether.NotConnectedException;
import dev.tether.Persistent;
import dev.tether.PersistentConnection;
import dev.tether.testing.Await;
import dev.tether.testing.FaultProxy;
import dev.tether.testing.QpidBroker;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jboss.weld.junit5.EnableWeld;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@EnableWeld
class ProxyTest {

    private static QpidBroker broker;
    private static FaultProxy proxy;
    private static TetherCdi.ConfigScope config;

    @Dependent
    static class Client {
        @Inject @Persistent Connection connection;
        @Inject @Persistent PersistentConnection holder;
    }

    @BeforeAll
    static void start() {
        broker = QpidBroker.start();
        proxy = FaultProxy.start(broker.port());
        config = TetherCdi.config(Map.of("tether.uri", proxy.uri(), "tether.await-timeout", "300ms",
                "tether.backoff.initial", "20ms"));
    }

    @AfterAll
    static void stop() {
        config.close();
        proxy.close();
        broker.close();
    }

    @AfterEach
    void heal() {
        proxy.refuse(false);
    }

    @WeldSetup
    WeldInitiator weld = WeldInitiator.from(TetherCdi.weld(Client.class, EventLog.class)).build();

    @Inject Client client;
    @Inject EventLog events;

    @Test
    void closeAndAbortOnTheProxyLeaveTheManagedConnectionOpen() throws Exception {
        Connection managed = client.holder.await(Duration.ofSeconds(10));
        client.connection.close();
        client.connection.close(200, "bye");
        client.connection.abort();
        assertTrue(managed.isOpen());
        assertSame(managed, client.holder.get());
        assertEquals(ConnectionState.CONNECTED, client.holder.state());
        assertTrue(client.connection.createChannel().isOpen(), "still usable through the proxy");
    }

    @Test
    void aShutdownListenerAddedThroughTheProxyFiresOnEverySuccessiveDisconnection() throws Exception {
        client.holder.await(Duration.ofSeconds(10));
        List<ShutdownSignalException> signals = new CopyOnWriteArrayList<>();
        client.connection.addShutdownListener(signals::add);

        proxy.cut();
        Await.until("the first disconnection", Duration.ofSeconds(5), () -> signals.size() == 1);
        events.await("default", Connected.class, 2);
        proxy.cut();
        Await.until("the second disconnection, on the next connection", Duration.ofSeconds(5),
                () -> signals.size() == 2);
        events.await("default", Connected.class, 3);
        assertEquals(2, signals.size());
        client.connection.removeShutdownListener(signals::add); // a different instance: nothing removed
        proxy.cut();
        Await.until("the third disconnection", Duration.ofSeconds(5), () -> signals.size() == 3);
    }

    @Test
    void notifyListenersOnTheProxyOrTheConnectionSetsOffNoLoss() throws Exception {
        Connection managed = client.holder.await(Duration.ofSeconds(10));
        List<ShutdownSignalException> signals = new CopyOnWriteArrayList<>();
        client.connection.addShutdownListener(signals::add);

        client.connection.notifyListeners();
        assertSame(managed, client.holder.get(), "still handed out after notifyListeners() on the proxy");
        managed.notifyListeners(); // the client's own: calls Tether's listener with no close reason
        assertSame(managed, client.holder.get(), "still handed out after notifyListeners() on the connection");

        assertTrue(managed.isOpen());
        assertEquals(ConnectionState.CONNECTED, client.holder.state());
        assertEquals(1, events.of("default", Connected.class).size(), "no reconnection");
    }

    @Test
    void isOpenAnswersFromTheHolderStateAndACallWaitsThenNamesTheConnectionAndItsLastFailure() throws Exception {
        client.holder.await(Duration.ofSeconds(10));
        assertTrue(client.connection.isOpen());
        proxy.refuse(true);
        proxy.cut();
        Await.until("a refused attempt", Duration.ofSeconds(5), () -> client.holder.status().attempts() > 0);
        assertFalse(client.connection.isOpen());

        NotConnectedException failure = assertThrows(NotConnectedException.class, client.connection::createChannel);
        assertTrue(failure.getMessage().startsWith("Connection 'default' is not connected (waited 300ms)"),
                failure.getMessage());
        assertEquals(FailureKind.REFUSED, failure.lastFailure().orElseThrow().kind());
        assertTrue(failure.getMessage().contains("REFUSED"), failure.getMessage());

        proxy.refuse(false);
        client.holder.await(Duration.ofSeconds(10));
        assertTrue(client.connection.isOpen());
        assertTrue(client.connection.createChannel().isOpen(), "usable again once the holder reconnected");
    }
}
