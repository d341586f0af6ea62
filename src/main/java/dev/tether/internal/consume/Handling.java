package dev.tether.internal.consume;

import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import dev.tether.DeliveredMessage;
import dev.tether.MessageHandler;
import dev.tether.internal.metrics.Recorder;
import java.io.IOException;
import java.lang.System.Logger.Level;

/**
 * One subscription's handler and error policy: runs the handler on a delivery, then acks it, or (the
 * handler threw) requeues it until it has failed more than the redelivery limit and rejects it after
 * (dead-lettered if the queue has a dead-letter exchange). The ack, nack or reject goes out on the
 * channel that delivered the message; once that channel is closed it is dropped and counted, never
 * sent on a later channel. Runs on the handler threads.
 */
final class Handling {

    private static final System.Logger LOG = System.getLogger(ManagedSubscription.class.getName());

    private enum Outcome { ACK, REQUEUE, REJECT }

    private final ManagedConsumers consumers;
    private final String queue;
    private final MessageHandler handler;
    private volatile int redeliveryLimit;

    Handling(ManagedConsumers consumers, String queue, MessageHandler handler) {
        this.consumers = consumers;
        this.queue = queue;
        this.handler = handler;
    }

    /** @param limit how many times a message may fail and still be requeued, from the next handling on */
    void redeliveryLimit(int limit) {
        redeliveryLimit = limit;
    }

    /**
     * Handles {@code message} and settles it on {@code from}. Throws only what the error policy does not
     * take (an {@code OutOfMemoryError}, an {@code Error} of the application's): the message then stays
     * unsettled until its channel closes.
     */
    void handle(ConsumerChannel from, DeliveredMessage message) {
        Outcome outcome;
        long began = System.nanoTime();
        try {
            handler.handle(message);
            outcome = Outcome.ACK;
        } catch (Exception | LinkageError | StackOverflowError | AssertionError e) {
            long failures = consumers.failureCounts().failed(message);
            int limit = redeliveryLimit;
            outcome = failures <= limit ? Outcome.REQUEUE : Outcome.REJECT;
            LOG.log(outcome == Outcome.REJECT ? Level.WARNING : Level.DEBUG, "Connection '" + consumers.name()
                    + "': the handler of '" + queue + "' threw (failure " + failures + ", redelivery limit "
                    + limit + "): " + (outcome == Outcome.REJECT
                            ? "rejected without requeue (dead-lettered if the queue has a dead-letter exchange)"
                            : "requeued"), e);
        }
        consumers.recorder().consumed(outcome == Outcome.ACK ? Recorder.ACK
                : outcome == Outcome.REQUEUE ? Recorder.REQUEUE : Recorder.REJECT, message.redelivered(),
                System.nanoTime() - began);
        if (outcome != Outcome.REQUEUE) {
            consumers.failureCounts().forget(message);
        }
        settle(from, message, outcome);
    }

    /** Settles a delivery on the channel that delivered it, or drops the ack when that channel is closed. */
    private void settle(ConsumerChannel from, DeliveredMessage message, Outcome outcome) {
        Channel channel = from.getChannel();
        long tag = message.envelope().getDeliveryTag();
        if (!channel.isOpen()) {
            consumers.droppedAck(queue);
            return;
        }
        try {
            switch (outcome) {
                case ACK -> channel.basicAck(tag, false);
                case REQUEUE -> channel.basicNack(tag, false, true);
                case REJECT -> channel.basicNack(tag, false, false); // as basic.reject on RabbitMQ; Qpid requeues a reject
            }
        } catch (AlreadyClosedException | IOException e) {
            consumers.droppedAck(queue);
        }
    }
}
