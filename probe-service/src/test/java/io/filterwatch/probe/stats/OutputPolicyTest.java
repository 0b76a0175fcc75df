package io.filterwatch.probe.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The excess form of each output-policy test against the test itself: positive must mean moved,
 * zero or negative not moved, and an undefined value must give NaN (the test decides then).
 * Pairs are drawn to sit on the edges: exactly at a tolerance boundary and one ulp either side,
 * signed zeros, infinities, NaN, subnormals, huge values, and plain random ones.
 */
class OutputPolicyTest {
    private static final double[] SPECIAL = {0.0, -0.0, 1.0, -1.0, 0.5, 1e-3, Double.MIN_VALUE, -Double.MIN_VALUE,
        Double.MIN_NORMAL, Double.MAX_VALUE, -Double.MAX_VALUE, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
        Double.NaN, 1e6, 0.02, 0.98};
    private static final double[] TOLERANCES = {0.05, 0.02, 0.0, 0.5, 1.0, 3.0, Double.POSITIVE_INFINITY};
    private static final double[] FACTORS = {4.0, 1.0, 1.5, 1e6, Double.POSITIVE_INFINITY};
    private static final int[] ROWS = {1024, 0, 1, 7, 1_000_000};

    @Test
    void excessAgreesWithTheTest() {
        Random random = new Random(5);
        for (int i = 0; i < 400_000; i++) {
            double then = draw(random);
            double tol = TOLERANCES[random.nextInt(TOLERANCES.length)];
            double factor = FACTORS[random.nextInt(FACTORS.length)];
            int rows = ROWS[random.nextInt(ROWS.length)];
            double now = near(random, then, tol, factor, rows);
            agree("relative", OutputPolicy.relativeExcess(now, then, tol), OutputPolicy.relativeMoved(now, then, tol),
                    now, then);
            agree("absolute", OutputPolicy.absoluteExcess(now, then, tol), OutputPolicy.absoluteMoved(now, then, tol),
                    now, then);
            agree("sampled", OutputPolicy.sampledFractionExcess(now, then, tol, rows),
                    OutputPolicy.sampledFractionMoved(now, then, tol, rows), now, then);
            agree("factor", OutputPolicy.factorExcess(now, then, factor), OutputPolicy.factorMoved(now, then, factor),
                    now, then);
        }
    }

    @Test
    void examples() {
        assertThat(OutputPolicy.relativeExcess(1.06, 1.0, 0.05)).isPositive();
        assertThat(OutputPolicy.relativeExcess(1.04, 1.0, 0.05)).isNegative();
        assertThat(OutputPolicy.factorExcess(0.0, 2.0, 4.0)).isPositive(); // 0 against non-zero
        assertThat(OutputPolicy.factorExcess(-0.0, 2.0, 4.0)).isPositive();
        assertThat(OutputPolicy.factorExcess(0.0, -0.0, 4.0)).isNaN(); // equal: the test says not moved
        assertThat(OutputPolicy.factorMoved(0.0, -0.0, 4.0)).isFalse();
        assertThat(OutputPolicy.sampledFractionExcess(Double.NaN, Double.NaN, 0.02, 1024)).isNaN();
    }

    private static void agree(String test, double excess, boolean moved, double now, double then) {
        if (Double.isNaN(now) || Double.isNaN(then)) {
            assertThat(excess).as("%s(%s, %s): undefined gives NaN", test, now, then).isNaN();
        } else if (!Double.isNaN(excess)) {
            assertThat(excess > 0).as("%s(%s, %s): excess %s", test, now, then, excess).isEqualTo(moved);
        }
    }

    private static double draw(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> SPECIAL[random.nextInt(SPECIAL.length)];
            case 1 -> random.nextDouble();
            case 2 -> Math.exp(random.nextGaussian() * 10) * (random.nextInt(8) == 0 ? -1 : 1);
            default -> Double.longBitsToDouble(random.nextLong());
        };
    }

    /** A value on or next to one of the boundaries of the tests for {@code then}, or any value. */
    private static double near(Random random, double then, double tol, double factor, int rows) {
        double edge = switch (random.nextInt(7)) {
            case 0 -> then * (1 + tol);
            case 1 -> then / (1 - tol);
            case 2 -> then * (1 - tol);
            case 3 -> then + tol;
            case 4 -> then * factor;
            case 5 -> then / factor;
            default -> {
                // the noise bound of a sampled fraction: |now - then| = 3 sqrt(2 p (1 - p) / rows)
                double p = Math.min(1.0, Math.max(0.0, then));
                yield then + (rows > 0 ? 3 * Math.sqrt(2 * p * (1 - p) / rows) : 0.0);
            }
        };
        return switch (random.nextInt(5)) {
            case 0 -> edge;
            case 1 -> Math.nextUp(edge);
            case 2 -> Math.nextDown(edge);
            case 3 -> then;
            default -> draw(random);
        };
    }
}
