package cola4j.gl.app.train;

import cola4j.autograd.Var;
import cola4j.gl.app.io.JsonFiles;
import cola4j.models.Model;
import cola4j.tensor.Tensor;
import cola4j.tensor.io.Safetensors;
import cola4j.models.AtomicDirectory;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code --resume} needs besides the weights, and the atomic checkpoint directory that holds it all:
 * <pre>
 *   &lt;out&gt;/checkpoint/adapter_model.safetensors, adapter_config.json
 *                                                  (or model/ for full FT; {@link AdapterCheckpoint})
 *   &lt;out&gt;/checkpoint/training_state.safetensors   the optimizer state: "optimizer.step" and
 *                                                  "optimizer.&lt;param&gt;.&lt;slot&gt;"
 *                                                  (Adam moments exp_avg/exp_avg_sq, SGD momentum_buffer);
 *                                                  adalora also "adalora.&lt;...&gt;" ({@link AdaLoraCheckpoint})
 *   &lt;out&gt;/checkpoint/training_state.json          this record: config, completed step, base identity, metrics
 *   &lt;out&gt;/checkpoint/manifest.json                 size and SHA-256 of the other files
 *                                                  ({@link CheckpointManifest})
 * </pre>
 * No RNG state is stored: every random draw of step k is derived from (seed, k) ({@link StepSeeds}), and the
 * learning-rate schedule is a function of the optimizer's step count. Checkpoints fall on interval boundaries, so no
 * adaptation buffer or accumulated gradient is pending. Nothing in it depends on the clock or on map iteration order,
 * so two processes running the same config write byte-identical checkpoints (wall time lives in metrics.json).
 *
 * <p>Atomicity ({@link AtomicDirectory}): before each write, a missing {@code checkpoint} is restored from the newest
 * {@code .checkpoint.old-*} whose manifest verifies, and stale {@code .checkpoint.tmp-*} / {@code .old-*} leftovers are
 * deleted; the files and then the manifest are written into a fresh temporary sibling; the old {@code checkpoint} is
 * renamed aside, the new one renamed into place, the directory fsynced, and the old one deleted. A failure (or a
 * refusal, see {@link #write}) before the swap leaves the previous checkpoint untouched. Reading for a resume goes
 * through {@link CheckpointAudit}.
 *
 * @param config  the run's configuration
 * @param step    completed training batches
 * @param base    the pretrained base the run fine-tunes
 * @param metrics the metrics rows up to {@code step}
 */
public record TrainState(@JsonProperty("config") TrainConfig config, @JsonProperty("step") int step,
                         @JsonProperty("base_model") BaseIdentity base,
                         @JsonProperty("metrics") List<MetricsLog.Row> metrics) {
    public static final String DIR = "checkpoint", JSON = "training_state.json", TENSORS = "training_state.safetensors";
    private static final ObjectMapper READER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /**
     * Writes the checkpoint of a setup into {@code out/checkpoint}, atomically replacing the previous one.
     *
     * @throws IllegalStateException if any trained parameter or optimizer state is NaN/Inf (nothing is written then)
     */
    public static Path write(Path out, MethodSetup s, Model model, TrainState st) throws IOException {
        requireFinite(s);
        Files.createDirectories(out);
        Path target = out.resolve(DIR);
        AtomicDirectory.replace(target, tmp -> {
            AdapterCheckpoint.save(tmp, s, model);
            LinkedHashMap<String, Tensor> opt = new LinkedHashMap<>();
            s.optimizer().stateDict().forEach((k, v) -> opt.put("optimizer." + k, v));
            AdaLoraCheckpoint.addState(s, opt);
            Safetensors.write(tmp.resolve(TENSORS), opt, Map.of("optimizer", s.config().optimizer().cliName()));
            JsonFiles.writeAtomic(tmp.resolve(JSON), st);
            CheckpointManifest.write(tmp);
        }, CheckpointManifest::verifies);
        return target;
    }

    /** The checkpoint directory of {@code dir}: {@code dir/checkpoint} if present, else {@code dir} itself. */
    public static Path locate(Path dir) {
        Path c = dir.resolve(DIR);
        return Files.isDirectory(c) ? c : dir;
    }

    /**
     * Reads training_state.json of a checkpoint (see {@link #locate}) without any verification (tests, tools; a resume
     * uses {@link CheckpointAudit}); IOException naming the file when missing or bad. A config written by an earlier
     * version, without the fields added since, reads with their defaults ({@link LegacyConfigFields}).
     */
    public static TrainState read(Path dir) throws IOException {
        Path f = locate(dir).resolve(JSON);
        if (!Files.isRegularFile(f)) throw new IOException("no checkpoint in " + dir + " (missing " + f + ")");
        try {
            JsonNode tree = READER.readValue(f.toFile(), JsonNode.class);
            LegacyConfigFields.fill(tree);
            return READER.treeToValue(tree, TrainState.class);
        } catch (IOException e) {
            throw new IOException(f + ": " + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }

    /**
     * Loads a checkpoint's weights and optimizer state into a setup built from the same config, refusing NaN/Inf
     * values and an optimizer step count other than step / interval (the checkpoint's {@code training_state.json}).
     */
    public static void restore(Path dir, MethodSetup s, Model model) throws IOException {
        Path c = locate(dir);
        AdapterCheckpoint.load(c, s, model);
        for (Map.Entry<String, Var> e : s.trainedParameters().entrySet()) {
            if (!e.getValue().value().isFinite()) {
                throw new CheckpointException("checkpoint " + c + ": parameter " + e.getKey() + " holds NaN or Inf");
            }
        }
        LinkedHashMap<String, Tensor> opt = new LinkedHashMap<>(), allocator = new LinkedHashMap<>();
        Path tf = c.resolve(TENSORS);
        for (Map.Entry<String, Tensor> e : Safetensors.read(tf).floatTensors(tf).entrySet()) {
            if (e.getKey().startsWith(AdaLoraCheckpoint.PREFIX)) {
                allocator.put(e.getKey().substring(AdaLoraCheckpoint.PREFIX.length()), e.getValue());
                continue;
            }
            if (!e.getKey().startsWith("optimizer.")) {
                throw new CheckpointException(c.resolve(TENSORS) + ": unexpected tensor " + e.getKey());
            }
            opt.put(e.getKey().substring("optimizer.".length()), e.getValue());
        }
        try {
            s.optimizer().loadStateDict(opt);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(c.resolve(TENSORS) + ": " + e.getMessage(), e);
        }
        long n = s.optimizer().stepCount(), expected = read(c).step() / s.config().interval();
        if (n != expected) {
            throw new CheckpointException(c.resolve(TENSORS) + ": optimizer.step is " + n + " but " + JSON + " says "
                    + read(c).step() + " steps, i.e. " + expected + " updates at interval " + s.config().interval());
        }
        AdaLoraCheckpoint.restore(s, allocator, tf.toString());
        // the learning rate field is not optimizer state proper: restore the one the last update used
        if (n > 0) s.optimizer().setLr(MethodSetup.schedule(s.config()).lr(n - 1));
    }

    /** Throws if a trained parameter or an optimizer-state tensor holds NaN or ±Inf. */
    static void requireFinite(MethodSetup s) {
        for (Map.Entry<String, Var> e : s.trainedParameters().entrySet()) {
            if (!e.getValue().value().isFinite()) {
                throw new IllegalStateException("parameter " + e.getKey()
                        + " is not finite (NaN/Inf): refusing to checkpoint");
            }
        }
        for (Map.Entry<String, Tensor> e : s.optimizer().stateDict().entrySet()) {
            if (!e.getValue().isFinite()) {
                throw new IllegalStateException("optimizer state " + e.getKey()
                        + " is not finite (NaN/Inf): refusing to checkpoint");
            }
        }
    }
}
