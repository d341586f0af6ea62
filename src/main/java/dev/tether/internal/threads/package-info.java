/**
 * How Tether runs its own work: every thread it starts is made by {@link
 * dev.tether.internal.threads.TetherThreads} (a daemon with a clean context: Tether's class loader,
 * no inherited thread locals), and work that must run one task at a time, now or after a delay, goes
 * to a {@link dev.tether.internal.threads.Scheduler}: the holder's state machine ({@code
 * tether-<name>}) and the consumers' subscription work ({@code tether-<name>-consumers}) each on an
 * {@link dev.tether.internal.threads.ExecutorScheduler}, one thread that exists only while there is
 * work; their tests use one virtual-time implementation. Work that must leave the RabbitMQ client's
 * connection thread (publish completions, closing retired and idle channels) runs on a {@link
 * dev.tether.internal.threads.BackgroundThread}.
 *
 * <p>A leaf: may use only the JDK, never another room of Tether. Private API, no compatibility
 * promise.
 */
package dev.tether.internal.threads;
