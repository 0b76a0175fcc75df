package io.filterwatch.probe.stats;

/**
 * The paper's activation test over the training corpus, as the layer's metrics read it: whether it
 * can decide yet (one epoch of training samples seen), and per filter whether it is dead (silent on
 * every captured sample of the last epoch) and the step it last fired at.
 */
public interface CorpusActivity {
    boolean decided();

    /** Dead by the paper's activation test; false while the test cannot decide. */
    boolean dead(int f);

    /** Step of the last snapshot in which filter f fired on a captured sample; -1 if never. */
    long lastFiredStep(int f);
}
