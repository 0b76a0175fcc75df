package io.filterwatch.console.study;

import java.util.Locale;

/**
 * One setting of a study grid: what the trainer is asked to run (docs/study.md). The numbers are
 * kept as written in the grid, so the trainer gets exactly them and the table prints them so.
 *
 * @param name        the setting's name: the recording {@code <name>.fwrec.gz}, the run id {@code study-<name>}
 * @param optimizer   sgd, adam, adamw, adagrad or rmsprop (docs/trainer.md)
 * @param l2          coupled L2 (not with adamw)
 * @param weightDecay decoupled decay (adamw only)
 * @param momentum    SGD's momentum (the trainer ignores it for the others)
 */
public record StudySetting(String name, String optimizer, String lr, String l2, String weightDecay, String momentum,
                           int batch, long seed, long steps) {

    /** The trainer's run id, also the checkpoint folder's name. */
    public String runId() {
        return "study-" + name;
    }

    public double l2Value() {
        return Double.parseDouble(l2);
    }

    public double weightDecayValue() {
        return Double.parseDouble(weightDecay);
    }

    /** The setting as one line of a grid file (the columns of {@link StudyGrid}). */
    public String gridLine() {
        return String.format(Locale.ROOT, "%-22s %-9s %-6s %-6s %-6s %-5s %5d %5d %6d", name, optimizer, lr, l2, weightDecay,
                momentum, batch, seed, steps);
    }
}
