package dev.tether.bench;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.MessageProperties;
import dev.tether.PersistentConnection;
import dev.tether.Publisher;
import com.rabbitmq.client.ConfirmCallback;
import java.io.IOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/**
 * The ways of publishing a confirmed message that the publish part compares. Each publishing
 * thread gets its own {@link Worker}, opened on that thread, which publishes 1 KiB persistent
 * messages to the durable queue {@value PublishBench#QUEUE} until the cell's end and records the
 * latency of every publish that started after the warm-up: from the call until the broker's
 * confirm was seen by the publishing code.
 */
final class PublishContenders {

    /** How long any one confirm may take before the cell counts it as failed. */
    static final long CONFIRM_WAIT_SECONDS = 30;

    private PublishContenders() {
    }

    /** One way of publishing. */
    interface Contender {
        /** @return the name in the table */
        String name();

        /**
         * Opens what one publishing thread needs (a channel for the raw client), on that thread.
         *
         * @param threads how many threads publish in this cell
         */
        Worker worker(int threads) throws Exception;
    }

    /** One publishing thread's loop. */
    interface Worker extends AutoCloseable {
        /**
         * Publishes until {@code end}; records the latency of each publish started at or after {@code from}.
         * Returns once every publish it started has been confirmed or failed.
         */
        void loop(long from, long end, Recorder recorder) throws Exception;

        @Override
        default void close() throws Exception {
        }
    }

    /** One blocking, confirmed publish. */
    @FunctionalInterface
    interface Publish {
        void publish() throws Exception;
    }

    /** Latencies in nanoseconds and failures of one thread (async: written by the confirm thread too). */
    static final class Recorder {
        private long[] nanos = new long[4096];
        private int size;
        private int failures;
        private String firstFailure;

        synchronized void add(long latency) {
            if (size == nanos.length) {
                nanos = Arrays.copyOf(nanos, size * 2);
            }
            nanos[size++] = latency;
        }

        synchronized void fail(Throwable failure) {
            if (failures++ == 0) {
                firstFailure = String.valueOf(failure);
            }
        }

        synchronized int size() {
            return size;
        }

        synchronized long[] latencies() {
            return Arrays.copyOf(nanos, size);
        }

        synchronized int failures() {
            return failures;
        }

        synchronized String firstFailure() {
            return firstFailure;
        }
    }

    /** The contenders, in the order of a round. */
    static List<Contender> all(PersistentConnection holder, PersistentConnection bounded, RabbitTemplate spring,
            Connection raw, byte[] body) {
        Publisher publisher = holder.publisher();
        return List.of(
                contender("Tether Publisher.publish", threads -> blocking(() -> publisher.publish("", PublishBench.QUEUE,
                        MessageProperties.PERSISTENT_BASIC, body), null)),
                contender("Tether publishAsync (" + PublishBench.ASYNC_IN_FLIGHT + " in flight)",
                        threads -> async(publisher, body, Math.max(1, PublishBench.ASYNC_IN_FLIGHT / threads))),
                contender("Spring RabbitTemplate, CORRELATED", threads -> blocking(() -> springPublish(spring, body), null)),
                contender("raw client, waitForConfirms per message", threads -> {
                    Channel channel = raw.createChannel();
                    channel.confirmSelect();
                    return blocking(() -> {
                        channel.basicPublish("", PublishBench.QUEUE, MessageProperties.PERSISTENT_BASIC, body);
                        channel.waitForConfirmsOrDie(TimeUnit.SECONDS.toMillis(CONFIRM_WAIT_SECONDS));
                    }, channel::close);
                }),
                contender("raw client, async confirms (" + PublishBench.ASYNC_IN_FLIGHT + " in flight)",
                        threads -> rawAsync(raw.createChannel(), body, Math.max(1, PublishBench.ASYNC_IN_FLIGHT / threads))),
                contender("Tether publishAsync, no caller window (publish.max-outstanding=" + PublishBench.ASYNC_IN_FLIGHT
                        + ")", threads -> unwindowed(bounded.publisher(), body)));
    }

    /**
     * The blocking publish as it is (waiting on the confirm with the confirm timeout) beside the way it
     * was before: {@code publishAsync(...).get()}, whose confirm timeout is a timer scheduled per publish.
     */
    static List<Contender> timerComparison(PersistentConnection holder, byte[] body) {
        Publisher publisher = holder.publisher();
        return List.of(
                contender("Tether publish(), no timer", threads -> blocking(() -> publisher.publish("", PublishBench.QUEUE,
                        MessageProperties.PERSISTENT_BASIC, body), null)),
                contender("Tether publishAsync().get(), timer per publish", threads -> blocking(() -> publisher
                        .publishAsync("", PublishBench.QUEUE, MessageProperties.PERSISTENT_BASIC, body)
                        .toCompletableFuture().get(CONFIRM_WAIT_SECONDS, TimeUnit.SECONDS), null)));
    }

    private interface WorkerFactory {
        Worker open(int threads) throws Exception;
    }

