package io.filterwatch.protocol.influx;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.filterwatch.protocol.LayerStat;

/**
 * The InfluxDB schema of FilterWatch, the one home of its names (docs/metrics.md, "InfluxDB
 * schema"): per measurement its tag keys, its field keys and each field's type. The aggregator
 * writes through it ({@code PointMapper}), the console and the end-to-end test read through it, and
 * deploy-tests checks every Grafana dashboard and alert query against it; the aggregator's
 * {@code InfluxSchemaContractTest} fails when a written point and this class disagree.
 *
 * <p>A name is spelled once, in {@link Tags} or {@link Fields}; a field has one type in every
 * measurement it appears in. A measurement's optional fields are the ones a point may leave out
 * (an undefined value is omitted, never written as 0); every other field is on every point.
 */
public final class InfluxSchema {
    /** The database the services use unless configured otherwise ({@code influxdb.database}). */
    public static final String DEFAULT_DATABASE = "filterwatch";
    /** Tag value of {@code alerts.layer} for run-level alerts: InfluxDB has no empty tag values. */
    public static final String NO_LAYER = "-";
    /** Tag value written for a missing or empty tag value (InfluxDB has no empty tag values). */
    public static final String MISSING_TAG_VALUE = "unknown";

    /** How a field is written in line protocol; InfluxDB 1.x rejects a batch whose type differs from the stored one. */
    public enum FieldType {
        /** {@code 1.5}: a double. */
        FLOAT,
        /** {@code 3i}: a signed 64-bit integer (0/1 flags are integers too). */
        INTEGER,
        /** {@code "text"}. */
        STRING,
        /** {@code true} / {@code false}; no FilterWatch field uses it (flags are written as 0/1 integers). */
        BOOLEAN
    }

    /** A tag key (indexed; its values make series, so nothing unbounded is a tag). */
    public record Tag(String name) {
    }

    /** A field key and the one type it is written with. */
    public record Field(String name, FieldType type) {
    }

    /**
     * A measurement: its tag keys, its field keys in the order of docs/metrics.md, and those of its
     * fields a point may omit.
     */
    public record Measurement(String name, List<Tag> tags, List<Field> fields, Set<Field> optionalFields) {
        public Measurement {
            tags = List.copyOf(tags);
            fields = List.copyOf(fields);
            optionalFields = Collections.unmodifiableSet(new LinkedHashSet<>(optionalFields));
            if (!fields.containsAll(optionalFields)) {
                throw new IllegalArgumentException(name + ": an optional field that is not a field");
            }
        }

        public Optional<Tag> tag(String key) {
            return tags.stream().filter(t -> t.name().equals(key)).findFirst();
        }

        public Optional<Field> field(String key) {
            return fields.stream().filter(f -> f.name().equals(key)).findFirst();
        }

        /** Whether {@code key} is one of its tag or field keys. */
        public boolean has(String key) {
            return tag(key).isPresent() || field(key).isPresent();
        }

        public boolean isOptional(Field field) {
            return optionalFields.contains(field);
        }
    }

    /** Every tag key. */
    public static final class Tags {
        /** The run id. */
        public static final Tag RUN = new Tag("run");
        /** The layer name, unique in the run; {@link #NO_LAYER} on run-level alerts. */
        public static final Tag LAYER = new Tag("layer");
        public static final Tag OPTIMIZER = new Tag("optimizer");
        /** The filter (output channel) index in its layer. */
        public static final Tag FILTER = new Tag("filter");
        /** A run event's type ({@code STARTED}, {@code EPOCH_END}, ...). */
        public static final Tag TYPE = new Tag("type");
        public static final Tag RULE = new Tag("rule");
        public static final Tag SEVERITY = new Tag("severity");

        private Tags() {
        }
    }

