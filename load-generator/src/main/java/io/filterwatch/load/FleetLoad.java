package io.filterwatch.load;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.filterwatch.console.InfluxQueries;
import io.filterwatch.protocol.JsonMessages;
import io.filterwatch.protocol.LayerSnapshot;
import io.filterwatch.protocol.RunEvent;
import io.filterwatch.protocol.RunTopology;
import io.filterwatch.protocol.SnapshotCodec;
import io.filterwatch.protocol.Topics;
import io.filterwatch.protocol.influx.InfluxSchema;

/**
 * A fleet of synthetic ResNet-50 runs published to Kafka as trainers would publish them, with the pipeline's
 * answer measured in InfluxDB. Callable as a library ({@link #run}); {@link LoadMain} is its command line and
 * {@code dev/run-load} its launcher.
 *
 * <p>Each worker of each run is its own producer (the trainer's settings: idempotent, acks=all, zstd, linger
 * 20 ms, 1 MiB requests). Runs start staggered over one round interval. A round of a run is every worker's
 * snapshot of every layer at one step, all with the round's wall clock; its values are computed per layer once
 * (parameters) and per worker (gradients, activity, sample) and encoded with {@link SnapshotCodec}. The
 * publishing threads (two) do the generator's whole work, compression in {@code send} included; their CPU
 * time is reported.
 */
public final class FleetLoad {

    private static final int PUBLISH_THREADS = 2;

    private final FleetSettings settings;
    private final Consumer<String> log;

    public FleetLoad(FleetSettings settings, Consumer<String> log) {
        this.settings = settings;
        this.log = log;
    }

