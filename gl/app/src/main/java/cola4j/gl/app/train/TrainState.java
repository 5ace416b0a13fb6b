package cola4j.gl.app.train;

import cola4j.autograd.Var;
import cola4j.gl.app.io.JsonFiles;
import cola4j.models.Model;
import cola4j.tensor.Tensor;
import cola4j.tensor.io.Safetensors;
import cola4j.tensor.io.TempFiles;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
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
 *                                                  (Adam moments exp_avg/exp_avg_sq, SGD momentum_buffer)
 *   &lt;out&gt;/checkpoint/training_state.json          this record: config, completed step, seconds, metrics rows
 * </pre>
 * No RNG state is stored: every random draw of step k is derived from (seed, k) ({@link StepSeeds}), and the
 * learning-rate schedule is a function of the optimizer's step count. Checkpoints fall on interval boundaries, so no
 * adaptation buffer or accumulated gradient is pending.
 *
 * <p>Atomicity: the files are written into a fresh temporary sibling directory; then the old {@code checkpoint} is
 * renamed aside, the new one renamed into place, and the old one deleted. A failure (or a refusal, see
 * {@link #write}) before the swap leaves the previous checkpoint untouched.
 *
 * @param config  the run's configuration
 * @param step    completed training batches
 * @param seconds training wall time so far
 * @param metrics the metrics rows up to {@code step}
 */
public record TrainState(@JsonProperty("config") TrainConfig config,
                         @JsonProperty("step") int step, @JsonProperty("seconds") double seconds,
                         @JsonProperty("metrics") List<MetricsLog.Row> metrics) {
    public static final String DIR = "checkpoint", JSON = "training_state.json", TENSORS = "training_state.safetensors";
    private static final ObjectMapper READER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * Writes the checkpoint of a setup into {@code out/checkpoint}, atomically replacing the previous one.
     *
     * @throws IllegalStateException if any trained parameter or optimizer state is NaN/Inf (nothing is written then)
     */
    public static Path write(Path out, MethodSetup s, Model model, TrainState st) throws IOException {
        requireFinite(s);
        Files.createDirectories(out);
        Path target = out.resolve(DIR);
        Path tmp = TempFiles.createDirectory(out, "." + DIR + ".tmp-");
        try {
            AdapterCheckpoint.save(tmp, s, model);
            LinkedHashMap<String, Tensor> opt = new LinkedHashMap<>();
            s.optimizer().stateDict().forEach((k, v) -> opt.put("optimizer." + k, v));
            Safetensors.write(tmp.resolve(TENSORS), opt, Map.of("optimizer", s.config().optimizer().cliName()));
            JsonFiles.writeAtomic(tmp.resolve(JSON), st);
            Path old = out.resolve("." + DIR + ".old-" + System.nanoTime());
            if (Files.exists(target)) move(target, old);
            move(tmp, target);
            deleteTree(old);
        } finally {
            deleteTree(tmp);
        }
        return target;
    }

    /** The checkpoint directory of {@code dir}: {@code dir/checkpoint} if present, else {@code dir} itself. */
    public static Path locate(Path dir) {
        Path c = dir.resolve(DIR);
        return Files.isDirectory(c) ? c : dir;
    }

    /**
     * Reads training_state.json of a checkpoint (see {@link #locate}); IOException naming the file when missing or bad.
     */
    public static TrainState read(Path dir) throws IOException {
        Path f = locate(dir).resolve(JSON);
        if (!Files.isRegularFile(f)) throw new IOException("no checkpoint in " + dir + " (missing " + f + ")");
        try {
            return READER.readValue(f.toFile(), TrainState.class);
        } catch (IOException e) {
            throw new IOException(f + ": " + e.getMessage(), e);
        }
    }

    /** Loads a checkpoint's weights and optimizer state into a setup built from the same config. */
    public static void restore(Path dir, MethodSetup s, Model model) throws IOException {
        Path c = locate(dir);
        AdapterCheckpoint.load(c, s, model);
        LinkedHashMap<String, Tensor> opt = new LinkedHashMap<>();
        Safetensors.read(c.resolve(TENSORS)).tensors().forEach((k, v) -> {
            if (!k.startsWith("optimizer.")) {
                throw new IllegalArgumentException(c.resolve(TENSORS) + ": unexpected tensor " + k);
            }
            opt.put(k.substring("optimizer.".length()), v);
        });
        s.optimizer().loadStateDict(opt);
        // the learning rate field is not optimizer state proper: restore the one the last update used
        long n = s.optimizer().stepCount();
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

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        try (var w = Files.walk(root)) {
            for (Path p : w.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
