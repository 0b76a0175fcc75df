package io.filterwatch.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class SnapshotCodecRoundTripTest {

    @Test
    void roundTripWithSecondMomentsAndSample() {
        assertRoundTrip(SnapshotFixtures.simple(8, 5, true));
    }

    @Test
    void roundTripWithoutSecondMoments() {
        LayerSnapshot decoded = assertRoundTrip(SnapshotFixtures.simple(8, 5, false));
        assertThat(decoded.gradients().hasSecondMoments()).isFalse();
        assertThat(decoded.gradients().rmsBeta()).isNull();
    }

    @Test
    void roundTripWithoutSampleIsNEqualsZero() {
        LayerSnapshot snapshot = SnapshotFixtures.simple(8, 0, true);
        byte[] bytes = SnapshotCodec.encode(snapshot);
        assertThat(bytes[7] & WireFormat.FLAG_SAMPLE).as("sample flag").isZero();
        LayerSnapshot decoded = assertRoundTrip(snapshot);
        assertThat(decoded.sample()).isEqualTo(QuantisedSample.empty(8));
    }

    @Test
    void roundTripSingleFilterNoSampleNoMoments() {
        assertRoundTrip(SnapshotFixtures.simple(1, 0, false));
    }

    @Test
    void sampleValuesAreQuantisedAndTheMaxIsExact() {
        LayerSnapshot decoded = SnapshotCodec.decode(SnapshotCodec.encode(SnapshotFixtures.simple(4, 3, true)));
        SampledResponses s = decoded.sample();
        assertThat(s.response(2, 3, 4)).isEqualTo(3 * 3 / 10f); // filter 3's max over the sample
        assertThat(s.response(0, 0, 4)).isZero();                // dead filter stays exactly 0
        assertThat(s.response(0, 3, 4)).isCloseTo(0.3f, org.assertj.core.api.Assertions.within(1e-5f));
        assertThat(s.activeFractionSum(2, 4)).isEqualTo(1.5f); // 0.5 on each of the 3 rows
        assertThat(s.activeFractionSum(0, 4)).isZero();
    }

    @Test
    void minActiveResponseIsTheSmallestFloatAboveTheThreshold() {
        float min = ResponseQuantisation.MIN_ACTIVE_RESPONSE;
        assertThat((double) min).isGreaterThan(ActivationAggregates.ACTIVE_THRESHOLD);
        assertThat((double) Math.nextDown(min)).isLessThanOrEqualTo(ActivationAggregates.ACTIVE_THRESHOLD);
        assertThat(min > 1e-12f).as("float comparison agrees").isTrue();
        assertThat(Math.nextDown(min) > 1e-12f).isFalse();
    }

    @Test
    void measuredValuesKeepNaNAndInfinityBitForBit() {
        LayerSnapshot snapshot = SnapshotFixtures.build(SnapshotFixtures.context(), new LayerInfo("conv1", 0, 4, 28, 28), true,
                ResponseSample.empty(), 10,
                f -> new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f}[f]);
        LayerSnapshot decoded = assertRoundTrip(snapshot);
        assertThat(decoded.params().gamma()[0]).isNaN();
        assertThat(decoded.gradients().rmsWeight()[1]).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(Float.floatToRawIntBits(decoded.activity().maxResponse()[3])).isEqualTo(Float.floatToRawIntBits(-0f));
    }

    @Test
    void contextAndLayerSurviveIncludingUnicodeAndLongestStrings() {
        String longest = "r".repeat(SnapshotCodec.MAX_STRING_BYTES - 4) + "🙂"; // 4 UTF-8 bytes
        assertThat(longest.getBytes(StandardCharsets.UTF_8)).hasSize(SnapshotCodec.MAX_STRING_BYTES);
        TrainingContext context = new TrainingContext(longest, 3, Long.MAX_VALUE, 7, 0, "", 1e-3, 0, 1e-2, 1);
        LayerSnapshot snapshot = SnapshotFixtures.build(context, new LayerInfo("layer2.1.conv2 é漢", 9, 3, 65536, 1), false,
                ResponseSample.empty(), Long.MAX_VALUE, f -> f);
        LayerSnapshot decoded = assertRoundTrip(snapshot);
        assertThat(decoded.context()).isEqualTo(context);
        assertThat(decoded.layer()).isEqualTo(snapshot.layer());
        assertThat(decoded.key()).isEqualTo(longest + "/layer2.1.conv2 é漢");
    }

    @Test
    void encodedSizeIsExact() {
        LayerSnapshot snapshot = SnapshotFixtures.simple(16, 7, true);
        int strings = "run-42".length() + "conv3".length() + "adam".length();
        assertThat(SnapshotCodec.encode(snapshot)).hasSize(SnapshotCodec.encodedSize(16, 7, true, strings));
        assertThat(SnapshotCodec.encode(SnapshotFixtures.simple(16, 0, false)))
                .hasSize(SnapshotCodec.encodedSize(16, 0, false, strings));
    }

    @Test
    void headerStartsWithMagicThenVersionBigEndian() {
        byte[] bytes = SnapshotCodec.encode(SnapshotFixtures.simple(2, 1, true));
        assertThat(new String(bytes, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("FWS1");
        assertThat(ByteBuffer.wrap(bytes).getShort(4)).isEqualTo((short) 3);
        assertThat(ByteBuffer.wrap(bytes).getShort(6)).isEqualTo((short) 3);
        assertThat(ByteBuffer.wrap(bytes).getInt(64)).as("C at offset 64").isEqualTo(2);
    }

    @Test
    void decodeByteBufferReadsFromPositionAndLeavesTheBufferAlone() {
        byte[] bytes = SnapshotCodec.encode(SnapshotFixtures.simple(3, 2, false));
        ByteBuffer padded = ByteBuffer.allocate(bytes.length + 10);
        padded.position(5);
        padded.put(bytes);
        padded.position(5).limit(5 + bytes.length);
        ByteBuffer readOnly = padded.asReadOnlyBuffer();
        assertThat(SnapshotCodec.decode(readOnly)).isEqualTo(SnapshotCodec.decode(bytes));
        assertThat(readOnly.position()).isEqualTo(5);
        assertThat(readOnly.limit()).isEqualTo(5 + bytes.length);
    }

    @Test
    void kafkaSerdeRoundTripsAndKeepsNull() {
        LayerSnapshot snapshot = SnapshotFixtures.simple(5, 4, true);
        byte[] bytes;
        try (LayerSnapshotSerializer serializer = new LayerSnapshotSerializer()) {
            bytes = serializer.serialize(Topics.SNAPSHOTS, snapshot);
            assertThat(serializer.serialize(Topics.SNAPSHOTS, null)).isNull();
        }
        try (LayerSnapshotDeserializer deserializer = new LayerSnapshotDeserializer()) {
            assertThat(deserializer.deserialize(Topics.SNAPSHOTS, bytes)).isEqualTo(SnapshotCodec.quantised(snapshot));
            assertThat(deserializer.deserialize(Topics.SNAPSHOTS, null, ByteBuffer.wrap(bytes)))
                    .isEqualTo(SnapshotCodec.quantised(snapshot));
            assertThat(deserializer.deserialize(Topics.SNAPSHOTS, null)).isNull();
        }
    }

    /** decode(encode(s)) is s with a quantised sample, and re-encoding the decoded value gives the same bytes. */
    static LayerSnapshot assertRoundTrip(LayerSnapshot snapshot) {
        byte[] bytes = SnapshotCodec.encode(snapshot);
        LayerSnapshot decoded = SnapshotCodec.decode(bytes);
        assertThat(decoded).isEqualTo(SnapshotCodec.quantised(snapshot));
        assertThat(decoded.context()).isEqualTo(snapshot.context());
        assertThat(decoded.layer()).isEqualTo(snapshot.layer());
        assertThat(decoded.params()).isEqualTo(snapshot.params());
        assertThat(decoded.gradients()).isEqualTo(snapshot.gradients());
        assertThat(decoded.activity()).isEqualTo(snapshot.activity());
        assertThat(SnapshotCodec.encode(decoded)).isEqualTo(bytes);
        return decoded;
    }
}
