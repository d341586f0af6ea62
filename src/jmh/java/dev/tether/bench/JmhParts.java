package dev.tether.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/** Part 1: the JMH benchmarks, run programmatically, one forked JVM per benchmark. */
final class JmhParts {

    private static final int[] THREADS = {1, 2, 8};
    private static final double HOT_GOAL_NS = 5;
    private static final double ALLOC_ZERO = 0.01;

    private JmhParts() {
    }

    /** {@code get()} and {@code current()} at 1, 2 and 8 threads, with the GC profiler. */
    static void hot(Report report, BenchMain.Settings settings, String uri) throws RunnerException {
        int cores = Runtime.getRuntime().availableProcessors();
        List<RunResult> all = new ArrayList<>();
        for (int threads : THREADS) {
            ChainedOptionsBuilder options = base(settings, uri, settings.hotIterationTime())
                    .include(HotPathBench.class.getName() + "\\.")
                    .threads(threads)
                    .addProfiler(GCProfiler.class);
            Collection<RunResult> run = new Runner(options.build()).run();
            all.addAll(run);
            Map<String, RunResult> results = byMethod(run);
            RunResult peer = results.get("volatileField");
            int busy = Math.min(threads, cores);
            double peerNs = nanosPerOp(peer, busy);
            for (String method : new String[] {"get", "current"}) {
                RunResult result = results.get(method);
                double ns = nanosPerOp(result, busy);
                double score = result.getPrimaryResult().getScore();
                double errorNs = ns * result.getPrimaryResult().getScoreError() / score;
                double alloc = alloc(result);
                report.add(new Report.Row("hot", "holder." + method + "() x" + threads + " thread" + (threads > 1 ? "s" : ""),
                        "ns/op/core", ns, Double.NaN, "volatile field read", peerNs, Double.NaN,
                        "<= " + (int) HOT_GOAL_NS + " ns, 0 B/op", ns <= HOT_GOAL_NS && alloc < ALLOC_ZERO,
                        String.format(Locale.ROOT, "+-%s ns (99.9%% CI); %s ops/us in all; alloc %s B/op (peer %s B/op)",
                                Report.fmt(errorNs), Report.fmt(score), Report.fmt(alloc), Report.fmt(alloc(peer)))));
            }
            report.writeCsv("hot");
        }
        writeJmhCsv(settings.out().resolve("jmh-hot.csv"), all);
    }

