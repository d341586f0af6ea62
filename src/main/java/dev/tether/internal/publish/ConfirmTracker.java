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
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The publishes of one confirm channel awaiting the broker's confirm, by sequence number. An ack or
 * nack settles one publish, or with {@code multiple} every one up to its tag; a {@code basic.return}
 * marks its publish (found by the {@value Publisher#SEQUENCE_HEADER} header) so that the ack which
 * follows it fails the publish as {@code RETURNED}: RabbitMQ sends a mandatory message's return
 * before its confirm. (Qpid Broker-J sends a nack first, then the return: there it fails as {@code NACKED}.) When the channel shuts down every outstanding publish fails, and any tracked
 * later fails at once. Callbacks arrive on the client's connection thread.
 */
public final class ConfirmTracker implements ConfirmListener, ReturnListener, ShutdownListener {

    private final String connectionName;
    private final NavigableMap<Long, Outstanding> outstanding = new ConcurrentSkipListMap<>();
    private volatile ShutdownSignalException shutdown;

    /** One publish awaiting its confirm. */
    private static final class Outstanding {
        final CompletableFuture<Void> confirm = new CompletableFuture<>();
        final String exchange;
        final String routingKey;
        volatile String returned;

        Outstanding(String exchange, String routingKey) {
            this.exchange = exchange;
            this.routingKey = routingKey;
        }
    }

    ConfirmTracker(String connectionName) {
        this.connectionName = connectionName;
    }

    /**
     * Puts {@code channel} in confirm mode and tracks its publishes.
     *
     * @param channel a new channel
     * @param connectionName its connection's name, for messages
     * @return the tracker
     * @throws IOException if {@code confirm.select} failed
     */
    public static ConfirmTracker attach(Channel channel, String connectionName) throws IOException {
        ConfirmTracker tracker = new ConfirmTracker(connectionName);
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
     * Starts tracking a publish about to be sent with sequence number {@code seq}.
     *
     * @return a future completed by its confirm, or exceptionally with a {@link PublishException}
     */
    CompletableFuture<Void> track(long seq, String exchange, String routingKey) {
        Outstanding publish = new Outstanding(exchange, routingKey);
        outstanding.put(seq, publish);
        ShutdownSignalException cause = shutdown;
        if (cause != null && outstanding.remove(seq, publish)) { // the channel shut down meanwhile
            publish.confirm.completeExceptionally(lost(publish, cause));
        }
        return publish.confirm;
    }

    /** Stops tracking {@code seq} (its publish failed or timed out). */
    void forget(long seq) {
        outstanding.remove(seq);
    }

    /** @return how many publishes await their confirm */
    int outstanding() {
        return outstanding.size();
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
            publish.returned = replyCode + " " + replyText;
        }
    }

    @Override
    public void shutdownCompleted(ShutdownSignalException cause) {
        shutdown = cause;
        for (Map.Entry<Long, Outstanding> entry; (entry = outstanding.pollFirstEntry()) != null; ) {
            entry.getValue().confirm.completeExceptionally(lost(entry.getValue(), cause));
        }
    }

    private void settle(long tag, boolean multiple, boolean nacked) {
        if (!multiple) {
            Outstanding publish = outstanding.remove(tag);
            if (publish != null) {
                settle(publish, nacked);
            }
            return;
        }
        Iterator<Outstanding> upToTag = outstanding.headMap(tag, true).values().iterator();
        while (upToTag.hasNext()) {
            Outstanding publish = upToTag.next();
            upToTag.remove();
            settle(publish, nacked);
        }
    }

    private void settle(Outstanding publish, boolean nacked) {
        if (publish.returned != null) { // a return with either confirm: the return says more
            publish.confirm.completeExceptionally(failure(Reason.RETURNED, publish,
                    "was returned as unroutable (" + publish.returned + ")", null));
        } else if (nacked) {
            publish.confirm.completeExceptionally(failure(Reason.NACKED, publish, "was nacked by the broker", null));
        } else {
            publish.confirm.complete(null);
        }
    }

    private PublishException lost(Outstanding publish, ShutdownSignalException cause) {
        if (cause.isHardError() || cause.isInitiatedByApplication()) {
            return failure(Reason.CONNECTION_LOST, publish, "lost its channel before the confirm: the "
                    + (cause.isHardError() ? "connection" : "channel") + " was closed", cause);
        }
        Object reply = cause.getReason();
        String text = reply instanceof AMQP.Channel.Close close ? close.getReplyCode() + " " + close.getReplyText()
                : String.valueOf(reply);
        return failure(Reason.CHANNEL_CLOSED, publish, "lost its channel before the confirm: the broker closed it ("
                + text + ")", cause);
    }

    private PublishException failure(Reason reason, Outstanding publish, String what, Throwable cause) {
        return new PublishException(reason, connectionName, "Connection '" + connectionName + "': publish to "
                + Describe.target(publish.exchange, publish.routingKey) + " " + what, cause);
    }
}
