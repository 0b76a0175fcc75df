package io.filterwatch.console.backtest;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import io.filterwatch.protocol.JsonMessages;
import io.filterwatch.protocol.RunEvent;
import io.filterwatch.protocol.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code console record --run ID --out FILE}: copies one run's snapshots and run events from Kafka
 * into a {@link Recording}. Reads both topics from their beginning (no consumer group, nothing
 * committed) up to their end offsets; with {@code --wait} it keeps reading until the run's FINISHED,
 * FAILED or STOPPED event has been read, or the wait is over.
 */
@Command(name = "record", mixinStandardHelpOptions = true,
        description = "Record a run's snapshot and run-event records from Kafka to a compressed file, for `backtest`.")
public final class RecordCommand implements Callable<Integer> {

    @Option(names = "--bootstrap-servers", defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:9092}",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
    String bootstrap;

    @Option(names = "--run", required = true, description = "Run id.")
    String run;

    @Option(names = {"-o", "--out"}, required = true, description = "Output file (gzip), e.g. run.fwrec.gz.")
    Path out;

    @Option(names = "--wait", defaultValue = "0", paramLabel = "SECONDS",
            description = "Also wait up to this many seconds for the run's end event (default: ${DEFAULT-VALUE}: stop at the topics' end).")
    long waitSeconds;

    @Override
    public Integer call() throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        String prefix = run + "/";
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(waitSeconds);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
             Recording.Writer writer = new Recording.Writer(out)) {
            List<TopicPartition> parts = new java.util.ArrayList<>();
            for (String topic : List.of(Topics.SNAPSHOTS, Topics.RUNS)) {
                for (PartitionInfo pi : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                    parts.add(new TopicPartition(topic, pi.partition()));
                }
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(parts));
            boolean ended = false;
            while (true) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.topic().equals(Topics.SNAPSHOTS)) {
                        if (r.key() != null && r.key().startsWith(prefix)) {
                            writer.write(new Recording.Entry(Recording.Kind.SNAPSHOT, r.timestamp(), r.key(), r.value()));
                        }
                    } else if (r.value() != null) {
                        RunEvent e;
                        try {
                            e = JsonMessages.fromJson(r.value(), RunEvent.class);
                        } catch (RuntimeException ex) {
                            continue; // not a run event: not ours to record
                        }
                        if (run.equals(e.runId())) {
                            writer.write(new Recording.Entry(Recording.Kind.RUN_EVENT, r.timestamp(), r.key(), r.value()));
                            ended |= e.type() == RunEvent.Type.FINISHED || e.type() == RunEvent.Type.FAILED
                                    || e.type() == RunEvent.Type.STOPPED;
                        }
                    }
                }
                boolean caughtUp = end.entrySet().stream().allMatch(x -> consumer.position(x.getKey()) >= x.getValue());
                if (caughtUp) {
                    if (ended || System.nanoTime() >= deadline) {
                        break;
                    }
                    end = new HashMap<>(consumer.endOffsets(parts)); // keep following until the end event
                }
            }
            System.out.printf("recorded %d records of run %s to %s%s%n", writer.entries(), run, out.toAbsolutePath(),
                    ended ? "" : " (no end event seen)");
            return writer.entries() == 0 ? 1 : 0;
        }
    }
}
