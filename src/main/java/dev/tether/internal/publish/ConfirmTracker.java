package dev.tether.internal.publish;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.ReturnListener;
import com.rabbitmq.client.ShutdownListener;
import com.rabbitmq.client.ShutdownSignalException;
import dev.tether.PublishException;
import dev.tether.PublishException.Reason;
import dev.tether.Publisher;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * The publishes of one confirm channel awaiting the broker's confirm, by sequence number. An ack or
 * nack settles one publish, or with {@code multiple} every one up to its tag; a {@code basic.return}
 * marks its publish (found by the {@value Publisher#SEQUENCE_HEADER} header) so that the ack which
 * follows it, or the channel's close, fails the publish as {@code RETURNED}: RabbitMQ sends a
 * mandatory message's return before its confirm. (Qpid Broker-J sends a nack first, then the return:
 * there it fails as {@code NACKED}.) When the channel shuts down every publish sent on it and still
 * outstanding fails at once; one still being sent is left to its sender, who knows whether it went
 * out ({@code NOT_SENT} if not). A retired tracker closes its channel once nothing is outstanding.
 * Each publish that leaves the tracker, however it ends, is reported once to the {@code settled}
 * callback (the publisher's {@link OutstandingLimit}), before its future completes: whoever sees the
 * outcome finds its room given back.
 *
 * <p>Callbacks arrive on the client's connection thread; they complete only Tether's internal
 * futures, never a caller's stage (see {@link ConfirmingPublisher}).
 */
final class ConfirmTracker implements ConfirmListener, ReturnListener, ShutdownListener {

    private static final System.Logger LOG = System.getLogger("dev.tether");

    private final String connectionName;
    private final NavigableMap<Long, Outstanding> outstanding = new ConcurrentSkipListMap<>();
    private volatile ShutdownSignalException shutdown;
    private volatile Runnable closeWhenSettled;
    private final AtomicBoolean closing = new AtomicBoolean();

    /** One publish awaiting its confirm. */
    private static final class Outstanding {
        final CompletableFuture<Void> confirm = new CompletableFuture<>();
        final String exchange;
        final String routingKey;
        volatile boolean sent;
        volatile int replyCode;
        volatile String replyText;

        Outstanding(String exchange, String routingKey) {
            this.exchange = exchange;
            this.routingKey = routingKey;
        }
    }

    private final BooleanSupplier holderClosed;
    private final Runnable settled;

    ConfirmTracker(String connectionName) {
        this(connectionName, () -> false, () -> { });
    }

    ConfirmTracker(String connectionName, BooleanSupplier holderClosed, Runnable settled) {
        this.connectionName = connectionName;
        this.holderClosed = holderClosed;
        this.settled = settled;
    }

    /**
     * Puts {@code channel} in confirm mode and tracks its publishes.
     *
     * @param channel a new channel
     * @param connectionName its connection's name, for messages
     * @param holderClosed whether the holder is closed (a loss then is Tether's own close: {@code CLOSED})
     * @param settled told of each publish that left the tracker, once, before its future completes
     * @return the tracker
     * @throws IOException if {@code confirm.select} failed
     */
    static ConfirmTracker attach(Channel channel, String connectionName, BooleanSupplier holderClosed,
            Runnable settled) throws IOException {
        ConfirmTracker tracker = new ConfirmTracker(connectionName, holderClosed, settled);
        channel.confirmSelect();
        channel.addConfirmListener(tracker);
        channel.addReturnListener(tracker);
        channel.addShutdownListener(tracker);
        return tracker;
    }

    /**
     * @param props the caller's properties, or {@code null}; never modified
     * @param seq the publish's sequence number
     * @return a copy of {@code props} with the header that ties a return to its publish
     */
    static AMQP.BasicProperties tagged(AMQP.BasicProperties props, long seq) {
        AMQP.BasicProperties base = props == null ? new AMQP.BasicProperties() : props;
        Map<String, Object> headers = base.getHeaders() == null ? new HashMap<>() : new HashMap<>(base.getHeaders());
        headers.put(Publisher.SEQUENCE_HEADER, seq);
        return base.builder().headers(headers).build();
    }

    /**
     * Starts tracking a publish about to be sent with sequence number {@code seq}; the sender then
     * calls {@link #sent} or {@link #notSent}.
     *
     * @return a future completed by its confirm, or exceptionally with a {@link PublishException}
     */
    CompletableFuture<Void> track(long seq, String exchange, String routingKey) {
        Outstanding publish = new Outstanding(exchange, routingKey);
        outstanding.put(seq, publish);
        return publish.confirm;
    }

    /** The publish {@code seq} went out; if the channel shut down meanwhile, it fails as lost now. */
    void sent(long seq) {
        Outstanding publish = outstanding.get(seq);
        if (publish == null) {
            return; // settled already
        }
        publish.sent = true;
        ShutdownSignalException cause = shutdown;
        if (cause != null && outstanding.remove(seq, publish)) { // shutdownCompleted skipped it while unsent
            settled.run();
            publish.confirm.completeExceptionally(lost(publish, cause));
            settledOne();
        }
    }

    /** The publish {@code seq} never went out: it fails as {@code NOT_SENT}, with {@code cause}. */
    void notSent(long seq, Exception cause) {
        Outstanding publish = outstanding.remove(seq);
        if (publish != null) {
            settled.run();
            publish.confirm.completeExceptionally(failure(Reason.NOT_SENT, publish,
                    "was not sent: " + cause, cause));
            settledOne();
        }
    }

    /** Stops tracking {@code seq} (its publish failed or timed out). */
    void forget(long seq) {
        if (outstanding.remove(seq) != null) {
            settled.run();
            settledOne();
        }
    }

    /** @return how many publishes await their confirm */
    int outstanding() {
        return outstanding.size();
    }

    /**
     * The channel is lent no more: closes it on {@code background} once no publish on it is
     * outstanding (at once if none is), so that other threads' publishes still get their confirms.
     */
    void retire(Channel channel, Executor background) {
        closeWhenSettled = () -> background.execute(() -> {
            try {
                if (channel.isOpen()) {
                    channel.close();
                }
            } catch (IOException | TimeoutException | ShutdownSignalException e) {
                LOG.log(Level.DEBUG, () -> "Connection '" + connectionName + "': closing a retired confirm channel failed: " + e);
            }
        });
        settledOne();
    }

    @Override
    public void handleAck(long deliveryTag, boolean multiple) {
        settle(deliveryTag, multiple, false);
    }

    @Override
    public void handleNack(long deliveryTag, boolean multiple) {
        settle(deliveryTag, multiple, true);
    }

    @Override
    public void handleReturn(int replyCode, String replyText, String exchange, String routingKey,
            AMQP.BasicProperties properties, byte[] body) {
        Object seq = properties.getHeaders() == null ? null : properties.getHeaders().get(Publisher.SEQUENCE_HEADER);
        Outstanding publish = seq instanceof Number number ? outstanding.get(number.longValue()) : null;
        if (publish != null) {
            publish.replyText = replyText == null ? "" : replyText;
            publish.replyCode = replyCode;
        }
    }

    @Override
    public void shutdownCompleted(ShutdownSignalException cause) {
        shutdown = cause;
        for (Iterator<Map.Entry<Long, Outstanding>> all = outstanding.entrySet().iterator(); all.hasNext(); ) {
            Map.Entry<Long, Outstanding> entry = all.next();
            Outstanding publish = entry.getValue();
            if (publish.sent && outstanding.remove(entry.getKey(), publish)) {
                settled.run();
                publish.confirm.completeExceptionally(lost(publish, cause));
            }
        }
        settledOne();
    }

    private void settle(long tag, boolean multiple, boolean nacked) {
        if (!multiple) {
            Outstanding publish = outstanding.remove(tag);
            if (publish != null) {
                settled.run();
                settle(publish, nacked);
            }
        } else {
            for (Map.Entry<Long, Outstanding> entry : outstanding.headMap(tag, true).entrySet()) {
                if (outstanding.remove(entry.getKey(), entry.getValue())) { // not if a timeout took it just now
                    settled.run();
                    settle(entry.getValue(), nacked);
                }
            }
        }
        settledOne();
    }

    private void settle(Outstanding publish, boolean nacked) {
        if (publish.replyText != null) { // a return with either confirm: the return says more
            publish.confirm.completeExceptionally(returned(publish, null));
        } else if (nacked) {
            publish.confirm.completeExceptionally(failure(Reason.NACKED, publish, "was nacked by the broker", null));
        } else {
            publish.confirm.complete(null);
        }
    }

    /** A publish left the map: when retired and none is left, the channel is closed (once, off this thread). */
    private void settledOne() {
        Runnable close = closeWhenSettled;
        if (close != null && outstanding.isEmpty() && closing.compareAndSet(false, true)) {
            close.run();
        }
    }

    private PublishException lost(Outstanding publish, ShutdownSignalException cause) {
        if (publish.replyText != null) { // returned, then the channel went before the ack: it reached no queue
            return returned(publish, cause);
        }
        if (cause.isInitiatedByApplication() || holderClosed.getAsBoolean()) {
            return failure(Reason.CLOSED, publish, "lost its channel before the confirm: the "
                    + (cause.isHardError() ? "connection" : "channel") + " was closed by Tether or the application",
                    cause);
        }
        if (cause.isHardError()) {
            return failure(Reason.CONNECTION_LOST, publish, "lost its channel before the confirm: the connection was lost",
                    cause);
        }
        Object reply = cause.getReason();
        String text = reply instanceof AMQP.Channel.Close close ? close.getReplyCode() + " " + close.getReplyText()
                : String.valueOf(reply);
        return failure(Reason.CHANNEL_CLOSED, publish, "lost its channel before the confirm: the broker closed it ("
                + text + ")", cause);
    }

    private PublishException returned(Outstanding publish, Throwable cause) {
        return new PublishException(Reason.RETURNED, connectionName, "Connection '" + connectionName + "': publish to "
                + Describe.target(publish.exchange, publish.routingKey) + " was returned as unroutable ("
                + publish.replyCode + " " + publish.replyText + ")", cause, publish.exchange, publish.routingKey,
                publish.replyCode, publish.replyText);
    }

    private PublishException failure(Reason reason, Outstanding publish, String what, Throwable cause) {
        return new PublishException(reason, connectionName, "Connection '" + connectionName + "': publish to "
                + Describe.target(publish.exchange, publish.routingKey) + " " + what, cause, publish.exchange,
                publish.routingKey, 0, null);
    }
}
