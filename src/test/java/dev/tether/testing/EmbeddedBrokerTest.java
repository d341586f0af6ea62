package dev.tether.testing;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.rabbitmq.client.Connection;

/** {@link EmbeddedBroker} resolves one shared, running broker that refuses to be stopped. */
@ExtendWith(EmbeddedBroker.class)
class EmbeddedBrokerTest {

    private final QpidBroker fromConstructor;

    EmbeddedBrokerTest(QpidBroker broker) {
        this.fromConstructor = broker;
    }

    @Test
    void resolvesTheSameRunningBrokerEverywhere(QpidBroker fromMethod) throws Exception {
        assertSame(fromConstructor, fromMethod);
        assertTrue(fromMethod.isRunning());
        try (Connection connection = QpidBrokerTest.factory(fromMethod.uri()).newConnection()) {
            assertTrue(connection.isOpen());
        }
    }

    @Test
    void sharedBrokerCannotBeStopped(QpidBroker broker) {
        assertThrows(IllegalStateException.class, broker::stop);
        assertThrows(IllegalStateException.class, broker::restart);
        assertTrue(broker.isRunning());
    }
}