    /** Every field key with its type. */
    public static final class Fields {
        public static final Field STEP = integer("step");
        public static final Field EPOCH = integer("epoch");
        public static final Field LAYER_INDEX = integer("layer_index");
        public static final Field FILTER_COUNT = integer("filter_count");
        public static final Field ALIVE = integer("alive");
        public static final Field DYING = integer("dying");
        public static final Field DEAD = integer("dead");
        public static final Field REVIVED = integer("revived");
        public static final Field SILENT = integer("silent");
        public static final Field DEAD_BY_ACTIVATION = integer("dead_by_activation");
        public static final Field DEAD_BY_SCALE = integer("dead_by_scale");
        public static final Field DEAD_BY_BOTH = integer("dead_by_both");
        public static final Field ACTIVATION_TEST_DECIDED = integer("activation_test_decided");
        public static final Field DEAD_FRACTION = floating("dead_fraction");
        public static final Field DEAD_BY_ACTIVATION_FRACTION = floating("dead_by_activation_fraction");
        public static final Field DEAD_BY_SCALE_FRACTION = floating("dead_by_scale_fraction");
        public static final Field MEDIAN_GAMMA_DOMINANCE = floating("median_gamma_dominance");
        public static final Field P90_GAMMA_DOMINANCE = floating("p90_gamma_dominance");
        public static final Field MEDIAN_BETA_DOMINANCE = floating("median_beta_dominance");
        public static final Field P90_BETA_DOMINANCE = floating("p90_beta_dominance");
        public static final Field MEDIAN_WEIGHT_DOMINANCE = floating("median_weight_dominance");
        public static final Field MEDIAN_ADAPTIVE_DECAY_RATIO = floating("median_adaptive_decay_ratio");
        public static final Field MEDIAN_REGULARISER_STEP_SHARE = floating("median_regulariser_step_share");
        public static final Field DEAD_FLOPS_SHARE = floating("dead_flops_share");
        public static final Field DEAD_PARAMS_SHARE = floating("dead_params_share");
        public static final Field DEAD_PARAMS = integer("dead_params");
        public static final Field DEAD_FLOPS = integer("dead_flops");
        public static final Field NON_FINITE_VALUES = integer("non_finite_values");
        public static final Field WINDOW_SAMPLES = integer("window_samples");
        /** {@code sel_bin_0} .. {@code sel_bin_9}: filters per selectivity bin, {@link LayerStat#SELECTIVITY_BINS} of them. */
        public static final List<Field> SELECTIVITY_BINS = selectivityBins();
        public static final Field LEARNING_RATE = floating("learning_rate");
        public static final Field L2 = floating("l2");
        public static final Field WEIGHT_DECAY = floating("weight_decay");
        public static final Field BATCH_SIZE = integer("batch_size");

        /** {@code ALIVE}, {@code DYING}, ... as a string, and as {@link #STATE_CODE}. */
        public static final Field STATE = string("state");
        /** 0 alive, 1 dying, 2 dead, 3 revived, 4 silent. */
        public static final Field STATE_CODE = integer("state_code");
        public static final Field STATE_SINCE_STEP = integer("state_since_step");
        public static final Field LAST_FIRED_STEP = integer("last_fired_step");
        public static final Field ACTIVITY_RATE = floating("activity_rate");
        public static final Field SELECTIVITY = floating("selectivity");
        public static final Field SPATIAL_ACTIVITY = floating("spatial_activity");
        public static final Field MEAN_RESPONSE = floating("mean_response");
        public static final Field WINDOW_MAX_RESPONSE = floating("window_max_response");
        public static final Field GAMMA = floating("gamma");
        public static final Field BETA = floating("beta");
        public static final Field WEIGHT_NORM = floating("weight_norm");
        public static final Field GAMMA_DOMINANCE = floating("gamma_dominance");
        public static final Field BETA_DOMINANCE = floating("beta_dominance");
        public static final Field WEIGHT_DOMINANCE = floating("weight_dominance");
        public static final Field ADAPTIVE_DECAY_RATIO = floating("adaptive_decay_ratio");
        public static final Field REGULARISER_STEP_SHARE = floating("regulariser_step_share");

        /** run_stats: conv filters of the layers reported so far. */
        public static final Field FILTERS = integer("filters");
        /** run_stats: layers included. */
        public static final Field LAYERS = integer("layers");

        public static final Field LOSS = floating("loss");
        public static final Field ACCURACY = floating("accuracy");
        public static final Field MESSAGE = string("message");

