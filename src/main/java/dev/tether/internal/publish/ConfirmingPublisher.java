package dev.tether.internal.publish;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ShutdownSignalException;
import dev.tether.PersistentConnection;
import dev.tether.PublishException;
import dev.tether.PublishException.Reason;
import dev.tether.Publisher;
import dev.tether.internal.Durations;
import dev.tether.internal.channels.ChannelPool;
import dev.tether.internal.channels.PooledChannel;
import dev.tether.internal.metrics.Recorder;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The {@link Publisher} of one holder. A publish borrows a confirm channel only to send: it tracks
 * the next sequence number with the channel's {@link ConfirmTracker}, sends, and gives the channel
 * back; the confirm settles it later. A timer ({@link CompletableFuture#orTimeout}) fails it after
 * {@code publish.confirm-timeout}, so every publish ends.
 */
public final class ConfirmingPublisher implements Publisher {

    /** Extra wait of a blocking publish beyond the confirm timeout, which normally ends it first. */
    private static final Duration GRACE = Duration.ofSeconds(5);

    private final PersistentConnection holder;
    private final ChannelPool<ConfirmTracker> pool;
    private final Recorder recorder;

    /**
     * @param holder the holder whose connection the confirm channels belong to
     * @param max the most confirm channels ({@code channels.max})
     */
    public ConfirmingPublisher(PersistentConnection holder, int max) {
        this(holder, max, Recorder.NONE);
    }

    /**
     * @param holder the holder whose connection the confirm channels belong to
     * @param max the most confirm channels ({@code channels.max})
     * @param recorder observes the pool, its borrow waits and every publish's outcome
     */
    public ConfirmingPublisher(PersistentConnection holder, int max, Recorder recorder) {
        this.holder = holder;
        this.recorder = recorder;
        String name = holder.name();
        this.pool = new ChannelPool<>(holder, "confirm channel", max, channel -> ConfirmTracker.attach(channel, name),
                waitNanos -> recorder.borrowed(Recorder.CONFIRM_CHANNELS, waitNanos));
        recorder.observe(Recorder.CONFIRM_CHANNELS, pool);
    }

    @Override
    public void publish(String exchange, String routingKey, AMQP.BasicProperties props, byte[] body)
            throws PublishException, InterruptedException {
        publish(exchange, routingKey, false, props, body);
    }

    @Override
    public void publish(String exchange, String routingKey, boolean mandatory, AMQP.BasicProperties props,
            byte[] body) throws PublishException, InterruptedException {
        CompletableFuture<Void> confirm;
        try {
            confirm = send(exchange, routingKey, mandatory, props, body);
        } catch (InterruptedIOException e) {
            if (Thread.interrupted()) {
                throw new InterruptedException(e.getMessage());
            }
            throw notSent(exchange, routingKey, e);
        } catch (IOException e) {
            throw notSent(exchange, routingKey, e);
        }
        Duration limit = holder.settings().channels().confirmTimeout().plus(GRACE);
        try {
            confirm.get(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof PublishException failure ? failure
                    : new PublishException(Reason.CONNECTION_LOST, holder.name(), e.getCause().toString(), e.getCause());
        } catch (TimeoutException e) {
            throw new PublishException(Reason.TIMED_OUT, holder.name(), "Connection '" + holder.name()
                    + "': publish to " + Describe.target(exchange, routingKey) + " was not confirmed within "
                    + Durations.format(limit), e);
        }
    }

    @Override
    public CompletionStage<Void> publishAsync(String exchange, String routingKey, AMQP.BasicProperties props,
            byte[] body) {
        return publishAsync(exchange, routingKey, false, props, body);
    }

    @Override
    public CompletionStage<Void> publishAsync(String exchange, String routingKey, boolean mandatory,
            AMQP.BasicProperties props, byte[] body) {
        try {
            return send(exchange, routingKey, mandatory, props, body);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(notSent(exchange, routingKey, e));
        }
    }

    /** Closes the pool of confirm channels (the holder is closing; their connection goes with it). */
    public void close() {
        pool.close();
    }

    /** @return the pool, for tests */
    ChannelPool<ConfirmTracker> pool() {
        return pool;
    }

    /**
     * Sends on a borrowed confirm channel.
     *
     * @return the confirm, completed exceptionally with a {@link PublishException} only
     * @throws IOException if nothing was sent because no confirm channel could be borrowed
     */
    private CompletableFuture<Void> send(String exchange, String routingKey, boolean mandatory,
            AMQP.BasicProperties props, byte[] body) throws IOException {
        Objects.requireNonNull(exchange, "exchange");
        Objects.requireNonNull(routingKey, "routingKey");
        Objects.requireNonNull(body, "body");
        PooledChannel<ConfirmTracker> lent = pool.borrow();
        Channel channel = lent.channel();
        ConfirmTracker tracker = lent.attachment();
        long sentAt = System.nanoTime();
        long seq = channel.getNextPublishSeqNo();
        CompletableFuture<Void> confirm = tracker.track(seq, exchange, routingKey);
        boolean sent = false;
        try {
            channel.basicPublish(exchange, routingKey, mandatory, mandatory ? ConfirmTracker.tagged(props, seq) : props, body);
            sent = true;
        } catch (IOException | ShutdownSignalException e) { // closed before sending, or the write failed
            tracker.forget(seq);
            Reason reason = e instanceof ShutdownSignalException ? Reason.NOT_SENT : Reason.CONNECTION_LOST;
            confirm.completeExceptionally(new PublishException(reason, holder.name(), "Connection '" + holder.name()
                    + "': publish to " + Describe.target(exchange, routingKey) + " failed: " + e.getMessage(), e));
        } catch (RuntimeException e) { // e.g. a header value the client cannot encode
            tracker.forget(seq);
            throw e;
        } finally {
            pool.giveBack(lent, sent || !channel.isOpen()); // an open channel is never closed under other publishes
        }
        Duration timeout = holder.settings().channels().confirmTimeout();
        CompletableFuture<Void> outcome = new CompletableFuture<>();
        confirm.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS).whenComplete((ok, failure) -> {
            Throwable ended = failure;
            if (failure instanceof TimeoutException) {
                tracker.forget(seq);
                ended = new PublishException(Reason.TIMED_OUT, holder.name(), "Connection '"
                        + holder.name() + "': publish to " + Describe.target(exchange, routingKey)
                        + " was not confirmed within " + Durations.format(timeout) + " (" + "publish.confirm-timeout)",
                        null);
            }
            record(ended, System.nanoTime() - sentAt); // before the caller can see the outcome
            if (ended == null) {
                outcome.complete(null);
            } else {
                outcome.completeExceptionally(ended);
            }
        });
        return outcome;
    }

    /** Counts a sent publish's outcome; on the thread that settled it (the client's, or the timer's). */
    private void record(Throwable failure, long nanos) {
        Reason reason = failure == null ? null
                : failure instanceof PublishException publish ? publish.reason() : Reason.CONNECTION_LOST;
        if (reason == Reason.NOT_SENT) {
            recorder.notSent(); // the channel had closed before the message went out
        } else {
            recorder.published(reason, nanos);
        }
    }

    private PublishException notSent(String exchange, String routingKey, IOException cause) {
        recorder.notSent();
        return new PublishException(Reason.NOT_SENT, holder.name(), "Connection '" + holder.name() + "': publish to "
                + Describe.target(exchange, routingKey) + " was not sent: " + cause.getMessage(), cause);
    }
}
