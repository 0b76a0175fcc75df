package io.filterwatch.trainer.train;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;

/**
 * Checkpoints of one run under {@code <dir>/<runId>/}: the block's parameters (BN running
 * statistics included) and the step they were taken at. Written to a temporary file and moved
 * into place, so a crash mid-write leaves the previous checkpoint intact. The optimizer's
 * moment state is not saved (DJL has no API for it): after a resume Adam's moments restart.
 */
public final class Checkpoints {

    private final Path folder;

    public Checkpoints(Path root, String runId) {
        this.folder = root.resolve(runId);
    }

    public void save(Block block, long step, int epoch) throws IOException {
        Files.createDirectories(folder);
        Path params = folder.resolve("model.params");
        Path tmp = folder.resolve("model.params.tmp");
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
            block.saveParameters(out);
        }
        Files.move(tmp, params, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
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

    /** Loads the latest checkpoint into {@code block}; returns the step it was taken at. */
    public Optional<Long> restore(Block block, NDManager manager) throws IOException {
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
        return Optional.of(Long.parseLong(p.getProperty("step")));
    }
}
