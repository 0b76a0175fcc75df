package io.filterwatch.console.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.filterwatch.aggregator.alert.AlertSettings;
import io.filterwatch.console.ConsoleMain;
import io.filterwatch.probe.ProbeSettings;
import io.filterwatch.protocol.JsonMessages;
import io.filterwatch.protocol.LayerSnapshot;
import io.filterwatch.protocol.RunEvent;
import io.filterwatch.protocol.SnapshotCodec;
import io.filterwatch.protocol.Topics;
import io.filterwatch.testing.EmbeddedKafka;
import io.filterwatch.testing.WithKafka;

/** `record` takes one run's records off a real broker (not the other run's), and `backtest` replays the file. */
@WithKafka(partitions = 2, topics = {Topics.SNAPSHOTS, Topics.RUNS})
class RecordAndBacktestIT {

    @Test
    void recordsOneRunAndReplaysItOffline(EmbeddedKafka kafka, @TempDir Path dir) throws Exception {
        // the generated slow collapse, cut to its first 40 snapshots of 4 layers, plus another run's records
        List<Object> records = new java.util.ArrayList<>();
        CorpusTraces.slowCollapse().feed().accept(CorpusTraces.Sink.into(records));
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        int sent = 0;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            for (Object o : records.subList(0, 161)) {
                if (o instanceof LayerSnapshot s) {
                    producer.send(new ProducerRecord<>(Topics.SNAPSHOTS, s.key(), SnapshotCodec.encode(s)));
                } else if (o instanceof RunEvent e) {
                    producer.send(new ProducerRecord<>(Topics.RUNS, e.runId(), JsonMessages.toJson(e)));
                }
                sent++;
            }
            RunEvent other = new RunEvent("other-run", RunEvent.Type.STARTED, 0, 0, 1L, null, null, null, null);
            producer.send(new ProducerRecord<>(Topics.RUNS, "other-run", JsonMessages.toJson(other)));
            producer.flush();
        }
        Path file = dir.resolve("run.fwrec.gz");
        int rc = ConsoleMain.execute("record", "--bootstrap-servers", kafka.bootstrapServers(), "--run", "gen-slow-collapse",
                "--out", file.toString());
        assertThat(rc).isZero();
        List<Recording.Entry> entries = Recording.read(file);
        assertThat(entries).hasSize(sent);
        assertThat(Files.size(file)).isPositive();

        Backtest b = new Backtest(ProbeSettings.defaults(), AlertSettings.defaults());
        b.replay(entries);
        assertThat(b.outcomes()).extracting(RunOutcome::runId).containsExactly("gen-slow-collapse");
        assertThat(b.outcomes().get(0).snapshots()).isEqualTo(entries.stream().filter(e -> e.kind() == Recording.Kind.SNAPSHOT).count());
        assertThat(ConsoleMain.execute("backtest", file.toString(), "--set", "aggregator.alerts.persistence-snapshots=2")).isZero();
        assertThat(ConsoleMain.execute("backtest", file.toString(), "--set", "aggregator.alerts.no-such-rule=1")).isNotZero();
    }
}
