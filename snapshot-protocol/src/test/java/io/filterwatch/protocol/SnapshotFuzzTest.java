package io.filterwatch.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * 120,000 random and mutated records, seeded: each must either decode or throw
 * {@link SnapshotFormatException}, nothing else (no OOM, no other exception). A record that decodes
 * must re-encode to exactly its own bytes: the decoder accepts only what an encoder can produce. A
 * mutant that decodes as an older version (a flipped version field) re-encodes as the current one,
 * so for it the re-encoded record must decode to the same snapshot.
 */
class SnapshotFuzzTest {
    private static final long SEED = 20261126L;
    private static final int RECORDS = 120_000;
    private static final int[] INTERESTING = {0, 1, -1, 2, 3, 4, 255, 256, 257, 4096, 4097, 65_535, 65_536, 65_537,
            Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE - 7, 1 << 20, 1 << 24, 0x46575331};

    @Test
    void everyRecordDecodesOrThrowsTheProtocolException() {
        Random rnd = new Random(SEED);
        byte[][] corpus = new byte[256][];
        for (int i = 0; i < corpus.length; i++) {
            int c = 1 + rnd.nextInt(12);
            int n = rnd.nextInt(7);
            boolean secondMoments = rnd.nextBoolean();
            corpus[i] = SnapshotCodec.encode(SnapshotFixtures.random(rnd, c, n, secondMoments));
            if (!secondMoments && n > 0 && i % 4 < 2) {
                // older versions are still read: mutate them too (rows in reverse rank order)
                corpus[i] = i % 4 == 0 ? OlderVersionRecordsTest.version2(corpus[i], c, n, true)
                        : OlderVersionRecordsTest.version1(corpus[i], c, n, new byte[n * c], true);
            }
        }
        int[] outcomes = new int[Mutation.values().length * 2];
        for (int i = 0; i < RECORDS; i++) {
            Mutation mutation = Mutation.values()[rnd.nextInt(Mutation.values().length)];
            byte[] record = mutation.apply(corpus[rnd.nextInt(corpus.length)], corpus[rnd.nextInt(corpus.length)], rnd);
            boolean decoded = decodeOrReject(record, i, mutation);
            outcomes[mutation.ordinal() * 2 + (decoded ? 1 : 0)]++;
        }
        // The loop must exercise both paths: some mutants are still valid (e.g. flips inside measured floats).
        int accepted = 0;
        for (int m = 0; m < Mutation.values().length; m++) {
            accepted += outcomes[m * 2 + 1];
        }
        assertThat(accepted).as("decoded mutants").isBetween(RECORDS / 100, RECORDS - RECORDS / 5);
    }

    private static boolean decodeOrReject(byte[] record, int iteration, Mutation mutation) {
        LayerSnapshot snapshot;
        try {
            snapshot = SnapshotCodec.decode(record);
        } catch (SnapshotFormatException expected) {
            if (expected.getMessage() == null || expected.getMessage().isBlank()) { // plain check: AssertJ is slow in a hot loop
                fail("record " + iteration + " (" + mutation + ") was rejected without a message");
            }
            return false;
        } catch (Throwable other) {
            return fail("record " + iteration + " (" + mutation + ", seed " + SEED + ") threw " + other
                    + "\n" + HexFormat.of().formatHex(record), other);
        }
        byte[] reencoded = SnapshotCodec.encode(snapshot);
        if (record[Records.VERSION] == 0 && record[Records.VERSION + 1] < SnapshotCodec.VERSION) {
            // an older version (the mutation changed it) re-encodes as the current one, to the same content
            if (!SnapshotCodec.decode(reencoded).equals(snapshot)) {
                fail("record " + iteration + " (" + mutation + ") decoded as version " + record[Records.VERSION + 1]
                        + " but does not read back the same\n"
                        + HexFormat.of().formatHex(record));
            }
        } else if (!Arrays.equals(reencoded, record)) {
            fail("record " + iteration + " (" + mutation + ") decoded but does not re-encode to itself\n"
                    + HexFormat.of().formatHex(record) + "\n" + HexFormat.of().formatHex(reencoded));
        }
        return true;
    }

