package io.filterwatch.protocol;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The pruning plan of a run from its filters' latest readings and its {@link RunTopology}: which filters
 * go, which constants fold where, what it saves, each weight counted once. The one implementation: the
 * aggregator serves it, the trainer's tests apply it to a real network (docs/metrics.md, "Pruning plan").
 *
 * <ul>
 * <li>A filter is a candidate when {@link PruningRule#constantOutput} says its output is a constant.</li>
 * <li>Channels that meet in residual sums (a group: the members' outputs and the sums, joined through the
 *     sums' inputs) go together: channel c goes only when it is constant in every member; the sums'
 *     constants follow, ReLU(sum of the inputs' constants), in forward order.</li>
 * <li>Every consumer of a node of a removed channel (a conv reading it, the head) gets the node's
 *     constant folded: a conv into its BN's running mean, the head into its bias. That is exact only
 *     when the consumer sees the constant under every kernel tap: a conv without padding, the head after
 *     global pooling. A non-zero constant reaching a zero-padded conv differs at the map's border, so
 *     the plan keeps that channel and says why.</li>
 * <li>Savings per conv layer L with kernel k, F filters, inC input channels, map H x W, ro removed
 *     filters and ri removed input channels: parameters k^2 (ro inC + ri F - ro ri) + 2 ro, MACs per
 *     sample k^2 H W (ro inC + ri F - ro ri); the head: ri x units of each. A weight between two removed
 *     channels is in both ro inC and ri F, hence the - ro ri.</li>
 * </ul>
 */
public final class PruningPlanCalculator {

    /** One filter's latest statistics, as the plan reads them. */
    public record FilterReading(int filter, boolean deadByActivation, double gamma, double beta) {
        public static FilterReading of(FilterStat s) {
            return new FilterReading(s.filter(), Boolean.TRUE.equals(s.deadByActivation()), s.gamma(), s.beta());
        }
    }

    /** The latest readings of one layer's filters (filters never reported are taken as alive). */
    public record LayerReadings(String layer, int layerIndex, int filterCount, List<FilterReading> filters) {
    }

    public static final String HEAD = "head";
    static final String RUNNING_MEAN = "bn.runningMean";
    static final String BIAS = "bias";

    private PruningPlanCalculator() {
    }

    public static PruningPlan plan(String runId, long step, RunTopology topology, List<LayerReadings> readings) {
        if (topology == null || !topology.readable()) {
            return withoutTopology(runId, step, topology, readings);
        }
        return new Planner(topology, readings).plan(runId, step);
    }

    /** Without a graph nothing is exact: every candidate is listed, none removed. */
    private static PruningPlan withoutTopology(String runId, long step, RunTopology topology, List<LayerReadings> readings) {
        String note = topology == null
                ? "the run has no topology (a trainer before topology version 1): consumers and residual sums unknown"
                : "the run's topology has version " + topology.version() + ", this reader knows version "
                        + RunTopology.VERSION + ": consumers and residual sums unknown";
        List<PruningPlan.LayerPlan> layers = new ArrayList<>();
        for (LayerReadings l : sorted(readings)) {
            List<PruningPlan.Blocked> blocked = new ArrayList<>();
            for (FilterReading f : l.filters()) {
                if (f.deadByActivation() || PruningRule.deadByScale(f.gamma())) {
                    blocked.add(new PruningPlan.Blocked(f.filter(), note));
                }
            }
            layers.add(new PruningPlan.LayerPlan(l.layer(), l.layerIndex(), l.filterCount(), null, List.of(), List.of(),
                    blocked, null, null));
        }
        return new PruningPlan(runId, step, PruningRule.DEAD_GAMMA, null, note, 0, null, null, null, null, layers, List.of());
    }

    private static List<LayerReadings> sorted(List<LayerReadings> readings) {
        List<LayerReadings> list = new ArrayList<>(readings);
        list.sort((a, b) -> Integer.compare(a.layerIndex(), b.layerIndex()));
        return list;
    }

    /** One plan over one topology. */
    private static final class Planner {
        private final RunTopology topology;
        private final Map<String, Map<Integer, FilterReading>> readings = new HashMap<>();
        private final Map<String, LayerReadings> layerReadings = new HashMap<>();
        private final Map<String, String> parent = new HashMap<>();
        /** Removed channels per group root. */
        private final Map<String, List<Integer>> removedChannels = new HashMap<>();
        private final Map<String, List<PruningPlan.Fold>> layerFolds = new HashMap<>();
        private final Map<String, TreeMap<Integer, PruningPlan.Blocked>> layerBlocked = new HashMap<>();

        Planner(RunTopology topology, List<LayerReadings> list) {
            this.topology = topology;
            for (LayerReadings l : list) {
                layerReadings.put(l.layer(), l);
                Map<Integer, FilterReading> byFilter = new HashMap<>();
                l.filters().forEach(f -> byFilter.put(f.filter(), f));
                readings.put(l.layer(), byFilter);
            }
            for (RunTopology.Sum s : topology.sums()) {
                for (String in : s.inputs()) {
                    union(s.name(), in);
                }
            }
        }

        private String find(String node) {
            String p = parent.getOrDefault(node, node);
            if (p.equals(node)) {
                return node;
            }
            String root = find(p);
            parent.put(node, root);
            return root;
        }

        private void union(String a, String b) {
            String ra = find(a);
            String rb = find(b);
            if (!ra.equals(rb)) {
                parent.put(rb, ra);
            }
        }

        PruningPlan plan(String runId, long step) {
            // Groups in forward order of their first member.
            Map<String, List<RunTopology.Layer>> members = new LinkedHashMap<>();
            for (RunTopology.Layer l : topology.layers()) {
                members.computeIfAbsent(find(l.name()), k -> new ArrayList<>()).add(l);
            }
            List<PruningPlan.ResidualGroup> groups = new ArrayList<>();
            for (Map.Entry<String, List<RunTopology.Layer>> g : members.entrySet()) {
                List<RunTopology.Sum> sums = topology.sums().stream().filter(s -> find(s.name()).equals(g.getKey())).toList();
                PruningPlan.ResidualGroup group = planGroup(g.getKey(), g.getValue(), sums);
                if (group != null) {
                    groups.add(group);
                }
            }
            return assemble(runId, step, groups);
        }

        /** Decides every channel of one group (a plain layer is a group of one without sums). */
        private PruningPlan.ResidualGroup planGroup(String root, List<RunTopology.Layer> layers, List<RunTopology.Sum> sums) {
            boolean residual = !sums.isEmpty();
            String name = !residual ? null : sums.size() == 1 ? sums.get(0).name()
                    : sums.get(0).name() + ".." + sums.get(sums.size() - 1).name();
            boolean readsImage = find(RunTopology.INPUT).equals(root);
            int channels = layers.get(0).filters();
            List<Integer> removed = new ArrayList<>();
            List<PruningPlan.Fold> folds = new ArrayList<>();
            List<PruningPlan.Blocked> blocked = new ArrayList<>();
            for (int c = 0; c < channels; c++) {
                Map<String, Double> value = new HashMap<>();
                List<String> alive = new ArrayList<>();
                for (RunTopology.Layer l : layers) {
                    Double k = constant(l, c);
                    if (k == null) {
                        alive.add(l.name());
                    } else {
                        value.put(l.name(), k);
                    }
                }
                if (value.isEmpty()) {
                    continue;
                }
                String why = null;
                if (readsImage) {
                    why = "joins a sum with the input image, whose channels stay";
                } else if (!alive.isEmpty()) {
                    why = "joins residual group " + name + ": channel " + c + " is not constant in " + String.join(", ", alive)
                            + " (a sum's channels go together)";
                }
                List<PruningPlan.FoldTarget> into = new ArrayList<>();
                if (why == null) {
                    for (RunTopology.Sum s : sums) {
                        double sum = 0;
                        for (String in : s.inputs()) {
                            sum += value.get(in);
                        }
                        value.put(s.name(), Math.max(0.0, sum));
                    }
                    why = foldTargets(layers, sums, value, into);
                }
                if (why != null) {
                    PruningPlan.Blocked b = new PruningPlan.Blocked(c, why);
                    blocked.add(b);
                    for (RunTopology.Layer l : layers) {
                        if (value.containsKey(l.name())) {
                            layerBlocked.computeIfAbsent(l.name(), k -> new TreeMap<>()).put(c, b);
                        }
                    }
                    continue;
                }
                removed.add(c);
                if (!into.isEmpty()) {
                    PruningPlan.Fold fold = new PruningPlan.Fold(c, List.copyOf(into));
                    if (residual) {
                        folds.add(fold);
                    } else {
                        layerFolds.computeIfAbsent(layers.get(0).name(), k -> new ArrayList<>()).add(fold);
                    }
                }
            }
            removedChannels.put(root, removed);
            if (!residual) {
                return null;
            }
            return new PruningPlan.ResidualGroup(name, layers.stream().map(RunTopology.Layer::name).toList(),
                    sums.stream().map(RunTopology.Sum::name).toList(), removed, folds, blocked);
        }

        /**
         * Where the group's constants at one channel go: every consumer of every node of the group.
         * Returns why the channel must stay, or null when every fold is exact (targets in {@code into}).
         */
        private String foldTargets(List<RunTopology.Layer> layers, List<RunTopology.Sum> sums, Map<String, Double> value,
                                   List<PruningPlan.FoldTarget> into) {
            List<String> nodes = new ArrayList<>();
            layers.forEach(l -> nodes.add(l.name()));
            sums.forEach(s -> nodes.add(s.name()));
            for (String node : nodes) {
                double k = value.get(node);
                if (!Double.isFinite(k)) {
                    return "its constant output is not finite (" + k + ")";
                }
                if (k == 0.0) {
                    continue;   // a zero channel adds nothing anywhere: nothing to fold
                }
                for (RunTopology.Layer consumer : topology.consumers(node)) {
                    if (consumer.padding() > 0) {
                        return String.format(Locale.ROOT, "%s emits the constant %s into %s (%dx%d, padding %d): a fold into the "
                                        + "BN shift is exact only where the whole kernel lies inside the map, not at the zero-padded border",
                                node, k, consumer.name(), consumer.kernel(), consumer.kernel(), consumer.padding());
                    }
                    into.add(new PruningPlan.FoldTarget(consumer.name(), RUNNING_MEAN, k));
                }
                if (topology.head() != null && topology.head().input().equals(node)) {
                    into.add(new PruningPlan.FoldTarget(HEAD, BIAS, k));
                }
            }
            return null;
        }

        private Double constant(RunTopology.Layer l, int c) {
            FilterReading r = readings.getOrDefault(l.name(), Map.of()).get(c);
            return r == null ? null : PruningRule.constantOutput(r.deadByActivation(), r.gamma(), r.beta(), l.relu());
        }

        private int removedIn(String node) {
            if (RunTopology.INPUT.equals(node)) {
                return 0;
            }
            return removedChannels.getOrDefault(find(node), List.of()).size();
        }

        private PruningPlan assemble(String runId, long step, List<PruningPlan.ResidualGroup> groups) {
            Map<String, String> groupOf = new HashMap<>();
            groups.forEach(g -> g.members().forEach(m -> groupOf.put(m, g.name())));
            List<PruningPlan.LayerPlan> layers = new ArrayList<>();
            long params = 0;
            long flops = 0;
            int removable = 0;
            for (RunTopology.Layer l : topology.layers()) {
                List<Integer> out = removedChannels.getOrDefault(find(l.name()), List.of());
                long ro = out.size();
                long ri = removedIn(l.input());
                // Weight slices (output channel, input channel) removed: a removed filter's whole row, a removed
                // input channel's whole column, the crossing once.
                long slices = ro * l.inChannels() + ri * l.filters() - ro * ri;
                long p = (long) l.kernel() * l.kernel() * slices + 2 * ro;
                long f = l.macsPerWeightSlice() * slices;
                params += p;
                flops += f;
                removable += out.size();
                LayerReadings r = layerReadings.get(l.name());
                layers.add(new PruningPlan.LayerPlan(l.name(), l.layerIndex(), r == null ? l.filters() : r.filterCount(),
                        groupOf.get(l.name()), out, layerFolds.getOrDefault(l.name(), List.of()),
                        List.copyOf(layerBlocked.getOrDefault(l.name(), new TreeMap<>()).values()), p, f));
            }
            long headParams = 0;
            if (topology.head() != null) {
                headParams = (long) removedIn(topology.head().input()) * topology.head().units();
            }
            return new PruningPlan(runId, step, PruningRule.DEAD_GAMMA, topology.version(), null, removable,
                    params + headParams, flops + headParams, headParams, headParams, layers, groups);
        }
    }
}