        /** The alert episode's id, the same on its FIRING and its RESOLVED point. */
        public static final Field ID = string("id");
        /** {@code FIRING} / {@code RESOLVED}. */
        public static final Field STATUS = string("status");
        /** 1 / 0. */
        public static final Field FIRING = integer("firing");
        public static final Field SUMMARY = string("summary");
        public static final Field DESCRIPTION = string("description");

        private Fields() {
        }

        /** {@code sel_bin_<bin>}: filters whose selectivity lies in [bin/10, (bin+1)/10) (the last bin closed). */
        public static Field selectivityBin(int bin) {
            return SELECTIVITY_BINS.get(bin);
        }

        private static List<Field> selectivityBins() {
            List<Field> bins = new ArrayList<>(LayerStat.SELECTIVITY_BINS);
            for (int i = 0; i < LayerStat.SELECTIVITY_BINS; i++) {
                bins.add(integer("sel_bin_" + i));
            }
            return List.copyOf(bins);
        }

        private static Field integer(String name) {
            return new Field(name, FieldType.INTEGER);
        }

        private static Field floating(String name) {
            return new Field(name, FieldType.FLOAT);
        }

        private static Field string(String name) {
            return new Field(name, FieldType.STRING);
        }
    }

    /** One point per layer snapshot (from {@code filterwatch.layer-stats}). */
    public static final Measurement LAYER_STATS = new Measurement("layer_stats",
            List.of(Tags.RUN, Tags.LAYER, Tags.OPTIMIZER),
            concat(List.of(Fields.STEP, Fields.EPOCH, Fields.LAYER_INDEX, Fields.FILTER_COUNT, Fields.ALIVE, Fields.DYING,
                    Fields.DEAD, Fields.REVIVED, Fields.SILENT, Fields.DEAD_BY_ACTIVATION, Fields.DEAD_BY_SCALE,
                    Fields.DEAD_BY_BOTH, Fields.ACTIVATION_TEST_DECIDED, Fields.DEAD_FRACTION,
                    Fields.DEAD_BY_ACTIVATION_FRACTION, Fields.DEAD_BY_SCALE_FRACTION, Fields.MEDIAN_GAMMA_DOMINANCE,
                    Fields.P90_GAMMA_DOMINANCE, Fields.MEDIAN_BETA_DOMINANCE, Fields.P90_BETA_DOMINANCE,
                    Fields.MEDIAN_WEIGHT_DOMINANCE, Fields.MEDIAN_ADAPTIVE_DECAY_RATIO,
                    Fields.MEDIAN_REGULARISER_STEP_SHARE, Fields.DEAD_FLOPS_SHARE, Fields.DEAD_PARAMS_SHARE,
                    Fields.DEAD_PARAMS, Fields.DEAD_FLOPS, Fields.NON_FINITE_VALUES, Fields.WINDOW_SAMPLES),
                    Fields.SELECTIVITY_BINS,
                    List.of(Fields.LEARNING_RATE, Fields.L2, Fields.WEIGHT_DECAY, Fields.BATCH_SIZE)),
            // undefined for the layer (the probe sends null) or only for adaptive optimizers
            Set.of(Fields.MEDIAN_GAMMA_DOMINANCE, Fields.P90_GAMMA_DOMINANCE, Fields.MEDIAN_BETA_DOMINANCE,
                    Fields.P90_BETA_DOMINANCE, Fields.MEDIAN_WEIGHT_DOMINANCE, Fields.MEDIAN_ADAPTIVE_DECAY_RATIO,
                    Fields.MEDIAN_REGULARISER_STEP_SHARE));

