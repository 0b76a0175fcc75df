package io.filterwatch.trainer.train;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.Pair;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Checkpoints of one run under {@code <dir>/<runId>/}: the block's parameters (BN running
 * statistics included), the optimizer's state where it is ours ({@link OptimizerState}: Adam,
 * AdamW, AdaGrad) and the step they were taken at. Each file is written to a temporary file and
 * moved into place, the step last, so a crash mid-write leaves the previous checkpoint usable.
 * SGD's momentum and RMSProp's mean square are DJL's private state: they restart after a resume.
 */
public final class Checkpoints {

    static final String OPTIMIZER_STATE = "optimizer.state";

    private final Path folder;

    public Checkpoints(Path root, String runId) {
        this.folder = root.resolve(runId);
    }

    public void save(Block block, Optimizer optimizer, long step, int epoch) throws IOException {
        Files.createDirectories(folder);
        Path params = folder.resolve("model.params");
        Path tmp = folder.resolve("model.params.tmp");
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
            block.saveParameters(out);
        }
        Files.move(tmp, params, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Path state = folder.resolve(OPTIMIZER_STATE);
        if (optimizer instanceof OptimizerState s) {
            Path stateTmp = folder.resolve(OPTIMIZER_STATE + ".tmp");
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
                    Files.newOutputStream(stateTmp)))) {
                s.save(out, names(block, true));
            }
            Files.move(stateTmp, state, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } else {
            Files.deleteIfExists(state);
        }
        Properties p = new Properties();
        p.setProperty("step", Long.toString(step));
        p.setProperty("epoch", Integer.toString(epoch));
        Path meta = folder.resolve("checkpoint.properties");
        Path metaTmp = folder.resolve("checkpoint.properties.tmp");
        try (var w = Files.newBufferedWriter(metaTmp)) {
            p.store(w, "FilterWatch trainer checkpoint");
        }
        Files.move(metaTmp, meta, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Parameter path in the block by parameter id ({@code byId}), or the reverse. */
    private static Map<String, String> names(Block block, boolean byId) {
        Map<String, String> m = new HashMap<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (byId) {
                m.put(p.getValue().getId(), p.getKey());
            } else {
                m.put(p.getKey(), p.getValue().getId());
            }
        }
        return m;
    }

    /**
     * Loads the latest checkpoint into {@code block} and, where it holds one, the optimizer's
     * state into {@code optimizer}; returns the step it was taken at.
     */
    public Optional<Long> restore(Block block, Optimizer optimizer, NDManager manager) throws IOException {
        Path meta = folder.resolve("checkpoint.properties");
        Path params = folder.resolve("model.params");
        if (!Files.isRegularFile(meta) || !Files.isRegularFile(params)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (var r = Files.newBufferedReader(meta)) {
            p.load(r);
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(params)))) {
            block.loadParameters(manager, in);
        } catch (MalformedModelException e) {
            throw new IOException("checkpoint " + params + " does not match this model: " + e.getMessage(), e);
        }
        Path state = folder.resolve(OPTIMIZER_STATE);
        if (optimizer instanceof OptimizerState s && Files.isRegularFile(state)) {
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(state)))) {
                s.load(in, names(block, false));
            }
        }
        return Optional.of(Long.parseLong(p.getProperty("step")));
    }
}
