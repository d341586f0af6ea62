package dev.tether.bench;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.tether.ConnectionSettings;
import dev.tether.PersistentConnection;
import dev.tether.internal.cdi.BenchProxies;
import java.time.Duration;
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
 * {@code createChannel()} and publishing, through Tether's injected {@code Connection} proxy
 * (a holder with its defaults) against a raw client connection with the client's defaults
 * (automatic recovery on), both to the private RabbitMQ node named by
 * {@value BenchMain#URI_PROPERTY}.
 *
 * <p>A channel is created and closed per operation (two round trips to the broker), so channels do
 * not pile up. Messages go to the default exchange with a routing key no queue is bound to: the
 * broker drops them, so nothing accumulates over the run.
 */
@State(Scope.Benchmark)
public class ChannelBench {

    static final String NOWHERE = "tether-bench-unroutable";

    private PersistentConnection holder;
    private Connection proxy;
    private Connection raw;
    private Channel proxyChannel;
    private Channel rawChannel;
    private final byte[] body = new byte[256];

    @Setup(Level.Trial)
    public void connect() throws Exception {
        String uri = System.getProperty(BenchMain.URI_PROPERTY);
        if (uri == null) {
            throw new IllegalStateException("ChannelBench needs RabbitMQ: " + BenchMain.URI_PROPERTY + " is not set");
        }
        BenchProxies.Managed managed = BenchProxies.create(ConnectionSettings.builder("bench-channel").uri(uri).build());
        holder = managed.holder();
        proxy = managed.proxy();
        holder.await(Duration.ofSeconds(60));
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(uri);
        raw = factory.newConnection("bench-raw");
        proxyChannel = proxy.createChannel();
        rawChannel = raw.createChannel();
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        raw.close();
        holder.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public void createChannelProxy() throws Exception {
        proxy.createChannel().close();
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public void createChannelHolderGet() throws Exception {
        holder.get().createChannel().close();
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public void createChannelRaw() throws Exception {
        raw.createChannel().close();
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public void publishProxyChannel() throws Exception {
        proxyChannel.basicPublish("", NOWHERE, null, body);
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public void publishRawChannel() throws Exception {
        rawChannel.basicPublish("", NOWHERE, null, body);
    }
}
