package dev.tether.internal.metrics;

import static dev.tether.internal.metrics.OpenTelemetryInstruments.CHANNEL_STATE;
import static dev.tether.internal.metrics.OpenTelemetryInstruments.CONNECTION_NAME;
import static dev.tether.internal.metrics.OpenTelemetryInstruments.CONNECTION_STATE;
import static dev.tether.internal.metrics.OpenTelemetryInstruments.ERROR_TYPE;
import static dev.tether.internal.metrics.OpenTelemetryInstruments.MESSAGING_SYSTEM;
import static dev.tether.internal.metrics.OpenTelemetryInstruments.OPERATION;
import static dev.tether.internal.metrics.OpenTelemetryInstruments.POOL;

import dev.tether.ConnectionEvent;
import dev.tether.ConnectionState;
import dev.tether.PublishException;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import java.lang.System.Logger.Level;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * One holder's metrics in OpenTelemetry: counts its events, records its outages, pool waits and
 * publishes, and observes its state and pools until closed. Attributes carry the connection's name
 * and low-cardinality kinds, never an address or a credential.
 */
final class OpenTelemetryRecorder implements Recorder {

    private static final System.Logger LOG = System.getLogger("dev.tether");

    private final OpenTelemetryInstruments instruments;
    private final Attributes connection;
    private final Attributes publish;
    private final Attributes channels;
    private final Attributes confirms;
    private final Attributes consumer;
    private final Map<String, Attributes> settlements = new java.util.HashMap<>();
    private final Map<ConnectionState, Attributes> states = new EnumMap<>(ConnectionState.class);
    private final Map<PublishException.Reason, Attributes> failures = new EnumMap<>(PublishException.Reason.class);
    private final List<AutoCloseable> observers = new CopyOnWriteArrayList<>();
    private volatile boolean blocked;
    private volatile boolean closed;
    /** Confined to the holder's thread: whether a connection was lost and has not come back yet. */
    private boolean lost;

    OpenTelemetryRecorder(OpenTelemetryInstruments instruments, String name, Supplier<ConnectionState> state) {
        this.instruments = instruments;
        this.connection = Attributes.of(CONNECTION_NAME, name);
        this.channels = Attributes.of(CONNECTION_NAME, name, POOL, Recorder.CHANNELS);
        this.confirms = Attributes.of(CONNECTION_NAME, name, POOL, Recorder.CONFIRM_CHANNELS);
        this.publish = Attributes.of(CONNECTION_NAME, name, MESSAGING_SYSTEM, "rabbitmq", OPERATION, "publish");
        this.consumer = Attributes.of(CONNECTION_NAME, name, MESSAGING_SYSTEM, "rabbitmq", OPERATION, "process");
        for (String settlement : List.of(Recorder.ACK, Recorder.REQUEUE, Recorder.REJECT)) {
            settlements.put(settlement, consumer.toBuilder().put(OpenTelemetryInstruments.SETTLEMENT, settlement).build());
        }
        for (ConnectionState each : ConnectionState.values()) {
            states.put(each, Attributes.of(CONNECTION_NAME, name, CONNECTION_STATE, lower(each)));
        }
        for (PublishException.Reason each : PublishException.Reason.values()) {
            failures.put(each, publish.toBuilder().put(ERROR_TYPE, lower(each)).build());
        }
        try { // never fail a holder's construction for a metric: without its callbacks, the state is not observed
            Meter meter = instruments.meter;
            observers.add(meter.upDownCounterBuilder("tether.connection.state").setUnit("{connection}")
                    .setDescription("1 for the holder's current state, 0 for the others").buildWithCallback(m -> {
                        ConnectionState now = state.get();
                        states.forEach((each, attributes) -> m.record(each == now ? 1 : 0, attributes));
                    }));
            observers.add(meter.upDownCounterBuilder("tether.connection.blocked").setUnit("{connection}")
                    .setDescription("1 while the broker blocks the connection's publishers, else 0")
                    .buildWithCallback(m -> m.record(blocked ? 1 : 0, connection)));
        } catch (RuntimeException | LinkageError e) {
            notObserved("connection '" + name + "'", e);
        }
    }

    @Override
    public void onEvent(ConnectionEvent event) {
        try {
            record(event);
        } catch (RuntimeException | LinkageError e) { // never reject a connection or fail an event for a metric
            failed(e);
        }
    }