    private static Contender contender(String name, WorkerFactory factory) {
        return new Contender() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Worker worker(int threads) throws Exception {
                return factory.open(threads);
            }
        };
    }

    /** What a Spring AMQP user writes: a new message, correlation data, and a wait on its future. */
    private static void springPublish(RabbitTemplate template, byte[] body) throws Exception {
        org.springframework.amqp.core.MessageProperties props = new org.springframework.amqp.core.MessageProperties();
        props.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
        CorrelationData correlation = new CorrelationData();
        template.send("", PublishBench.QUEUE, new Message(body, props), correlation);
        CorrelationData.Confirm confirm = correlation.getFuture().get(CONFIRM_WAIT_SECONDS, TimeUnit.SECONDS);
        if (!confirm.ack()) {
            throw new IllegalStateException("nacked: " + confirm.reason());
        }
    }

    private static Worker blocking(Publish publish, AutoCloseable resource) {
        return new Worker() {
            @Override
            public void loop(long from, long end, Recorder recorder) {
                for (long start; (start = System.nanoTime()) < end; ) {
                    try {
                        publish.publish();
                        long took = System.nanoTime() - start;
                        if (start >= from) {
                            recorder.add(took);
                        }
                    } catch (Exception e) {
                        recorder.fail(e);
                    }
                }
            }

            @Override
            public void close() throws Exception {
                if (resource != null) {
                    resource.close();
                }
            }
        };
    }

    /**
     * The machine's ceiling: one channel per thread in confirm mode with a {@code ConfirmListener} and
     * up to {@code window} publishes awaiting their confirm, tracked by sequence number, no timeouts.
     */
    private static Worker rawAsync(Channel channel, byte[] body, int window) throws IOException {
        channel.confirmSelect();
        Semaphore free = new Semaphore(window);
        ConcurrentSkipListMap<Long, long[]> outstanding = new ConcurrentSkipListMap<>(); // seq -> {start, from}
        Recorder[] recorder = new Recorder[1];
        ConfirmCallback settle = (tag, multiple) -> {
            Map<Long, long[]> done = multiple ? outstanding.headMap(tag, true) : outstanding.subMap(tag, true, tag, true);
            long now = System.nanoTime();
            for (Iterator<long[]> it = done.values().iterator(); it.hasNext(); ) {
                long[] publish = it.next();
                it.remove();
                if (publish[0] >= publish[1]) {
                    recorder[0].add(now - publish[0]);
                }
                free.release();
            }
        };
        channel.addConfirmListener(settle, (tag, multiple) -> {
            recorder[0].fail(new IllegalStateException("nacked " + tag));
            settle.handle(tag, multiple);
        });
        return new Worker() {
            @Override
            public void loop(long from, long end, Recorder rec) throws Exception {
                recorder[0] = rec;
                windowed(free, window, end, start -> {
                    outstanding.put(channel.getNextPublishSeqNo(), new long[] {start, from});
                    channel.basicPublish("", PublishBench.QUEUE, MessageProperties.PERSISTENT_BASIC, body);
                });
            }

            @Override
            public void close() throws Exception {
                channel.close();
            }
        };
    }

    /** Keeps up to {@code window} publishes of this thread awaiting their confirm. */
    private static Worker async(Publisher publisher, byte[] body, int window) {
        return (from, end, recorder) -> {
            Semaphore free = new Semaphore(window);
            windowed(free, window, end, start -> publisher.publishAsync("", PublishBench.QUEUE,
                    MessageProperties.PERSISTENT_BASIC, body).whenComplete((ok, failure) -> {
                        long took = System.nanoTime() - start;
                        if (failure != null) {
                            recorder.fail(failure);
                        } else if (start >= from) {
                            recorder.add(took);
                        }
                        free.release();
                    }));
        };
    }

    /**
     * Publishes as fast as {@code publishAsync} returns, with no window of the caller's: the only
     * bound is the publisher's {@code publish.max-outstanding}, at which {@code publishAsync} waits.
     */
    private static Worker unwindowed(Publisher publisher, byte[] body) {
        return async(publisher, body, 1 << 24); // a window that never fills: it only counts what to wait for at the end
    }

    /** Sends one publish started at {@code start}; its confirm releases a permit. */
    @FunctionalInterface
    private interface Send {
        void at(long start) throws Exception;
    }

    /**
     * Sends until {@code end} with at most {@code window} publishes awaiting their confirm (one
     * permit of {@code free} each), then waits for all of them to settle.
     */
    private static void windowed(Semaphore free, int window, long end, Send send) throws Exception {
        while (true) {
            free.acquire();
            long start = System.nanoTime();
            if (start >= end) {
                free.release();
                break;
            }
            send.at(start);
        }
        if (!free.tryAcquire(window, CONFIRM_WAIT_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException((window - free.availablePermits()) + " publishes not settled after "
                    + CONFIRM_WAIT_SECONDS + " s");
        }
    }
}
