package io.filterwatch.console.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordingTest {

    static Recording.Entry snap(String key, long ts, String tag) {
        return new Recording.Entry(Recording.Kind.SNAPSHOT, ts, key, tag.getBytes(StandardCharsets.UTF_8));
    }

    static String tag(Recording.Entry e) {
        return new String(e.value(), StandardCharsets.UTF_8);
    }

    @Test
    void partitionsReadOneAfterTheOtherAreInterleavedByTimeKeepingEachStreamsOrder() {
        // as a consumer drains them: all of conv3's partition, then conv4's; the run event last
        List<Recording.Entry> recorded = List.of(
                snap("r/conv3", 100, "c3-100"), snap("r/conv3", 200, "c3-200"), snap("r/conv3", 300, "c3-300"),
                snap("r/conv4", 100, "c4-100"), snap("r/conv4", 250, "c4-250"),
                // a stream whose clock went back (another host's clock): its own order still wins
                snap("r/conv5", 220, "c5-a"), snap("r/conv5", 210, "c5-b"),
                new Recording.Entry(Recording.Kind.RUN_EVENT, 150, "r", "started".getBytes(StandardCharsets.UTF_8)));
        assertThat(Recording.inPipelineOrder(recorded)).extracting(RecordingTest::tag).containsExactly(
                "c3-100", "c4-100", "started", "c3-200", "c5-a", "c5-b", "c4-250", "c3-300");
    }

    @Test
    void writesAndReadsBackAndRefusesWhatIsNotARecording(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("x.fwrec.gz");
        try (Recording.Writer w = new Recording.Writer(f)) {
            w.write(snap("r/conv1", 5, "a"));
            w.write(new Recording.Entry(Recording.Kind.RUN_EVENT, 6, "r", "{}".getBytes(StandardCharsets.UTF_8)));
        }
        List<Recording.Entry> back = Recording.read(f);
        assertThat(back).extracting(Recording.Entry::kind).containsExactly(Recording.Kind.SNAPSHOT, Recording.Kind.RUN_EVENT);
        assertThat(back.get(0).key()).isEqualTo("r/conv1");
        assertThat(back.get(1).timestampMillis()).isEqualTo(6);
        Path bad = dir.resolve("bad.gz");
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(bad))) {
            out.write("hello".getBytes(StandardCharsets.UTF_8));
        }
        assertThatThrownBy(() -> Recording.read(bad)).hasMessageContaining("not a FilterWatch recording");
    }
}