    enum Mutation {
        BIT_FLIPS {
            byte[] apply(byte[] record, byte[] other, Random rnd) {
                byte[] copy = record.clone();
                for (int i = 1 + rnd.nextInt(4); i > 0; i--) {
                    int bit = rnd.nextInt(copy.length * 8);
                    copy[bit / 8] ^= (byte) (1 << (bit % 8));
                }
                return copy;
            }
        },
        TRUNCATION {
            byte[] apply(byte[] record, byte[] other, Random rnd) {
                return Arrays.copyOf(record, rnd.nextInt(record.length));
            }
        },
        LENGTH_FIELD_OVERWRITE {
            byte[] apply(byte[] record, byte[] other, Random rnd) {
                byte[] copy = record.clone();
                ByteBuffer buf = ByteBuffer.wrap(copy);
                int value = rnd.nextBoolean() ? INTERESTING[rnd.nextInt(INTERESTING.length)] : rnd.nextInt();
                int sample = Records.column(copy, Records.SAMPLE_SECTION);
                int[] i32Fields = {Records.FILTER_COUNT, Records.OUT_HEIGHT, Records.OUT_WIDTH, Records.BATCH_SIZE,
                        sample, sample + 4};
                int[] u16Fields = {Records.RUN_ID_LENGTH, Records.layerNameLength(copy), Records.optimizerLength(copy),
                        Records.VERSION, Records.FLAGS};
                if (rnd.nextBoolean()) {
                    int at = i32Fields[rnd.nextInt(i32Fields.length)];
                    if (at + 4 <= copy.length) {
                        buf.putInt(at, value);
                    }
                } else if (rnd.nextBoolean()) {
                    buf.putShort(u16Fields[rnd.nextInt(u16Fields.length)], (short) value);
                } else {
                    buf.putLong(Records.SAMPLES_SEEN, rnd.nextBoolean() ? value : (long) value << 32);
                }
                return copy;
            }
        },
        RANDOM_BYTES {
            byte[] apply(byte[] record, byte[] other, Random rnd) {
                byte[] random = new byte[rnd.nextInt(400)];
                rnd.nextBytes(random);
                return random;
            }
        },
        RANDOM_BYTES_AFTER_A_VALID_PREFIX {
            byte[] apply(byte[] record, byte[] other, Random rnd) {
                byte[] copy = record.clone();
                int from = 4 + rnd.nextInt(copy.length - 4);
                int to = Math.min(copy.length, from + 1 + rnd.nextInt(16));
                for (int i = from; i < to; i++) {
                    copy[i] = (byte) rnd.nextInt();
                }
                return copy;
            }
        },
        INSERT_OR_DELETE {
            byte[] apply(byte[] record, byte[] other, Random rnd) {
                int at = rnd.nextInt(record.length);
                int n = 1 + rnd.nextInt(8);
                byte[] out;
                if (rnd.nextBoolean()) {
                    out = new byte[record.length + n];
                    System.arraycopy(record, 0, out, 0, at);
                    System.arraycopy(record, at, out, at + n, record.length - at);
                } else {
                    n = Math.min(n, record.length - at);
                    out = new byte[record.length - n];
                    System.arraycopy(record, 0, out, 0, at);
                    System.arraycopy(record, at + n, out, at, record.length - at - n);
                }
                return out;
            }
        },
        SPECIAL_VALUE_OVERWRITE {
            byte[] apply(byte[] record, byte[] other, Random rnd) {
                byte[] copy = record.clone();
                int at = rnd.nextInt(copy.length - 8);
                long[] specials = {Double.doubleToRawLongBits(Double.NaN), Double.doubleToRawLongBits(Double.NEGATIVE_INFINITY),
                        ((long) Float.floatToRawIntBits(Float.NaN) << 32) | Float.floatToRawIntBits(Float.POSITIVE_INFINITY),
                        -1L, 0L, Long.MIN_VALUE, 0xFFFF_FFFF_0000_0000L};
                ByteBuffer.wrap(copy).putLong(at, specials[rnd.nextInt(specials.length)]);
                return copy;
            }
        },
        SPLICE {
            byte[] apply(byte[] record, byte[] other, Random rnd) {
                int cut = rnd.nextInt(record.length);
                int otherCut = rnd.nextInt(other.length);
                byte[] out = Arrays.copyOf(record, cut + other.length - otherCut);
                System.arraycopy(other, otherCut, out, cut, other.length - otherCut);
                return out;
            }
        };

        abstract byte[] apply(byte[] record, byte[] other, Random rnd);
    }
}
