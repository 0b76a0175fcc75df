package io.filterwatch.load.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.filterwatch.aggregator.runs.RunStats;
import io.filterwatch.aggregator.runs.RunStatsCalculator;
import io.filterwatch.aggregator.sink.PointMapper;
import io.filterwatch.load.FleetSettings;
import io.filterwatch.load.SnapshotRounds;
import io.filterwatch.probe.ProbeSettings;
import io.filterwatch.probe.state.LayerTracker;
import io.filterwatch.protocol.FilterStat;
import io.filterwatch.protocol.LayerStat;
import io.filterwatch.protocol.influx.InfluxSchema;
import io.filterwatch.protocol.influx.LinePoint;

/**
 * Points per 90-epoch ResNet-50 run (issue #15): the probe's state and output policy ({@link LayerTracker}, the
 * packaged probe's defaults with ImageNet's epoch) fed the load generator's synthetic run ({@link SnapshotRounds}:
 * 450,450 steps, S = 100, 4,504 rounds), in-process (no Kafka, no codec: they do not change what is emitted).
 * A whole run is ~240,000 layer snapshots per worker, too slow here, so it simulates SEGMENTS evenly spread over
 * the run, each from fresh state (its first round is the full refresh every run starts with, then it settles; its last
 * refresh cycle, {@code probe.output.refresh-every} rounds with one refresh, is its steady state), and extrapolates: the run's first round (26,560 filter points) + per segment its steady
 * rounds' mean x the rounds it stands for + 53 layer_stats and one run_stats per round.
 *
 * <p>With an InfluxDB URL it also writes a whole run into it, tiled from the simulated segments (each round of
 * the run gets the points of a steady round of its segment, with the round's step, epoch and time): the data
 * set the dashboard timings of docs/benchmarks.md run on.
 *
 * <p>{@code -Dfullrun.filter-layers=layer1.0.conv1,layer4.0.conv3} writes filter_stats of those layers only (every
 * layer_stats and run_stats point still): the dashboards' per-filter queries name one layer, whose series are then
 * exactly those of a whole run, at a tenth of the load time; the other layers' series would only add to the index.
 *
 * <pre>java -cp ... io.filterwatch.load.bench.FullRunPoints WORKERS SEGMENTS ROUNDS_PER_SEGMENT [INFLUX_URL [FIRST_ROUND_MS]]</pre>
 */
public final class FullRunPoints {
    static final long RUN_STEPS = 450_450;
    static final long ROUND_MILLIS = 30_000; // S x t = 100 x 0.3 s
    static final Pattern STEP = Pattern.compile(" step=\\d+i,epoch=\\d+i,");

    public static void main(String[] args) throws Exception {
        int workers = Integer.parseInt(args[0]);
        int segments = Integer.parseInt(args[1]);
        int length = Integer.parseInt(args[2]);
        String influx = args.length > 3 ? args[3] : null;
        FleetSettings s = FleetSettings.defaults().withRuns(1, workers).withPace(1, null, RUN_STEPS)
                .withHistory(RUN_STEPS, 0).withServices("fullrun", "-", "-", "-", "-");
        long rounds = s.plannedRounds();
        ProbeSettings probe = ProbeSettings.defaults().withExpectedWorkers(workers)
                .withEpochSamples(FleetSettings.IMAGENET_TRAIN_IMAGES);
        SnapshotRounds run = new SnapshotRounds(s, 0);
        // a segment's steady rounds: its last full refresh cycle (refresh-every rounds, the refresh included); the
        // rounds before it settle from fresh state (the window fills: 2 rounds at W = 8, 16 at W = 1)
        int cycle = probe.refreshEvery();
        if (length < 2 * cycle + 1) {
            throw new IllegalArgumentException("segments need at least " + (2 * cycle + 1) + " rounds");
        }
        int warmup = length - cycle;
        long base = args.length > 4 ? Long.parseLong(args[4]) : 1_700_000_000_000L; // the first round's time, epoch ms
        long[] segStart = new long[segments];
        double[] steadyMean = new double[segments];
        double[] steadyValuesMean = new double[segments]; // filter_stats field values per round (what InfluxDB stores)
        double[] steadyRefreshMean = new double[segments]; // of the filter points, those flagged refresh
        List<List<List<String>>> tiles = new ArrayList<>(); // per segment, per steady round, its lines
        long firstRoundFilters = 0;
        long cpu0 = System.nanoTime();
        for (int i = 0; i < segments; i++) {
            long k0 = i * rounds / segments;
            segStart[i] = k0;
            LayerTracker[] trackers = new LayerTracker[run.layers()];
            List<List<String>> segTiles = new ArrayList<>();
            StringBuilder counts = new StringBuilder();
            long steady = 0;
            long steadyValues = 0;
            long steadyRefresh = 0;
            RunStatsCalculator runStats = new RunStatsCalculator();
            for (long k = k0; k < Math.min(rounds, k0 + length); k++) {
                List<FilterStat> filters = new ArrayList<>();
                List<LayerStat> layers = new ArrayList<>();
                int[] layer = {0};
                run.round(k, base + k * ROUND_MILLIS, snap -> {
                    int l = snap.layer().index();
                    if (trackers[l] == null) {
                        trackers[l] = new LayerTracker(snap.filterCount(), probe);
                    }
                    LayerTracker.Output o = trackers[l].accept(snap);
                    filters.addAll(o.filterStats());
                    layers.addAll(o.layerStats());
                    layer[0]++;
                });
                counts.append(filters.size()).append(' ');
                List<String> lines = new ArrayList<>();
                if (influx != null) {
                    filters.forEach(f -> lines.add(PointMapper.filterStat(f)));
                    for (LayerStat ls : layers) {
                        lines.add(PointMapper.layerStat(ls));
                        for (RunStats rs : runStats.onLayerStat(ls)) {
                            lines.add(PointMapper.runStats(rs));
                        }
                    }
                }
                if (k == k0 && i == 0) {
                    firstRoundFilters = filters.size();
                    segTiles.add(lines); // index 0: the run's own first round
                } else if (k >= k0 + warmup) {
                    steady += filters.size();
                    for (FilterStat f : filters) {
                        steadyValues += LinePoint.parse(PointMapper.filterStat(f)).fields().size();
                        steadyRefresh += f.refresh() ? 1 : 0;
                    }
                    segTiles.add(lines);
                }
            }
            long steadyRounds = Math.min(rounds, k0 + length) - k0 - warmup;
            steadyMean[i] = (double) steady / steadyRounds;
            steadyValuesMean[i] = (double) steadyValues / steadyRounds;
            steadyRefreshMean[i] = (double) steadyRefresh / steadyRounds;
            tiles.add(segTiles);
            System.out.printf(Locale.ROOT, "segment %d: rounds %d..%d (steps %d..%d): filter points per round: %s-> steady mean %.1f "
                            + "(%.1f of them refreshes), %.0f field values%n",
                    i, k0, k0 + length - 1, s.step(k0), s.step(k0 + length - 1), counts, steadyMean[i], steadyRefreshMean[i],
                    steadyValuesMean[i]);
        }
        double filterPoints = firstRoundFilters;
        double filterValues = firstRoundFilters * (double) InfluxSchema.FILTER_STATS.fields().size();
        for (int i = 0; i < segments; i++) {
            long end = i + 1 < segments ? segStart[i + 1] : rounds;
            long from = i == 0 ? 1 : segStart[i];
            filterPoints += steadyMean[i] * (end - from);
            filterValues += steadyValuesMean[i] * (end - from);
        }
        long layerPoints = rounds * run.layers();
        System.out.printf(Locale.ROOT, "fullrun: W = %d, %d rounds (450,450 steps, S = 100), %d segments of %d rounds simulated "
                        + "(%.0f s): filter_stats %.0f + layer_stats %d + run_stats %d = %.2f M points per run (extrapolated)%n",
                workers, rounds, segments, length, (System.nanoTime() - cpu0) / 1e9, filterPoints, layerPoints, rounds,
                (filterPoints + layerPoints + rounds) / 1e6);
        System.out.printf(Locale.ROOT, "fullrun: filter_stats field values %.1f M per run (%.1f per point; the first round's "
                + "counted as %d each)%n", filterValues / 1e6, filterValues / filterPoints, InfluxSchema.FILTER_STATS.fields().size());
        if (influx != null) {
            writeTiled(influx, s, rounds, segStart, tiles, base);
        }
    }

