package dev.tether.internal.publish;

import dev.tether.internal.access.ConnectionAccess;
import dev.tether.ChannelSettings;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ShutdownSignalException;
import dev.tether.ConnectionState;
import dev.tether.PublishException;
import dev.tether.PublishException.Reason;
import dev.tether.Publisher;
import dev.tether.internal.values.Durations;
import dev.tether.internal.channels.ChannelPool;
import dev.tether.internal.channels.PooledChannel;
import dev.tether.internal.metrics.Recorder;
import dev.tether.internal.threads.BackgroundThread;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The {@link Publisher} of one holder. A publish borrows a confirm channel only to send: it tracks
 * the next sequence number with the channel's {@link ConfirmTracker}, sends, and gives the channel
 * back; the confirm settles it later. Every publish ends after {@code publish.confirm-timeout} at
 * the latest: a blocking publish waits on the confirm with that limit, an asynchronous one has a
 * timer ({@link CompletableFuture#orTimeout}). The blocking form has no timer: with one publish
 * outstanding, each timer task becomes the head of the timer's queue and wakes its thread, a thread
 * wake per message. When its wait times out, failing the confirm decides between the timeout and a
 * confirm that came just then. An interrupted blocking publish gets a timer for the rest of its wait,
 * so that its outcome is still counted, once, like every sent publish's.
 *
 * <p>Threads: acks, nacks and channel closes complete the tracker's internal futures on the
 * client's connection thread; the stage {@code publishAsync} returns is completed on the publisher's
 * {@link BackgroundThread} ({@code tether-<name>-publish}), so that code there may call Tether again
 * (republish, declare through {@code Channels}) without stalling the connection. A stage already
 * failed when returned ({@code NOT_SENT}) runs its dependents on the caller's thread.
 *
 * <p>At most {@code publish.max-outstanding} publishes await their confirm at once
 * ({@link OutstandingLimit}): a publish at the bound waits for room up to {@code publish.confirm-timeout}
 * before it borrows a channel, then fails {@code NOT_SENT}; on the publisher's own thread and the
 * holder's it fails at once, as room may only come from work queued behind it there.
 *
 * <p>While the broker blocks publishers ({@code connection.blocked}), a publish waits up to
 * {@code publish.confirm-timeout} for the block to lift before it borrows a channel, then fails
 * {@code NOT_SENT} ({@link BlockedGate}). A channel on which the client refused to send a message
 * (a {@link RuntimeException} from {@code basicPublish}: its sequence numbers no longer match the
 * broker's) is retired: lent no more, and closed once its outstanding publishes have settled.
 */
public final class ConfirmingPublisher implements Publisher {

    /**
     * A publish on the wire: its confirm, the tracker and sequence number to stop tracking it, and
     * when it was sent ({@link System#nanoTime()}, for the duration metric).
     */
    record Sent(CompletableFuture<Void> confirm, ConfirmTracker tracker, long seq, long sentAt) {
    }

    private static final System.Logger LOG = System.getLogger("dev.tether");

    private final ConnectionAccess holder;
    private final Duration confirmTimeout;
    private final ChannelPool<ConfirmTracker> pool;
    private final Recorder recorder;
    private final BackgroundThread background;
    private final BlockedGate blocked = new BlockedGate();
    private final OutstandingLimit limit;

    /**
     * @param holder the port to the holder whose connection the confirm channels belong to
     * @param settings the most confirm channels ({@code channels.max}), the checkout and confirm timeouts
     * @param maxOutstanding the most publishes awaiting their confirm at once ({@code publish.max-outstanding})
     * @param recorder observes the pool, its borrow waits and every publish's outcome
     */
    public ConfirmingPublisher(ConnectionAccess holder, ChannelSettings settings, int maxOutstanding,
            Recorder recorder) {
        this.holder = holder;
        this.confirmTimeout = settings.confirmTimeout();
        this.recorder = recorder;
        String name = holder.name();
        this.background = new BackgroundThread("tether-" + name + "-publish");
        this.limit = new OutstandingLimit(name, maxOutstanding);
        this.pool = new ChannelPool<>(holder, "confirm channel", settings, channel -> {
            blocked.watch(channel.getConnection());
            return ConfirmTracker.attach(channel, name, () -> holder.status().state() == ConnectionState.CLOSED,
                    limit::release);
        }, lent -> lent.attachment().retire(lent.channel(), background),
                waitNanos -> recorder.borrowed(Recorder.CONFIRM_CHANNELS, waitNanos), background, ChannelPool.IDLE_TIME);
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
        Sent sent;
        try {
            sent = send(exchange, routingKey, mandatory, props, body);
        } catch (InterruptedIOException e) {
            if (Thread.interrupted()) {
                throw new InterruptedException(e.getMessage());
            }
            throw notSent(exchange, routingKey, e);
        } catch (IOException e) {
            throw notSent(exchange, routingKey, e);
        }
        Duration timeout = confirmTimeout;
        long waitFrom = System.nanoTime();
        Throwable ended;
        try {
            ended = awaitOutcome(sent, timeout.toNanos(), () -> timedOut(exchange, routingKey, timeout));
        } catch (InterruptedException e) { // the caller stops waiting; the outcome is still counted when it comes
            settle(sent, exchange, routingKey, timeout.toNanos() - (System.nanoTime() - waitFrom));
            throw e;
        }
        record(ended, sent);
        if (ended != null) {
            throw ended instanceof PublishException publish ? publish
                    : new PublishException(Reason.CONNECTION_LOST, holder.name(), ended.toString(), ended);
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
        Sent sent;
        try {
            sent = send(exchange, routingKey, mandatory, props, body);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(notSent(exchange, routingKey, e));
        }
        return settle(sent, exchange, routingKey, confirmTimeout.toNanos());
    }

    /** Closes the pool of confirm channels (the holder is closing; their connection goes with it). */
    public void close() {
        pool.close();
        background.close();
    }

    /** @return the pool, for tests */
    ChannelPool<ConfirmTracker> pool() {
        return pool;
    }

    /** @return whether the broker blocks publishers, as the publish path sees it, for tests */
    BlockedGate blocked() {
        return blocked;
    }

    /** @return how many publishes await their confirm (hold room under {@code publish.max-outstanding}), for tests */
    int outstanding() {
        return limit.outstanding();
    }

    /**
     * Sends on a borrowed confirm channel, once the broker does not block publishers.
     *
     * @return the publish, whose confirm completes exceptionally with a {@link PublishException} only
     * @throws IOException if nothing was sent because the broker blocked publishers, or no room came
     *         among the outstanding publishes, within {@code publish.confirm-timeout}, or no confirm
     *         channel could be borrowed
     */
    private Sent send(String exchange, String routingKey, boolean mandatory,
            AMQP.BasicProperties props, byte[] body) throws IOException {
        Objects.requireNonNull(exchange, "exchange");
        Objects.requireNonNull(routingKey, "routingKey");
        Objects.requireNonNull(body, "body");
        blocked.awaitOrFail(confirmTimeout, holder.name());
        limit.acquire(confirmTimeout, !background.isCurrent() && !holder.onHoldersThread());
        PooledChannel<ConfirmTracker> lent = null;
        try {
            lent = pool.borrow();
        } catch (IllegalStateException e) { // on the holder's thread, with no connection to wait for
            throw new IOException(e.getMessage(), e);
        } finally {
            if (lent == null) {
                limit.release(); // from here on, the tracker gives the room back
            }
        }
        Channel channel = lent.channel();
        ConfirmTracker tracker = lent.attachment();
        long sentAt = System.nanoTime();
        long seq = channel.getNextPublishSeqNo();
        CompletableFuture<Void> confirm = tracker.track(seq, exchange, routingKey);
        boolean reusable = false;
        try {
            channel.basicPublish(exchange, routingKey, mandatory, mandatory ? ConfirmTracker.tagged(props, seq) : props, body);
            tracker.sent(seq);
            reusable = true;
        } catch (ShutdownSignalException e) { // closed before sending: nothing went out
            tracker.notSent(seq, e);
        } catch (IOException e) { // the write failed: part of it may have gone out
            tracker.forget(seq);
            confirm.completeExceptionally(new PublishException(Reason.CONNECTION_LOST, holder.name(), "Connection '"
                    + holder.name() + "': publish to " + Describe.target(exchange, routingKey) + " failed: "
                    + e.getMessage(), e, exchange, routingKey, 0, null));
        } catch (RuntimeException e) { // the client refused it before writing (a header it cannot encode, frame_max)
            tracker.notSent(seq, e); // and the channel's sequence numbers are now one ahead of the broker's: retired
        } finally {
            pool.giveBack(lent, reusable); // retired, not closed: other threads' publishes on it still settle
        }
        return new Sent(confirm, tracker, seq, sentAt);
    }

    /**
     * Turns a sent publish into its outcome once, with a timer: its confirm, or {@code TIMED_OUT}
     * after {@code timeoutNanos}; counts it before the returned stage completes.
     *
     * @return the publish's outcome, completed exceptionally with a {@link PublishException}
     */
    private CompletableFuture<Void> settle(Sent sent, String exchange, String routingKey, long timeoutNanos) {
        Duration timeout = confirmTimeout;
        CompletableFuture<Void> outcome = new CompletableFuture<>();
        sent.confirm().orTimeout(Math.max(0, timeoutNanos), TimeUnit.NANOSECONDS).whenCompleteAsync((ok, failure) -> {
            Throwable ended = failure;
            if (failure instanceof TimeoutException) {
                sent.tracker().forget(sent.seq());
                ended = timedOut(exchange, routingKey, timeout);
            }
            try {
                record(ended, sent); // before the caller can see the outcome
            } finally {
                if (ended == null) {
                    outcome.complete(null);
                } else {
                    outcome.completeExceptionally(ended);
                }
            }
        }, background); // never the connection thread, nor the JDK's shared timer thread
        return outcome;
    }

    /**
     * Waits on the caller's thread, without a timer, for a sent publish's outcome. When the wait
     * times out, failing the confirm decides: a confirm that came first stands, else the publish
     * times out and is no longer tracked.
     *
     * @return {@code null} when confirmed, else the failure (a {@link PublishException} but for a client error)
     * @throws InterruptedException if the caller was interrupted meanwhile; the publish is still tracked
     */
    static Throwable awaitOutcome(Sent sent, long timeoutNanos, Supplier<PublishException> timedOut)
            throws InterruptedException {
        CompletableFuture<Void> confirm = sent.confirm();
        try {
            confirm.get(timeoutNanos, TimeUnit.NANOSECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            if (confirm.completeExceptionally(timedOut.get())) {
                sent.tracker().forget(sent.seq()); // a confirm coming later finds nothing
            }
            return confirm.handle((ok, failure) -> failure).join(); // settled now: ours, or the confirm before it
        }
    }

    private PublishException timedOut(String exchange, String routingKey, Duration timeout) {
        return new PublishException(Reason.TIMED_OUT, holder.name(), "Connection '" + holder.name() + "': publish to "
                + Describe.target(exchange, routingKey) + " was not confirmed within " + Durations.format(timeout)
                + " (publish.confirm-timeout)", null);
    }

    /**
     * Counts a sent publish's outcome, on the thread that settled it (the caller's, the client's or
     * the timer's). Never throws: a publish never fails for a metric.
     */
    private void record(Throwable failure, Sent sent) {
        Reason reason = failure == null ? null
                : failure instanceof PublishException publish ? publish.reason() : Reason.CONNECTION_LOST;
        try {
            if (reason == Reason.NOT_SENT) {
                recorder.notSent(); // the channel had closed before the message went out
            } else {
                recorder.published(reason, System.nanoTime() - sent.sentAt());
            }
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, () -> "Recording a publish outcome failed: " + e);
        }
    }

    private PublishException notSent(String exchange, String routingKey, IOException cause) {
        recorder.notSent();
        Throwable why = cause.getCause() instanceof IllegalStateException misuse ? misuse : cause;
        return new PublishException(Reason.NOT_SENT, holder.name(), "Connection '" + holder.name() + "': publish to "
                + Describe.target(exchange, routingKey) + " was not sent: " + cause.getMessage(), why, exchange,
                routingKey, 0, null);
    }
}
