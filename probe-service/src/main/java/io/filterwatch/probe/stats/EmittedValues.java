package io.filterwatch.probe.stats;

import java.util.Arrays;

import io.filterwatch.probe.ProbeSettings;
import io.filterwatch.protocol.FilterState;
import io.filterwatch.protocol.influx.InfluxSchema;
import io.filterwatch.protocol.influx.InfluxSchema.Fields;

/**
 * The values of the FilterStat last emitted for each filter of one layer, and the output
 * policy's question about them: did this snapshot's metrics move beyond tolerance since?
 *
 * <p>The question is asked of every filter, every snapshot, and the answer is nearly always no,
 * so it is answered column by column first: {@link #compare} takes, per filter, the largest
 * {@link OutputPolicy} excess over the twelve tested values, one quantity at a time over all
 * filters (loops the JIT vectorises), and {@link #moved} then reads one number per filter. Only a
 * filter with an undefined value, where that number is NaN, is tested value by value.
 */
public final class EmittedValues {
    /** The kinds of test (OutputPolicy). */
    private enum Test { RELATIVE, ABSOLUTE, SAMPLED_FRACTION, FACTOR }

    /** The values a FilterStat carries that the output policy watches, and the test of each. */
    private enum Column {
        GAMMA(Test.RELATIVE, Fields.GAMMA), BETA(Test.RELATIVE, Fields.BETA), WEIGHT_NORM(Test.RELATIVE, Fields.WEIGHT_NORM),
        MEAN_RESPONSE(Test.RELATIVE, Fields.MEAN_RESPONSE), WINDOW_MAX(Test.RELATIVE, Fields.WINDOW_MAX_RESPONSE),
        ACTIVITY_RATE(Test.ABSOLUTE, Fields.ACTIVITY_RATE), SELECTIVITY(Test.SAMPLED_FRACTION, Fields.SELECTIVITY),
        SPATIAL_ACTIVITY(Test.SAMPLED_FRACTION, Fields.SPATIAL_ACTIVITY), GAMMA_DOMINANCE(Test.FACTOR, Fields.GAMMA_DOMINANCE),
        BETA_DOMINANCE(Test.FACTOR, Fields.BETA_DOMINANCE), WEIGHT_DOMINANCE(Test.FACTOR, Fields.WEIGHT_DOMINANCE),
        ADAPTIVE_DECAY_RATIO(Test.FACTOR, Fields.ADAPTIVE_DECAY_RATIO);

        final Test test;
        /** Whether a refresh point writes this value, so that a refresh moves its baseline. */
        final boolean refreshed;

        Column(Test test, InfluxSchema.Field field) {
            this.test = test;
            this.refreshed = InfluxSchema.FILTER_REFRESH_FIELDS.contains(field);
        }

        double[] of(LayerMetrics m) {
            return switch (this) {
                case GAMMA -> m.gamma;
                case BETA -> m.beta;
                case WEIGHT_NORM -> m.weightNorm;
                case MEAN_RESPONSE -> m.meanResponse;
                case WINDOW_MAX -> m.windowMax;
                case ACTIVITY_RATE -> m.activityRate;
                case SELECTIVITY -> m.selectivity;
                case SPATIAL_ACTIVITY -> m.spatialActivity;
                case GAMMA_DOMINANCE -> m.gammaDominance;
                case BETA_DOMINANCE -> m.betaDominance;
                case WEIGHT_DOMINANCE -> m.weightDominance;
                case ADAPTIVE_DECAY_RATIO -> m.adaptiveDecayRatio;
            };
        }
    }

    private static final Column[] COLUMNS = Column.values();

    private final double relativeTolerance, fractionTolerance, dominanceFactor;
    private final FilterState[] state;
    private final boolean[] byActivation, byScale, silent;
    /** Last emitted values, [column][filter]. */
    private final double[][] emitted;
    /** The compared metrics' values, [column][filter]: the arrays of the LayerMetrics. */
    private final double[][] current = new double[COLUMNS.length][];
    private int sampleRows;
    /** Per filter the largest excess of the current comparison: > 0 moved, <= 0 not, NaN undecided. */
    private final double[] excess;

    public EmittedValues(int filterCount, ProbeSettings settings) {
        relativeTolerance = settings.relativeTolerance();
        fractionTolerance = settings.fractionTolerance();
        dominanceFactor = settings.dominanceFactor();
        state = new FilterState[filterCount];
        byActivation = new boolean[filterCount];
        byScale = new boolean[filterCount];
        silent = new boolean[filterCount];
        emitted = new double[COLUMNS.length][filterCount];
        excess = new double[filterCount];
    }