    public FleetReport run() throws Exception {
        FleetSettings s = settings;
        RunTopology topology = ResNet50.topology();
        int layers = topology.layers().size();
        long t0 = System.nanoTime();
        SamplePool pool = new SamplePool(topology, s.sampleSize(), 3, s.seed());
        List<SyntheticRun> runs = new ArrayList<>();
        for (int r = 0; r < s.runs(); r++) {
            runs.add(new SyntheticRun(s.runId(r), s, topology, pool, s.seed() * 1_000_003L + r));
        }
        log.accept(String.format(java.util.Locale.ROOT,
                "fleet: %d run(s) x %d worker(s) of ResNet-50 (%d layers, %d filters), N = %d, S = %d steps, t = %.3f s, "
                        + "compress %.1f: a round every %.2f s per run, %d rounds per run (steps %d to %d of a %d-step run), "
                        + "%d dying filters per run (%.0f%%); set up in %.1f s",
                s.runs(), s.workers(), layers, topology.layers().stream().mapToInt(RunTopology.Layer::filters).sum(),
                s.sampleSize(), s.snapshotInterval(), s.stepSeconds(), s.compress(), s.roundSeconds(), s.plannedRounds(),
                s.step(0), s.lastStep(), s.historySteps(), runs.get(0).dyingFilters(), 100.0 * s.dyingShare(), (System.nanoTime() - t0) / 1e9));

        try (Admin admin = Admin.create(adminProps(s.bootstrap()));
             InfluxQueries influx = new InfluxQueries(s.influxUrl(), s.database(), null, null)) {
            long dlqStart = endOffsets(admin, Topics.SNAPSHOTS_DLQ);
            LatencyTracker latency = new LatencyTracker(influx, s.runPrefix(), layers);
            List<List<KafkaProducer<String, byte[]>>> producers = new ArrayList<>();
            for (int r = 0; r < s.runs(); r++) {
                List<KafkaProducer<String, byte[]>> ps = new ArrayList<>();
                for (int w = 0; w < s.workers(); w++) {
                    ps.add(new KafkaProducer<>(producerProps(s, runs.get(r).runId + "-w" + w)));
                }
                producers.add(ps);
            }
            Publisher publisher = new Publisher(s, runs, producers, latency);
            long started = System.currentTimeMillis();
            publisher.startedEvents(started);
            long tStart = System.nanoTime();
            publisher.publishAll();
            // rates over the rounds' own time: R runs x k rounds cover k round intervals (the last round's interval
            // included), not the time from the first round to the start of the last
            double seconds = Math.max((System.nanoTime() - tStart) / 1e9,
                    (double) latency.publishedRounds() / s.runs() * s.roundSeconds());
            publisher.finishedEvents();
            for (List<KafkaProducer<String, byte[]>> ps : producers) {
                for (KafkaProducer<String, byte[]> p : ps) {
                    p.flush();
                }
            }
            if (publisher.failure.get() != null) {
                throw new IllegalStateException("a send failed", publisher.failure.get());
            }
            long wire = 0;
            for (List<KafkaProducer<String, byte[]>> ps : producers) {
                for (KafkaProducer<String, byte[]> p : ps) {
                    wire += (long) metric(p, "producer-metrics", "outgoing-byte-total");
                    p.close(Duration.ofSeconds(30));
                }
            }
            Set<String> aggTopics = Set.of(Topics.FILTER_STATS, Topics.LAYER_STATS, Topics.RUNS);
            long probeLagAtEnd = lag(admin, s.probeGroup(), Set.of(Topics.SNAPSHOTS));
            long aggLagAtEnd = lag(admin, s.aggregatorGroup(), aggTopics);
            log.accept(String.format(java.util.Locale.ROOT, "published %d rounds in %.0f s; lag now probe %d aggregator %d; "
                    + "waiting up to %d s for the last rounds in InfluxDB and both lags at 0",
                    latency.publishedRounds(), seconds, probeLagAtEnd, aggLagAtEnd, s.drainTimeout().toSeconds()));
            long drainStart = System.nanoTime();
            long deadline = drainStart + s.drainTimeout().toNanos();
            long probeLag = probeLagAtEnd;
            long aggLag = aggLagAtEnd;
            while (System.nanoTime() < deadline) {
                pollQuietly(latency);
                if (latency.pendingRounds() == 0) {
                    probeLag = lag(admin, s.probeGroup(), Set.of(Topics.SNAPSHOTS));
                    aggLag = lag(admin, s.aggregatorGroup(), aggTopics);
                    if (probeLag == 0 && aggLag == 0) {
                        break;
                    }
                }
                Thread.sleep(Math.max(s.pollInterval().toMillis(), 1000));
            }
            double drained = (System.nanoTime() - drainStart) / 1e9;
            probeLag = lag(admin, s.probeGroup(), Set.of(Topics.SNAPSHOTS));
            aggLag = lag(admin, s.aggregatorGroup(), aggTopics);
            long deadLetters = endOffsets(admin, Topics.SNAPSHOTS_DLQ) - dlqStart;
            long points = points(influx, s.runPrefix(), started);
            publisher.stopPolling();
            return new FleetReport(s.runs(), s.workers(), seconds, publisher.records.get(), publisher.valueBytes.get(), wire,
                    latency.publishedRounds(), latency.completeRounds(), latency.quantile(0.5), latency.quantile(0.99),
                    latency.max(), points, probeLagAtEnd, aggLagAtEnd, drained, probeLag, aggLag, deadLetters, publisher.cpuNanos.get() / 1e9,
                    publisher.sendNanos.get() / 1e9, publisher.late.get(), latency.steadyLatency());
        }
    }

    /** Publishes every run's rounds on schedule, polls InfluxDB for their arrival meanwhile. */
    private final class Publisher {
        final FleetSettings s;
        final List<SyntheticRun> runs;
        final List<List<KafkaProducer<String, byte[]>>> producers;
        final LatencyTracker latency;
        final AtomicLong records = new AtomicLong();
        final AtomicLong valueBytes = new AtomicLong();
        final AtomicLong cpuNanos = new AtomicLong();
        final AtomicLong sendNanos = new AtomicLong();
        final AtomicLong late = new AtomicLong();
        final AtomicReference<Exception> failure = new AtomicReference<>();
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        volatile boolean polling = true;
        final Thread poller;
        final Map<String, Long> lastStep = new HashMap<>();