    private void record(ConnectionEvent event) {
        if (event instanceof ConnectionEvent.Connected connected) {
            if (lost) {
                instruments.outages.record(seconds(connected.downtime().toNanos()), connection);
                lost = false;
            }
            instruments.connects.add(1, connection);
            blocked = false;
        } else if (event instanceof ConnectionEvent.Disconnected disconnected) {
            if (!disconnected.applicationInitiated()) {
                instruments.losses.add(1, connection);
                lost = true;
            }
            blocked = false;
        } else if (event instanceof ConnectionEvent.ConnectFailed failed) {
            instruments.failedAttempts.add(1, connection.toBuilder().put(ERROR_TYPE, lower(failed.kind())).build());
        } else if (event instanceof ConnectionEvent.Blocked) {
            blocked = true;
        } else if (event instanceof ConnectionEvent.Unblocked) {
            blocked = false;
        }
    }

    @Override
    public void observe(String pool, PoolStats stats) {
        try { // a pool is never refused for a metric: without its callbacks, it is not observed
            register(pool, stats);
        } catch (RuntimeException | LinkageError e) {
            notObserved("the " + pool + " pool of connection '" + connection.get(CONNECTION_NAME) + "'", e);
        }
        if (closed) {
            close(); // the holder closed meanwhile
        }
    }

    private void register(String pool, PoolStats stats) {
        Attributes of = connection.toBuilder().put(POOL, pool).build();
        Attributes idle = of.toBuilder().put(CHANNEL_STATE, "idle").build();
        Attributes used = of.toBuilder().put(CHANNEL_STATE, "used").build();
        Meter meter = instruments.meter;
        observers.add(meter.upDownCounterBuilder("tether.channel.count").setUnit("{channel}")
                .setDescription("Open pooled channels, by tether.channel.state (idle or used)").buildWithCallback(m -> {
                    m.record(stats.idle(), idle);
                    m.record(stats.lent(), used);
                }));
        observers.add(meter.upDownCounterBuilder("tether.channel.max").setUnit("{channel}")
                .setDescription("The most channels the pool lends at once (channels.max)")
                .buildWithCallback(m -> m.record(stats.max(), of)));
        observers.add(meter.upDownCounterBuilder("tether.channel.pending_requests").setUnit("{request}")
                .setDescription("Borrowers waiting for a free channel")
                .buildWithCallback(m -> m.record(stats.waiting(), of)));
    }

    @Override
    public void borrowed(String pool, long waitNanos) {
        try {
            instruments.channelWaits.record(seconds(waitNanos), Recorder.CHANNELS.equals(pool) ? channels : confirms);
        } catch (RuntimeException | LinkageError e) { // a borrow never fails for a metric
            failed(e);
        }
    }

    @Override
    public void published(PublishException.Reason failure, long nanos) {
        Attributes attributes = failure == null ? publish : failures.get(failure);
        try {
            instruments.sent.add(1, attributes);
            instruments.publishDurations.record(seconds(nanos), attributes);
        } catch (RuntimeException | LinkageError e) {
            failed(e);
        }
    }

    @Override
    public void consumed(String settlement, boolean redelivered, long nanos) {
        Attributes attributes = settlements.getOrDefault(settlement, consumer);
        try {
            instruments.consumed.add(1, attributes);
            instruments.processDurations.record(seconds(nanos), attributes);
            if (redelivered) {
                instruments.redelivered.add(1, consumer);
            }
        } catch (RuntimeException | LinkageError e) {
            failed(e);
        }
    }

    @Override
    public void resubscribed() {
        try {
            instruments.resubscribes.add(1, connection);
        } catch (RuntimeException | LinkageError e) {
            failed(e);
        }
    }

    @Override
    public void droppedAck() {
        try {
            instruments.droppedAcks.add(1, connection);
        } catch (RuntimeException | LinkageError e) {
            failed(e);
        }
    }

    @Override
    public void notSent() {
        try {
            instruments.unsent.add(1, failures.get(PublishException.Reason.NOT_SENT));
        } catch (RuntimeException | LinkageError e) {
            failed(e);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (AutoCloseable observer : observers) {
            if (observers.remove(observer)) {
                try {
                    observer.close();
                } catch (Exception e) {
                    LOG.log(Level.DEBUG, () -> "Closing a metrics callback failed: " + e);
                }
            }
        }
    }

    /** Once per holder or pool, so at WARNING: its gauges are missing until it closes. */
    private static void notObserved(String what, Throwable e) {
        LOG.log(Level.WARNING, () -> "Tether metrics: " + what + " is not observed: registering its callbacks failed: "
                + e);
    }

    private static void failed(Throwable e) { // a RuntimeException, or a LinkageError of a mismatched OpenTelemetry API
        LOG.log(Level.DEBUG, () -> "Recording a Tether metric failed: " + e);
    }

    private static double seconds(long nanos) {
        return Math.max(0, nanos) / 1e9;
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