    /**
     * Compares the metrics with the emitted values, for the {@link #moved} and {@link #record}
     * calls that follow; {@code full}: false when no filter will be asked whether it moved (a
     * refresh emits them all), which skips the comparison itself.
     */
    public void compare(LayerMetrics m, boolean full) {
        for (Column column : COLUMNS) {
            current[column.ordinal()] = column.of(m);
        }
        sampleRows = m.sampleRows;
        if (!full) {
            return;
        }
        Arrays.fill(excess, Double.NEGATIVE_INFINITY);
        for (Column column : COLUMNS) {
            double[] now = current[column.ordinal()];
            double[] then = emitted[column.ordinal()];
            switch (column.test) {
                case RELATIVE -> relative(now, then);
                case ABSOLUTE -> absolute(now, then);
                case SAMPLED_FRACTION -> sampledFraction(now, then, sampleRows);
                case FACTOR -> factor(now, then);
            }
        }
    }

    // One loop per kind of test, each simple enough to be vectorised; a NaN excess stays NaN.

    private void relative(double[] now, double[] then) {
        double[] e = excess;
        for (int f = 0; f < e.length; f++) {
            e[f] = Math.max(e[f], OutputPolicy.relativeExcess(now[f], then[f], relativeTolerance));
        }
    }

    private void absolute(double[] now, double[] then) {
        double[] e = excess;
        for (int f = 0; f < e.length; f++) {
            e[f] = Math.max(e[f], OutputPolicy.absoluteExcess(now[f], then[f], fractionTolerance));
        }
    }

    private void sampledFraction(double[] now, double[] then, int rows) {
        double[] e = excess;
        for (int f = 0; f < e.length; f++) {
            e[f] = Math.max(e[f], OutputPolicy.sampledFractionExcess(now[f], then[f], fractionTolerance, rows));
        }
    }

    private void factor(double[] now, double[] then) {
        double[] e = excess;
        for (int f = 0; f < e.length; f++) {
            e[f] = Math.max(e[f], OutputPolicy.factorExcess(now[f], then[f], dominanceFactor));
        }
    }

    /**
     * Whether filter f's FilterStat would differ beyond tolerance from the one last emitted:
     * another state or dead flag, or a value moved. Valid after a full {@link #compare} with the
     * same metrics, and before f is {@linkplain #record recorded} again.
     */
    public boolean moved(int f, LayerMetrics m, FilterState now) {
        if (state[f] != now || byActivation[f] != m.deadByActivation[f] || byScale[f] != m.deadByScale[f]
                || silent[f] != m.silent[f]) {
            return true;
        }
        double e = excess[f];
        return e > 0 || (e != e && movedValueByValue(f));
    }

    /**
     * The tests one by one, for a filter with an undefined (or infinite) value: a column's excess
     * decides where it is a number; the test itself where it is NaN.
     */
    private boolean movedValueByValue(int f) {
        for (Column column : COLUMNS) {
            double now = current[column.ordinal()][f];
            double then = emitted[column.ordinal()][f];
            double e = switch (column.test) {
                case RELATIVE -> OutputPolicy.relativeExcess(now, then, relativeTolerance);
                case ABSOLUTE -> OutputPolicy.absoluteExcess(now, then, fractionTolerance);
                case SAMPLED_FRACTION -> OutputPolicy.sampledFractionExcess(now, then, fractionTolerance, sampleRows);
                case FACTOR -> OutputPolicy.factorExcess(now, then, dominanceFactor);
            };
            if (e > 0 || (e != e && moved(column.test, now, then))) {
                return true;
            }
        }
        return false;
    }

    private boolean moved(Test test, double now, double then) {
        return switch (test) {
            case RELATIVE -> OutputPolicy.relativeMoved(now, then, relativeTolerance);
            case ABSOLUTE -> OutputPolicy.absoluteMoved(now, then, fractionTolerance);
            case SAMPLED_FRACTION -> OutputPolicy.sampledFractionMoved(now, then, fractionTolerance, sampleRows);
            case FACTOR -> OutputPolicy.factorMoved(now, then, dominanceFactor);
        };
    }

    /**
     * Remembers filter f's values as emitted now in a full FilterStat (of the metrics last
     * {@linkplain #compare compared}).
     */
    public void record(int f, LayerMetrics m, FilterState now) {
        state[f] = now;
        byActivation[f] = m.deadByActivation[f];
        byScale[f] = m.deadByScale[f];
        silent[f] = m.silent[f];
        for (int k = 0; k < emitted.length; k++) {
            emitted[k][f] = current[k][f];
        }
    }

    /**
     * Remembers what a refresh of filter f writes: the values of {@link InfluxSchema#FILTER_REFRESH_FIELDS}.
     * The others keep the values of the last full FilterStat, the ones InfluxDB holds, so that a value
     * drifting by less than its tolerance per refresh period still reaches it once the drift adds up.
     * State and flags are unchanged by definition (a refresh is sent only when nothing {@linkplain #moved moved}).
     */
    public void recordRefresh(int f) {
        for (Column column : COLUMNS) {
            if (column.refreshed) {
                emitted[column.ordinal()][f] = current[column.ordinal()][f];
            }
        }
    }
}