        Publisher(FleetSettings s, List<SyntheticRun> runs, List<List<KafkaProducer<String, byte[]>>> producers,
                  LatencyTracker latency) {
            this.s = s;
            this.runs = runs;
            this.producers = producers;
            this.latency = latency;
            poller = new Thread(() -> {
                while (polling) {
                    pollQuietly(latency);
                    try {
                        Thread.sleep(s.pollInterval().toMillis());
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "fleet-latency-poller");
            poller.setDaemon(true);
        }

        void startedEvents(long now) {
            for (int r = 0; r < runs.size(); r++) {
                SyntheticRun run = runs.get(r);
                Map<String, String> config = Map.of("model", "RESNET50", "dataset", "imagenet", "optimizer",
                        SyntheticRun.OPTIMIZER, "lr", Double.toString(SyntheticRun.LEARNING_RATE), "l2",
                        Double.toString(SyntheticRun.L2), "batchSize", Integer.toString(s.batchPerWorker()),
                        "workers", Integer.toString(s.workers()), "generator", "load-generator");
                event(r, new RunEvent(run.runId, RunEvent.Type.STARTED, 0, 0, now, null, null, "started (load generator)",
                        config, run.topology()));
            }
        }

        void finishedEvents() {
            long now = System.currentTimeMillis();
            for (int r = 0; r < runs.size(); r++) {
                SyntheticRun run = runs.get(r);
                long step = lastStep.getOrDefault(run.runId, 0L);
                event(r, new RunEvent(run.runId, RunEvent.Type.FINISHED, step, (int) (step / s.stepsPerEpoch()), now,
                        null, null, "finished (load generator)", Map.of()));
            }
        }

        private void event(int run, RunEvent e) {
            producers.get(run).get(0).send(new ProducerRecord<>(Topics.RUNS, e.runId(), JsonMessages.toJson(e)), this::check);
        }

        void check(org.apache.kafka.clients.producer.RecordMetadata m, Exception e) {
            if (e != null) {
                failure.compareAndSet(null, e);
            }
        }

        void stopPolling() {
            polling = false;
            poller.interrupt();
        }

        /**
         * Every run's rounds, each at its time: run r's round k at start + (r / R + k) x round interval. A run's
         * next round is scheduled when its previous one is out, so a run's rounds never overlap (each layer's
         * snapshots stay in step order); the two publishing threads are shared by all runs, and a round that
         * starts more than one interval behind its time is counted as late.
         */
        void publishAll() throws InterruptedException {
            poller.start();
            long rounds = s.plannedRounds();
            long interval = (long) (s.roundSeconds() * 1e9);
            long start = System.nanoTime();
            long deadline = s.duration() == null ? Long.MAX_VALUE : start + s.duration().toNanos();
            ScheduledExecutorService pool = Executors.newScheduledThreadPool(PUBLISH_THREADS, r -> {
                Thread t = new Thread(r, "fleet-publisher");
                t.setDaemon(true);
                return t;
            });
            CountDownLatch done = new CountDownLatch(runs.size());
            for (int r = 0; r < runs.size(); r++) {
                schedule(pool, done, r, 0, start + interval * r / runs.size(), interval, rounds, deadline);
            }
            done.await();
            pool.shutdown();
        }

        private void schedule(ScheduledExecutorService pool, CountDownLatch done, int run, long k, long runStart,
                              long interval, long rounds, long deadline) {
            long due = runStart + k * interval;
            if (k >= rounds || due >= deadline || failure.get() != null) {
                done.countDown();
                return;
            }
            pool.schedule(() -> {
                try {
                    if (System.nanoTime() - due > interval) {
                        late.incrementAndGet();
                    }
                    round(run, k);
                    schedule(pool, done, run, k + 1, runStart, interval, rounds, deadline);
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                    done.countDown();
                }
            }, Math.max(0, due - System.nanoTime()), TimeUnit.NANOSECONDS);
        }

        /**
         * One round of one run: per layer the parameters once, then every worker's snapshot encoded and sent
         * (the producer compresses it inside {@code send}, on this thread).
         */
        private void round(int r, long k) {
            long cpu0 = threads.getCurrentThreadCpuTime();
            SyntheticRun run = runs.get(r);
            long step = s.step(k);
            long wallClock = System.currentTimeMillis();
            SplittableRandom random = new SplittableRandom(s.seed() ^ (r * 0x9E3779B97F4A7C15L) ^ step);
            List<KafkaProducer<String, byte[]>> ps = producers.get(r);
            long n = 0;
            long bytes = 0;
            long send = 0;
            for (int l = 0; l < run.layerCount(); l++) {
                SyntheticRun.Parameters p = run.parameters(l, step);
                for (int w = 0; w < s.workers(); w++) {
                    LayerSnapshot snapshot = run.snapshot(l, p, w, step, wallClock, k, random);
                    byte[] value = SnapshotCodec.encode(snapshot);
                    long beforeSend = System.nanoTime();
                    ps.get(w).send(new ProducerRecord<>(Topics.SNAPSHOTS, snapshot.key(), value), this::check);
                    send += System.nanoTime() - beforeSend;
                    n++;
                    bytes += value.length;
                }
            }
            latency.published(run.runId, wallClock, System.nanoTime());
            synchronized (lastStep) {
                lastStep.put(run.runId, step);
            }
            records.addAndGet(n);
            valueBytes.addAndGet(bytes);
            cpuNanos.addAndGet(threads.getCurrentThreadCpuTime() - cpu0);
            sendNanos.addAndGet(send);
        }
    }

    private void pollQuietly(LatencyTracker latency) {
        try {
            latency.poll();
        } catch (RuntimeException e) {
            log.accept("InfluxDB poll failed (will retry): " + e.getMessage());
        }
    }

    static Properties producerProps(FleetSettings s, String clientId) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrap());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "fleet-" + clientId);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        // the trainer's producer (trainer-service application.properties, OrderedProducer)
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, s.compression());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "1048576");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "60000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        return p;
    }

    private static Properties adminProps(String bootstrap) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "fleet-load-admin");
        return p;
    }

    private static double metric(KafkaProducer<?, ?> p, String group, String name) {
        for (Map.Entry<MetricName, ? extends Metric> e : p.metrics().entrySet()) {
            if (e.getKey().group().equals(group) && e.getKey().name().equals(name)) {
                Object v = e.getValue().metricValue();
                return v instanceof Number num ? num.doubleValue() : 0;
            }
        }
        return 0;
    }

    /** Sum of the end offsets of a topic's partitions (0 when it does not exist). */
    static long endOffsets(Admin admin, String topic) {
        try {
            var desc = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
            Map<TopicPartition, OffsetSpec> specs = desc.partitions().stream()
                    .collect(Collectors.toMap(pi -> new TopicPartition(topic, pi.partition()), pi -> OffsetSpec.latest()));
            return admin.listOffsets(specs).all().get(30, TimeUnit.SECONDS).values().stream()
                    .mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
        } catch (Exception e) {
            return 0;
        }
    }

    /** A group's lag on the given topics: end offsets minus committed offsets (-1 when it cannot be read). */
    static long lag(Admin admin, String group, Set<String> topics) {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
            var descs = admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS);
            descs.forEach((t, d) -> d.partitions().forEach(pi -> specs.put(new TopicPartition(t, pi.partition()),
                    OffsetSpec.latest())));
            long lag = 0;
            for (var e : admin.listOffsets(specs).all().get(30, TimeUnit.SECONDS).entrySet()) {
                OffsetAndMetadata c = committed.get(e.getKey());
                lag += e.getValue().offset() - (c == null ? 0 : c.offset());
            }
            return lag;
        } catch (Exception e) {
            return -1;
        }
    }

    /** Points of the fleet's runs written since {@code sinceMillis}, over every measurement the aggregator writes. */
    static long points(InfluxQueries influx, String prefix, long sinceMillis) {
        String runs = "/^" + prefix.replaceAll("[^A-Za-z0-9_-]", ".") + "-/";
        long total = 0;
        for (InfluxSchema.Measurement m : InfluxSchema.MEASUREMENTS) { // every one has a step field
            try {
                for (InfluxQueries.Row row : influx.query("SELECT count(" + InfluxSchema.Fields.STEP.name() + ") FROM " + m.name()
                        + " WHERE time >= " + (sinceMillis - 1000) + "ms AND " + InfluxSchema.Tags.RUN.name() + " =~ " + runs)) {
                    total += row.lng("count");
                }
            } catch (RuntimeException e) {
                // a measurement not written yet
            }
        }
        return total;
    }
}
