package dev.tether.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.tether.PersistentConnection;
import dev.tether.Subscription;
import dev.tether.SubscriptionOptions;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.MessageListener;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;

/**
 * The ways of consuming that the consume part compares. Each consumes the preloaded queue
 * {@value ConsumeBench#QUEUE} with manual acknowledgements, one ack per message sent once the
 * handler returned, with a given prefetch and a given number of handlers; the handler only counts
 * the message ({@link Tally#handled()}), so what is measured is the consuming machinery.
 */
final class ConsumeContenders {

    private ConsumeContenders() {
    }

    /** One way of consuming. */
    interface Contender {
        /** @return the name in the table */
        String name();

        /** Starts consuming; every handled message is counted in {@code tally}. */
        Running start(int prefetch, int handlers, Tally tally) throws Exception;

        /** @return whether it runs with this many handlers */
        default boolean runs(int handlers) {
            return true;
        }
    }

    /** A consumer started by a contender; {@link #close()} cancels it and releases what it opened. */
    interface Running extends AutoCloseable {
        @Override
        void close() throws Exception;
    }

    /**
     * Counts handled messages of one cell and notes when the warm-up count and the last one were
     * reached; the rate is taken between the two, so start-up and the JIT's first work stay out of it.
     */
    static final class Tally {
        private final long total;
        private final long warmup;
        private final AtomicLong handled = new AtomicLong();
        private final CountDownLatch done = new CountDownLatch(1);
        private final AtomicInteger failures = new AtomicInteger();
        private volatile long warmedAt;
        private volatile long endedAt;
        private volatile long warmedCpu;
        private volatile long endedCpu;
        private volatile String firstFailure;

        Tally(long total, long warmup) {
            this.total = total;
            this.warmup = warmup;
        }

        void handled() {
            long n = handled.incrementAndGet();
            if (n == warmup) {
                warmedAt = System.nanoTime();
                warmedCpu = processCpuNanos();
            }
            if (n == total) {
                endedAt = System.nanoTime();
                endedCpu = processCpuNanos();
                done.countDown();
            }
        }

        void failed(Exception e) {
            if (failures.getAndIncrement() == 0) {
                firstFailure = String.valueOf(e);
            }
        }

        boolean await(long timeout, TimeUnit unit) throws InterruptedException {
            return done.await(timeout, unit);
        }

        long handledCount() {
            return handled.get();
        }

        /** @return messages per second from the warm-up count to the last message */
        double rate() {
            return (total - warmup) / ((endedAt - warmedAt) / 1e9);
        }

        /**
         * @return CPU time this JVM (the client side only: the broker is another process) spent per
         *     message over the same span, in microseconds; less sensitive to other work on the machine
         *     than the rate
         */
        double cpuMicrosPerMessage() {
            return (endedCpu - warmedCpu) / 1e3 / (total - warmup);
        }

        private static long processCpuNanos() {
            return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime();
        }

        int failures() {
            return failures.get();
        }

        String firstFailure() {
            return firstFailure;
        }
    }

    /** The contenders, in the order of a round. */
    static List<Contender> all(PersistentConnection holder, Connection raw, CachingConnectionFactory spring) {
        return List.of(tether(holder), raw(raw), spring(spring), rawHandOff(raw));
    }

    /** Tether's {@code Consumers.subscribe}: one channel, {@code basic.qos(prefetch, false)}, handlers on its threads. */
    private static Contender tether(PersistentConnection holder) {
        return contender("Tether Consumers.subscribe", (prefetch, handlers, tally) -> {
            Subscription subscription = holder.consumers().subscribe(ConsumeBench.QUEUE,
                    SubscriptionOptions.builder().prefetch(prefetch).concurrency(handlers).build(),
                    message -> tally.handled());
            return () -> subscription.cancel().toCompletableFuture().get(60, TimeUnit.SECONDS);
        });
    }

