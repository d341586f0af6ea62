package dev.tether.bench;

import com.rabbitmq.client.Connection;
import dev.tether.ConnectionSettings;
import dev.tether.NotConnectedException;
import dev.tether.PersistentConnection;
import dev.tether.testing.QpidBroker;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The holder's hot path on a connected holder: {@code get()} and {@code current()}, against the
 * cheapest thing a hand-written holder could do, a read of a volatile {@code Connection} field.
 * Connects to the private RabbitMQ node when {@value BenchMain#URI_PROPERTY} is set, else to an
 * embedded Qpid broker (the broker does not matter here: nothing reaches it).
 *
 * <p>Throughput mode: JMH sums the threads' operations per second, which stays meaningful when
 * there are more threads than cores (8 on 2 here); the driver turns it into nanoseconds per
 * operation per busy core. Average-time mode would average the threads' own times, which an
 * unequal share of the cores distorts.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class HotPathBench {

    private QpidBroker qpid;
    private PersistentConnection holder;
    private volatile Connection field;

    @Setup(Level.Trial)
    public void connect() throws Exception {
        String uri = System.getProperty(BenchMain.URI_PROPERTY);
        if (uri == null) {
            qpid = QpidBroker.start();
            uri = qpid.uri();
        }
        holder = PersistentConnection.builder(ConnectionSettings.builder("bench-hot").uri(uri).build()).build();
        field = holder.await(Duration.ofSeconds(60));
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        holder.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
        if (qpid != null) {
            qpid.close();
        }
    }

    @Benchmark
    public Connection get() throws NotConnectedException {
        return holder.get();
    }

    @Benchmark
    public Optional<Connection> current() {
        return holder.current();
    }

    @Benchmark
    public Connection volatileField() {
        return field;
    }
}
