package dev.tether.bench;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.tether.ConnectionSettings;
import dev.tether.internal.cdi.BenchProxies;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The channel part's comparisons once more, interleaved in one JVM: Tether's proxy and the raw
 * connection take turns (ABBA), operation by operation for {@code createChannel()} and in 100 ms
 * windows for publishing, so that a load which drifts during the run (two cores, a broker and
 * often other builds beside) weighs on both alike. JMH runs each benchmark in its own fork, one
 * after the other, and cannot pair them like this.
 */
final class ChannelPaired {

    private static final long WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private ChannelPaired() {
    }

    static void run(Report report, BenchMain.Settings settings, String uri) throws Exception {
        BenchProxies.Managed managed = BenchProxies.create(ConnectionSettings.builder("bench-paired").uri(uri).build());
        managed.holder().await(Duration.ofSeconds(60));
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(uri);
        Connection raw = factory.newConnection("bench-paired-raw");
        Connection proxy = managed.proxy();
        try {
            int pairs = settings.pairedOperations();
            BenchMain.say("channel, interleaved: " + pairs + " createChannel()+close pairs, proxy and raw in turn");
            createChannel(proxy, raw, pairs / 4, null, null);
            List<Double> proxyMicros = new ArrayList<>();
            List<Double> rawMicros = new ArrayList<>();
            createChannel(proxy, raw, pairs, proxyMicros, rawMicros);
            Stats p = Stats.of(proxyMicros);
            Stats r = Stats.of(rawMicros);
            report.add(new Report.Row("channel", "createChannel()+close, proxy vs raw interleaved", "us", p.median(), p.p90(),
                    "raw client connection", r.median(), r.p90(), "median within 5 % of raw", p.median() / r.median() <= 1.05,
                    pairs + " pairs, ABBA order, one JVM"));

            int windows = settings.pairedWindows();
            BenchMain.say("channel, interleaved: publishing in " + windows + " windows of 100 ms each way");
            Channel proxyChannel = proxy.createChannel();
            Channel rawChannel = raw.createChannel();
            publish(proxyChannel, rawChannel, windows / 4, null, null);
            List<Double> proxyRates = new ArrayList<>();
            List<Double> rawRates = new ArrayList<>();
            publish(proxyChannel, rawChannel, windows, proxyRates, rawRates);
            Stats pp = Stats.of(proxyRates);
            Stats rp = Stats.of(rawRates);
            report.add(new Report.Row("channel", "basicPublish 256 B, proxy vs raw interleaved", "msg/s", pp.median(),
                    Double.NaN, "channel from raw connection", rp.median(), Double.NaN, "throughput within 2 % of raw",
                    pp.median() / rp.median() >= 0.98,
                    windows + " windows of 100 ms each way, ABBA order, median of the windows' rates; totals "
                            + Report.fmt(sum(proxyRates) / proxyRates.size()) + " (raw "
                            + Report.fmt(sum(rawRates) / rawRates.size()) + ") msg/s on average"));
            StringBuilder csv = new StringBuilder("measure,index,proxy,raw\n");
            for (int i = 0; i < proxyMicros.size(); i++) {
                csv.append(String.format(Locale.ROOT, "createChannel_us,%d,%.3f,%.3f%n", i, proxyMicros.get(i), rawMicros.get(i)));
            }
            for (int i = 0; i < proxyRates.size(); i++) {
                csv.append(String.format(Locale.ROOT, "publish_msg_per_s,%d,%.1f,%.1f%n", i, proxyRates.get(i), rawRates.get(i)));
            }
            Files.writeString(settings.out().resolve("channel-paired-samples.csv"), csv, StandardCharsets.UTF_8);
        } finally {
            raw.close();
            managed.holder().close().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static void createChannel(Connection proxy, Connection raw, int pairs, List<Double> proxyMicros,
            List<Double> rawMicros) throws Exception {
        for (int i = 0; i < pairs; i++) {
            boolean proxyFirst = (i & 1) == 0; // ABBA: proxy, raw, raw, proxy, ...
            double a = timeCreate(proxyFirst ? proxy : raw);
            double b = timeCreate(proxyFirst ? raw : proxy);
            if (proxyMicros != null) {
                proxyMicros.add(proxyFirst ? a : b);
                rawMicros.add(proxyFirst ? b : a);
            }
        }
    }

    private static double timeCreate(Connection connection) throws Exception {
        long start = System.nanoTime();
        connection.createChannel().close();
        return (System.nanoTime() - start) / 1e3;
    }

    private static void publish(Channel proxy, Channel raw, int windows, List<Double> proxyRates, List<Double> rawRates)
            throws Exception {
        byte[] body = new byte[256];
        for (int i = 0; i < windows; i++) {
            boolean proxyFirst = (i & 1) == 0;
            double a = window(proxyFirst ? proxy : raw, body);
            double b = window(proxyFirst ? raw : proxy, body);
            if (proxyRates != null) {
                proxyRates.add(proxyFirst ? a : b);
                rawRates.add(proxyFirst ? b : a);
            }
        }
    }

    /** Publishes for one window; returns the rate in messages per second. */
    private static double window(Channel channel, byte[] body) throws Exception {
        long start = System.nanoTime();
        long end = start + WINDOW_NANOS;
        long count = 0;
        long now;
        do {
            for (int i = 0; i < 64; i++) {
                channel.basicPublish("", ChannelBench.NOWHERE, null, body);
            }
            count += 64;
            now = System.nanoTime();
        } while (now < end);
        return count / ((now - start) / 1e9);
    }

    private static double sum(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).sum();
    }
}
