package dev.tether.e2e;

import dev.tether.Consumers;
import dev.tether.DeliveredMessage;
import dev.tether.Persistent;
import dev.tether.Subscription;
import dev.tether.SubscriptionEvent;
import dev.tether.SubscriptionOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Startup;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Consumes {@value Queues#CONSUMED} through the {@code default} connection's injected {@code Consumers},
 * subscribed once at startup (the broker may be down then: the subscription waits for the first
 * connection, and subscribes after the {@code Connected} observers declared the queue). Nothing here
 * resubscribes or cancels: Tether re-establishes the subscription after every loss and, at shutdown,
 * cancels it and lets the handler in flight finish and be acked before the connection closes.
 *
 * <p>A message whose text starts with {@value #SLOW} takes {@value #SLOW_MILLIS} ms to handle, so the
 * end-to-end test can stop the server while a handler runs.
 */
@ApplicationScoped
public class ConsumedMessages {

    /** Prefix of a message that takes {@value #SLOW_MILLIS} ms to handle. */
    static final String SLOW = "slow-";

    /** How long a {@value #SLOW} message takes to handle. */
    static final long SLOW_MILLIS = 1_000;

    private static final int CAPACITY = 100;

    @Inject
    @Persistent
    Consumers consumers;

    private final Deque<String> texts = new ArrayDeque<>(CAPACITY);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger started = new AtomicInteger();
    private volatile Subscription subscription;

    void subscribe(@Observes Startup startup) {
        subscription = consumers.subscribe(Queues.CONSUMED,
                SubscriptionOptions.builder().prefetch(10).concurrency(2).build(), this::handle);
    }

    void count(@Observes @Persistent SubscriptionEvent.Started event) {
        if (Queues.CONSUMED.equals(event.queue())) {
            started.incrementAndGet();
        }
    }

    /** Runs on one of Tether's handler threads; returning acks the message. */
    private void handle(DeliveredMessage message) throws InterruptedException {
        inFlight.incrementAndGet();
        try {
            String text = new String(message.body(), StandardCharsets.UTF_8);
            if (text.startsWith(SLOW)) {
                Thread.sleep(SLOW_MILLIS); // stands for slow work; throwing (interrupted) would requeue it
            }
            synchronized (texts) {
                if (texts.size() == CAPACITY) {
                    texts.removeFirst();
                }
                texts.addLast(text);
            }
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** @return the subscription's state, {@code null} before startup */
    Subscription.State state() {
        Subscription current = subscription;
        return current == null ? null : current.state();
    }

    /** @return how many times the subscription started consuming (its {@code Started} events) */
    int started() {
        return started.get();
    }

    /** @return how many handlers run now */
    int inFlight() {
        return inFlight.get();
    }

    /** @return the texts handled, oldest first, at most the last 100 */
    List<String> texts() {
        synchronized (texts) {
            return List.copyOf(texts);
        }
    }
}
