package io.filterwatch.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.training.optimizer.Optimizer;

/**
 * Makes optimizer failures visible. DJL's MXNet engine runs {@code Optimizer.update} inside a
 * JNA callback from MXNet's KVStore; an exception there is printed by JNA and swallowed, and
 * training silently continues without updating. This wrapper records the first failure so the
 * training loop can fail the run after {@code trainer.step()}.
 */
final class GuardedOptimizer extends Optimizer {

    private final Optimizer delegate;
    private volatile RuntimeException failure;

    GuardedOptimizer(Optimizer delegate) {
        super(new Builder());
        this.delegate = delegate;
    }

    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        try {
            delegate.update(parameterId, weight, grad);
        } catch (RuntimeException e) {
            if (failure == null) {
                failure = e;
            }
            throw e;
        }
    }

    Optimizer delegate() {
        return delegate;
    }

    /** Throws the first update failure, if any. */
    void check(long step) {
        RuntimeException f = failure;
        if (f != null) {
            throw new IllegalStateException("optimizer update failed at step " + step + ": " + f.getMessage(), f);
        }
    }

    private static final class Builder extends OptimizerBuilder<Builder> {
        @Override
        protected Builder self() {
            return this;
        }
    }
}
