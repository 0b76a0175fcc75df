package io.filterwatch.trainer.model;

/**
 * What removing one filter saves: parameters (its conv weights, its BN pair and its slice of
 * the next layer's weights where known) and multiply-accumulates per sample.
 */
public record FilterCost(int paramCount, long macs) {
}
