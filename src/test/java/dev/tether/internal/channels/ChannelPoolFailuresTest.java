package dev.tether.internal.channels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.tether.ChannelSettings;
import dev.tether.ConnectionSettings;
import dev.tether.PersistentConnection;
import dev.tether.internal.access.ConnectionAccess;
import dev.tether.testing.EmbeddedBroker;
import dev.tether.testing.QpidBroker;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A borrow whose new channel cannot be readied: the preparer's failure reaches the borrower as it
 * was, the channel is closed and the permit freed; a channel error is the borrower's, a connection
 * that dies under the borrow is waited out and the borrow served by the next one.
 */
@ExtendWith(EmbeddedBroker.class)
class ChannelPoolFailuresTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final QpidBroker broker;
    private final List<Channel> opened = new CopyOnWriteArrayList<>();
    private final AtomicReference<ChannelPool.Preparer<Channel>> failure = new AtomicReference<>();
    private PersistentConnection holder;
    private ChannelPool<Channel> pool;

    ChannelPoolFailuresTest(QpidBroker broker) {
        this.broker = broker;
    }

    @BeforeEach
    void connect() throws Exception {
        holder = PersistentConnection.builder(ConnectionSettings.builder("failing").uri(broker.uri())
                .channels(ChannelSettings.DEFAULT.withMax(1)).build()).build();
        holder.await(WAIT);
        pool = new ChannelPool<>((ConnectionAccess) holder, "prepared channel", ChannelSettings.DEFAULT.withMax(1),
                channel -> {
                    opened.add(channel);
                    ChannelPool.Preparer<Channel> failing = failure.getAndSet(null);
                    return failing != null ? failing.prepare(channel) : channel;
                }, null, wait -> { }, null, ChannelPool.IDLE_TIME);
    }

    @AfterEach
    void close() throws Exception {
        pool.close();
        holder.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aPreparerThatThrowsAnIOExceptionFailsTheBorrowWithItClosesTheChannelAndFreesThePermit() throws Exception {
        IOException refused = new IOException("confirm.select refused");
        failure.set(channel -> {
            throw refused;
        });
        assertSame(refused, assertThrows(IOException.class, pool::borrow));
        assertFalse(opened.get(0).isOpen(), "the channel that could not be readied is closed");
        assertEquals(0, pool.lent());
        assertEquals(0, pool.open());
        PooledChannel<Channel> next = pool.borrow(); // the one permit is free again
        assertTrue(next.channel().isOpen());
        pool.giveBack(next, true);
    }

    @Test
    void aPreparerThatThrowsARuntimeExceptionFailsTheBorrowWithItAndFreesThePermit() throws Exception {
        IllegalStateException bug = new IllegalStateException("a bug in the preparer");
        failure.set(channel -> {
            throw bug;
        });
        assertSame(bug, assertThrows(IllegalStateException.class, pool::borrow));
        assertFalse(opened.get(0).isOpen());
        assertEquals(0, pool.lent());
        pool.giveBack(pool.borrow(), true);
    }

    @Test
    void aChannelErrorWhileReadyingIsTheBorrowersAndTheConnectionLives() throws Exception {
        failure.set(channel -> {
            channel.exchangeDeclarePassive("missing-" + UUID.randomUUID()); // 404: closes the channel only
            return channel;
        });
        Connection before = ((ConnectionAccess) holder).currentOrDelivering().orElseThrow();
        IOException notFound = assertThrows(IOException.class, pool::borrow);
        assertTrue(String.valueOf(notFound.getCause()).contains("404"), String.valueOf(notFound.getCause()));
        assertEquals(0, pool.lent());
        assertSame(before, ((ConnectionAccess) holder).currentOrDelivering().orElseThrow(), "no reconnect");
        pool.giveBack(pool.borrow(), true);
    }

    @Test
    void aConnectionThatDiesUnderTheBorrowIsWaitedOutAndTheNextConnectionServesIt() throws Exception {
        Connection first = ((ConnectionAccess) holder).currentOrDelivering().orElseThrow();
        failure.set(channel -> {
            channel.getConnection().close(); // the holder reconnects: it did not close it
            channel.basicQos(1); // AlreadyClosedException: the connection is gone
            return channel;
        });
        PooledChannel<Channel> lent = pool.borrow();
        assertNotSame(first, lent.connection(), "served by the next connection");
        assertTrue(lent.channel().isOpen());
        assertEquals(1, pool.lent());
        pool.giveBack(lent, true);
        assertEquals(2, opened.size());
    }
}