    /**
     * {@code createChannel()} and publishing through the proxy against a raw client connection.
     * Each benchmark is its own run, in the order proxy, raw, holder.get(), raw, proxy for
     * createChannel and proxy, raw, raw, proxy for publishing; Tether's and the raw client's two
     * runs are averaged, so a load that drifts during the part (two cores, a broker beside) weighs
     * on both alike.
     */
    static void channel(Report report, BenchMain.Settings settings, String uri) throws RunnerException {
        List<RunResult> all = new ArrayList<>();
        Map<String, List<RunResult>> runs = new HashMap<>();
        for (String method : new String[] {"createChannelProxy", "createChannelRaw", "createChannelHolderGet",
            "createChannelRaw", "createChannelProxy", "publishProxyChannel", "publishRawChannel", "publishRawChannel",
            "publishProxyChannel"}) {
            ChainedOptionsBuilder options = base(settings, uri, settings.channelIterationTime())
                    .include(ChannelBench.class.getName() + "\\." + method + "$")
                    .threads(1);
            RunResult result = new Runner(options.build()).runSingle();
            all.add(result);
            runs.computeIfAbsent(method, m -> new ArrayList<>()).add(result);
        }
        writeJmhCsv(settings.out().resolve("jmh-channel.csv"), all);

        List<RunResult> raw = runs.get("createChannelRaw");
        double rawP50 = mean(raw, r -> percentile(r, 50));
        double rawP90 = mean(raw, r -> percentile(r, 90));
        for (String method : new String[] {"createChannelProxy", "createChannelHolderGet"}) {
            List<RunResult> tether = runs.get(method);
            double p50 = mean(tether, r -> percentile(r, 50));
            String measure = method.equals("createChannelProxy")
                    ? "createChannel()+close, injected proxy" : "createChannel()+close, holder.get()";
            report.add(new Report.Row("channel", measure, "us", p50, mean(tether, r -> percentile(r, 90)),
                    "raw client connection", rawP50, rawP90, "median within 5 % of raw", p50 / rawP50 <= 1.05,
                    String.format(Locale.ROOT, "%d run(s) of %d samples each, medians %s (raw %s) us; means %s (raw %s) us",
                            tether.size(), tether.get(0).getPrimaryResult().getSampleCount(),
                            list(tether, r -> percentile(r, 50)), list(raw, r -> percentile(r, 50)),
                            list(tether, r -> r.getPrimaryResult().getScore()), list(raw, r -> r.getPrimaryResult().getScore()))));
        }
        List<RunResult> proxyPublish = runs.get("publishProxyChannel");
        List<RunResult> rawPublish = runs.get("publishRawChannel");
        double proxyRate = mean(proxyPublish, r -> r.getPrimaryResult().getScore());
        double rawRate = mean(rawPublish, r -> r.getPrimaryResult().getScore());
        report.add(new Report.Row("channel", "basicPublish 256 B, channel from proxy", "msg/s", proxyRate,
                Double.NaN, "channel from raw connection", rawRate, Double.NaN,
                "throughput within 2 % of raw", proxyRate / rawRate >= 0.98,
                "runs " + list(proxyPublish, r -> r.getPrimaryResult().getScore()) + " (raw "
                        + list(rawPublish, r -> r.getPrimaryResult().getScore()) + ") msg/s, +-"
                        + list(proxyPublish, r -> r.getPrimaryResult().getScoreError()) + " (raw +-"
                        + list(rawPublish, r -> r.getPrimaryResult().getScoreError()) + ") 99.9 % CI"));
        report.writeCsv("channel");
    }

    private static double percentile(RunResult result, double p) {
        return result.getPrimaryResult().getStatistics().getPercentile(p);
    }

    private static double mean(List<RunResult> results, ToDoubleFunction<RunResult> value) {
        return results.stream().mapToDouble(value).average().orElse(Double.NaN);
    }

    private static String list(List<RunResult> results, ToDoubleFunction<RunResult> value) {
        return results.stream().map(r -> Report.fmt(value.applyAsDouble(r))).collect(Collectors.joining(" / "));
    }

    /** JMH's own CSV format, for every run of the part in one file. */
    private static void writeJmhCsv(Path file, Collection<RunResult> results) {
        try (PrintStream out = new PrintStream(Files.newOutputStream(file), true, StandardCharsets.UTF_8)) {
            ResultFormatFactory.getInstance(ResultFormatType.CSV, out).writeOut(results);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ChainedOptionsBuilder base(BenchMain.Settings settings, String uri, TimeValue iteration) {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .forks(1)
                .warmupIterations(settings.warmupIterations())
                .warmupTime(iteration)
                .measurementIterations(settings.measurementIterations())
                .measurementTime(iteration)
                .shouldFailOnError(true)
                .verbosity(VerboseMode.NORMAL);
        if (uri != null) {
            options.jvmArgsAppend("-D" + BenchMain.URI_PROPERTY + "=" + uri);
        }
        return options;
    }

    /** Nanoseconds per operation per busy core, from a throughput in operations per microsecond. */
    private static double nanosPerOp(RunResult result, int busyCores) {
        return busyCores * 1000.0 / result.getPrimaryResult().getScore();
    }

    private static Map<String, RunResult> byMethod(Collection<RunResult> results) {
        Map<String, RunResult> map = new HashMap<>();
        for (RunResult result : results) {
            String benchmark = result.getParams().getBenchmark();
            map.put(benchmark.substring(benchmark.lastIndexOf('.') + 1), result);
        }
        return map;
    }

    private static double alloc(RunResult result) {
        for (String label : result.getSecondaryResults().keySet()) {
            if (label.endsWith("gc.alloc.rate.norm")) {
                return result.getSecondaryResults().get(label).getScore();
            }
        }
        return Double.NaN;
    }
}