    /** One point per filter record (from {@code filterwatch.filter-stats}); a filter's series is sparse in time. */
    public static final Measurement FILTER_STATS = new Measurement("filter_stats",
            List.of(Tags.RUN, Tags.LAYER, Tags.FILTER),
            List.of(Fields.STEP, Fields.EPOCH, Fields.STATE, Fields.STATE_CODE, Fields.STATE_SINCE_STEP,
                    Fields.DEAD_BY_ACTIVATION, Fields.DEAD_BY_SCALE, Fields.SILENT, Fields.LAST_FIRED_STEP,
                    Fields.ACTIVITY_RATE, Fields.SELECTIVITY, Fields.SPATIAL_ACTIVITY, Fields.MEAN_RESPONSE,
                    Fields.WINDOW_MAX_RESPONSE, Fields.GAMMA, Fields.BETA, Fields.WEIGHT_NORM, Fields.GAMMA_DOMINANCE,
                    Fields.BETA_DOMINANCE, Fields.WEIGHT_DOMINANCE, Fields.ADAPTIVE_DECAY_RATIO,
                    Fields.REGULARISER_STEP_SHARE),
            // dead_by_activation while the test cannot decide, last_fired_step if it never fired, the rest when undefined
            Set.of(Fields.DEAD_BY_ACTIVATION, Fields.LAST_FIRED_STEP, Fields.SELECTIVITY, Fields.SPATIAL_ACTIVITY,
                    Fields.GAMMA_DOMINANCE, Fields.BETA_DOMINANCE, Fields.WEIGHT_DOMINANCE, Fields.ADAPTIVE_DECAY_RATIO,
                    Fields.REGULARISER_STEP_SHARE));

    /**
     * The fields of a {@code filter_stats} point written for a refresh only ({@code FilterStat.refresh()}:
     * the filter's state and every watched value are within tolerance of its last full point): what the
     * dashboards and alerts read with {@code fill(previous)} or {@code last()} over a short range, so that
     * each filter shows there. The other fields (epoch, state_code, mean and window max response, ||w||,
     * beta and weight dominance, adaptive decay ratio, regulariser step share) are written with the full
     * points only, whenever a value moved beyond its tolerance; a refresh would only restate them. A refresh
     * point of a ResNet-50 run carries 13 values instead of 22 (docs/metrics.md, "Output policy").
     */
    public static final Set<Field> FILTER_REFRESH_FIELDS = Set.of(Fields.STEP, Fields.STATE, Fields.STATE_SINCE_STEP,
            Fields.DEAD_BY_ACTIVATION, Fields.DEAD_BY_SCALE, Fields.SILENT, Fields.LAST_FIRED_STEP, Fields.ACTIVITY_RATE,
            Fields.SELECTIVITY, Fields.SPATIAL_ACTIVITY, Fields.GAMMA, Fields.BETA, Fields.GAMMA_DOMINANCE);

    /** The run at each step, computed by the aggregator. */
    public static final Measurement RUN_STATS = new Measurement("run_stats",
            List.of(Tags.RUN),
            List.of(Fields.STEP, Fields.FILTERS, Fields.ALIVE, Fields.DYING, Fields.DEAD, Fields.DEAD_BY_ACTIVATION,
                    Fields.DEAD_BY_SCALE, Fields.SILENT, Fields.DEAD_FRACTION, Fields.LAYERS),
            Set.of());

    /** One point per run event (from {@code filterwatch.runs}). */
    public static final Measurement RUN_EVENTS = new Measurement("run_events",
            List.of(Tags.RUN, Tags.TYPE),
            List.of(Fields.STEP, Fields.EPOCH, Fields.LOSS, Fields.ACCURACY, Fields.MESSAGE),
            Set.of(Fields.LOSS, Fields.ACCURACY, Fields.MESSAGE));

    /** One point per alert transition, FIRING and RESOLVED (Grafana's annotations). */
    public static final Measurement ALERTS = new Measurement("alerts",
            List.of(Tags.RUN, Tags.RULE, Tags.SEVERITY, Tags.LAYER),
            List.of(Fields.ID, Fields.STATUS, Fields.FIRING, Fields.STEP, Fields.SUMMARY, Fields.DESCRIPTION),
            Set.of(Fields.SUMMARY, Fields.DESCRIPTION));

    /** Every measurement, in the order of docs/metrics.md. */
    public static final List<Measurement> MEASUREMENTS = List.of(LAYER_STATS, FILTER_STATS, RUN_STATS, RUN_EVENTS, ALERTS);

    private InfluxSchema() {
    }

    /** The measurement called {@code name}, if it is one. */
    public static Optional<Measurement> measurement(String name) {
        return MEASUREMENTS.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    @SafeVarargs
    private static List<Field> concat(List<Field>... parts) {
        List<Field> out = new ArrayList<>();
        for (List<Field> p : parts) {
            out.addAll(p);
        }
        return out;
    }
}
