package io.filterwatch.trainer.api;

import org.jboss.logging.Logger;

/**
 * MXNet reads its engine settings from environment variables when the native library loads, so
 * they must be set by whatever starts the JVM (launcher script, container env, surefire's
 * environmentVariables). On this kind of CPU NaiveEngine with OMP_NUM_THREADS = cores is 2.5x
 * faster than the threaded default (docs/trainer.md); we warn when they are missing.
 */
public final class EngineEnvironment {

    private static final Logger LOG = Logger.getLogger(EngineEnvironment.class);

    private EngineEnvironment() {
    }

    public static void check() {
        System.setProperty("ai.djl.offline", "true");
        if (System.getenv("MXNET_ENGINE_TYPE") == null || System.getenv("OMP_NUM_THREADS") == null) {
            LOG.warnf("MXNET_ENGINE_TYPE=%s OMP_NUM_THREADS=%s: for CPU training set MXNET_ENGINE_TYPE=NaiveEngine "
                            + "and OMP_NUM_THREADS=<cores> in the environment (see docs/trainer.md)",
                    System.getenv("MXNET_ENGINE_TYPE"), System.getenv("OMP_NUM_THREADS"));
        }
    }
}
