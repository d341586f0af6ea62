package dev.tether.internal.channels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import dev.tether.testing.EmbeddedBroker;
import dev.tether.testing.QpidBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link GuardedChannel}: what each refusal says, and that the view passes the rest through as itself. */
@ExtendWith(EmbeddedBroker.class)
class GuardedChannelTest {

    private final QpidBroker broker;
    private Connection connection;
    private Channel channel;
    private Channel guarded;

    GuardedChannelTest(QpidBroker broker) {
        this.broker = broker;
    }

    @BeforeEach
    void open() throws Exception {
        connection = broker.newConnection("guarded");
        channel = connection.createChannel();
        guarded = GuardedChannel.of(channel, "orders");
    }

    @AfterEach
    void close() throws Exception {
        connection.close();
    }

    @Test
    void eachRefusalSaysWhatToUseInstead() {
        String prefix = " is refused on a pooled channel (it would stay in that mode for later borrowers); ";
        assertEquals("Connection 'orders': txSelect" + prefix
                + "use a channel of your own for transactions (connection.createChannel())",
                assertThrows(IllegalStateException.class, guarded::txSelect).getMessage());
        assertEquals("Connection 'orders': confirmSelect" + prefix + "publish with confirms through the Publisher",
                assertThrows(IllegalStateException.class, guarded::confirmSelect).getMessage());
        assertEquals("Connection 'orders': basicConsume" + prefix
                + "consume on a channel of your own (connection.createChannel() from a Connected listener)",
                assertThrows(IllegalStateException.class,
                        () -> guarded.basicConsume("q", new DefaultConsumer(channel))).getMessage());
        assertTrue(channel.isOpen(), "nothing was sent to the broker");
    }

    @Test
    void theViewIsItselfForObjectsMethodsAndPassesTheRestThrough() throws Exception {
        assertEquals(guarded, guarded);
        assertNotEquals(guarded, channel);
        assertNotEquals(guarded, GuardedChannel.of(channel, "orders"));
        assertEquals(System.identityHashCode(guarded), guarded.hashCode());
        assertEquals("Guarded" + channel, guarded.toString());
        assertEquals(channel.getChannelNumber(), guarded.getChannelNumber());
        String queue = guarded.queueDeclare().getQueue();
        assertEquals(0L, channel.messageCount(queue));
        PooledChannel<Channel> pooled = new PooledChannel<>(channel, connection, guarded);
        assertEquals("PooledChannel[" + channel.getChannelNumber() + "]", pooled.toString());
    }
}