    /** Every round of the run from its segment's steady rounds, step, epoch and time rewritten. */
    private static void writeTiled(String url, FleetSettings s, long rounds, long[] segStart, List<List<List<String>>> tiles,
                                   long base) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI write = URI.create(url + "/write?db=filterwatch&precision=ms");
        StringBuilder batch = new StringBuilder();
        long points = 0;
        int lines = 0;
        long t0 = System.nanoTime();
        String only = System.getProperty("fullrun.filter-layers", "");
        List<String> layerTags = only.isBlank() ? List.of()
                : java.util.Arrays.stream(only.split(",")).map(l -> ",layer=" + l.trim() + ",").toList();
        int seg = 0;
        for (long k = 0; k < rounds; k++) {
            while (seg + 1 < segStart.length && k >= segStart[seg + 1]) {
                seg++;
            }
            List<List<String>> segTiles = tiles.get(seg);
            List<String> round = k == 0 ? tiles.get(0).get(0)
                    : segTiles.get(seg == 0 ? 1 + (int) ((k - 1) % (segTiles.size() - 1)) : (int) ((k - segStart[seg]) % segTiles.size()));
            long step = s.step(k);
            String fields = " step=" + step + "i,epoch=" + (step / s.stepsPerEpoch()) + "i,";
            long time = base + k * ROUND_MILLIS;
            for (String line : round) {
                if (!layerTags.isEmpty() && line.startsWith("filter_stats,") && layerTags.stream().noneMatch(line::contains)) {
                    continue;
                }
                Matcher m = STEP.matcher(line);
                String l = m.find() ? line.substring(0, m.start()) + fields + line.substring(m.end()) : line;
                batch.append(l, 0, l.lastIndexOf(' ') + 1).append(time).append('\n');
                points++;
                if (++lines == 10_000) {
                    if (points % 100_000 < 10_000) {
                        System.out.printf(Locale.ROOT, "  round %d of %d, %d points written%n", k, rounds, points);
                    }
                    post(http, write, batch);
                    lines = 0;
                }
            }
        }
        post(http, write, batch);
        System.out.printf(Locale.ROOT, "wrote %d points (%d rounds, %s to %s) in %.0f s%n", points, rounds,
                java.time.Instant.ofEpochMilli(base), java.time.Instant.ofEpochMilli(base + (rounds - 1) * ROUND_MILLIS),
                (System.nanoTime() - t0) / 1e9);
    }

    private static void post(HttpClient http, URI write, StringBuilder batch) throws Exception {
        if (batch.isEmpty()) {
            return;
        }
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(write).POST(HttpRequest.BodyPublishers.ofString(batch.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException("write failed: " + r.statusCode() + " " + r.body());
        }
        batch.setLength(0);
    }
}