    /**
     * The raw client: one channel with {@code basic.qos(prefetch, false)} and one consumer, as Tether
     * has. With one handler the consumer handles and acks in {@code handleDelivery}, on the client's
     * own dispatch thread (what a raw-client user writes); with more, {@code handleDelivery} hands each
     * message to a fixed pool of that many worker threads, which count and ack it on the same channel
     * (the client dispatches one channel's deliveries one at a time, so this is how a raw consumer
     * gets concurrency without multiplying the prefetch).
     */
    private static Contender raw(Connection connection) {
        return contender("raw client basicConsume", (prefetch, handlers, tally) -> {
            Channel channel = connection.createChannel();
            channel.basicQos(prefetch, false);
            // handlers -1: one worker thread (the reference hand-off), 1: on the client's dispatch thread
            ExecutorService workers = handlers == 1 ? null : Executors.newFixedThreadPool(Math.abs(handlers), r -> {
                Thread thread = new Thread(r, "bench-raw-handler");
                thread.setDaemon(true);
                return thread;
            });
            String tag = channel.basicConsume(ConsumeBench.QUEUE, false, new DefaultConsumer(channel) {
                @Override
                public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties,
                        byte[] body) {
                    long deliveryTag = envelope.getDeliveryTag();
                    if (workers == null) {
                        handleAndAck(channel, deliveryTag, tally);
                    } else {
                        workers.execute(() -> handleAndAck(channel, deliveryTag, tally));
                    }
                }
            });
            return () -> {
                channel.basicCancel(tag);
                if (workers != null) {
                    workers.shutdown();
                    workers.awaitTermination(30, TimeUnit.SECONDS);
                }
                channel.close();
            };
        });
    }

    /**
     * For reference, with one handler only: the raw client's consumer handing every delivery to one
     * worker thread, which counts and acks it; what running handlers off the client's dispatch thread
     * (issue 19, property 4) costs without anything else of Tether.
     */
    private static Contender rawHandOff(Connection connection) {
        Contender inline = raw(connection);
        return new Contender() {
            @Override
            public String name() {
                return "raw client, hand-off to 1 worker thread";
            }

            @Override
            public Running start(int prefetch, int handlers, Tally tally) throws Exception {
                return inline.start(prefetch, -1, tally);
            }

            @Override
            public boolean runs(int handlers) {
                return handlers == 1;
            }
        };
    }

    private static void handleAndAck(Channel channel, long deliveryTag, Tally tally) {
        tally.handled();
        try {
            channel.basicAck(deliveryTag, false);
        } catch (IOException | RuntimeException e) {
            tally.failed(e);
        }
    }

    /**
     * Spring AMQP's {@code SimpleMessageListenerContainer} with {@code AcknowledgeMode.AUTO}: the
     * container acks each message after the listener returned (and nacks when it throws), which is
     * Tether's contract; {@code prefetchCount} and {@code concurrentConsumers} as given. Each of
     * Spring's concurrent consumers has its own channel and its own prefetch, so with 8 handlers it
     * holds up to 8 x prefetch unacknowledged messages (Tether and the raw client: prefetch): a
     * Spring user's configuration for "prefetch P, 8 consumers", and if anything in Spring's favour.
     */
    private static Contender spring(CachingConnectionFactory factory) {
        return contender("Spring SimpleMessageListenerContainer", (prefetch, handlers, tally) -> {
            SimpleMessageListenerContainer container = new SimpleMessageListenerContainer(factory);
            container.setQueueNames(ConsumeBench.QUEUE);
            container.setAcknowledgeMode(AcknowledgeMode.AUTO);
            container.setPrefetchCount(prefetch);
            container.setConcurrentConsumers(handlers);
            container.setMessageListener((MessageListener) message -> tally.handled());
            container.afterPropertiesSet();
            container.start();
            return () -> {
                container.stop();
                container.destroy();
            };
        });
    }

    private interface Starter {
        Running start(int prefetch, int handlers, Tally tally) throws Exception;
    }

    private static Contender contender(String name, Starter starter) {
        return new Contender() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Running start(int prefetch, int handlers, Tally tally) throws Exception {
                return starter.start(prefetch, handlers, tally);
            }
        };
    }
}
