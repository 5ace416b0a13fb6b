package cola4j.gl.app.train;

import cola4j.gl.app.io.JsonFiles;
import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.gl.auxiliary.LoraVariant;
import cola4j.models.AtomicDirectory;
import cola4j.models.ModelCheckpoint;
import cola4j.tensor.Tensor;
import cola4j.tensor.io.Safetensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Everything that can be checked about a training checkpoint without building the model, in this order (the first
 * failure is reported as one {@link CheckpointException} line naming the checkpoint and the file or field):
 * <ol>
 *   <li>the manifest ({@link CheckpointManifest#verify}): every file's size and SHA-256, the format version;</li>
 *   <li>{@code training_state.json} parses strictly, and its config passes exactly the rules of the command-line
 *       options (the {@code rules} function given by the caller: {@code cola train}'s own option parser, bounds
 *       included);</li>
 *   <li>{@code step} is in [1, steps] and a multiple of the interval; the metrics rows are exactly steps 1..step with
 *       finite loss and lr;</li>
 *   <li>the base identity is present and of the config's family; cola4j_adapter.json names the same base (family,
 *       preset, seed), dtype, method and LoRA variant as the config (a file without lora_variant is plain LoRA);</li>
 *   <li>{@code optimizer.step} in training_state.safetensors equals step / interval; every stored tensor (optimizer
 *       state, adapters or full model) is finite and of the run's dtype.</li>
 * </ol>
 * What needs the model is checked on resume: the base weights' hash against the recorded one ({@code cola train}),
 * shapes and names of the weights and optimizer slots ({@link TrainState#restore}).
 */
public final class CheckpointAudit {
    private CheckpointAudit() {}

    /**
     * A checkpoint that passed the audit.
     *
     * @param dir      the checkpoint directory
     * @param state    its training_state.json
     * @param manifest its verified manifest
     */
    public record Report(Path dir, TrainState state, CheckpointManifest.Manifest manifest) {}

    /**
     * For {@code --resume DIR}: first recovers from a crash (if {@code DIR/checkpoint} is missing, the newest
     * {@code .checkpoint.old-*} whose manifest verifies is renamed back; stale temporaries are deleted), then
     * {@link #audit}s.
     */
    public static Report forResume(Path dir, UnaryOperator<TrainConfig> rules) throws IOException {
        Path target = dir.resolve(TrainState.DIR);
        if (!Files.isRegularFile(dir.resolve(CheckpointManifest.FILE))) {
            AtomicDirectory.recover(target, CheckpointManifest::verifies);
            AtomicDirectory.deleteStale(target);
        }
        return audit(dir, rules);
    }

    /** Audits the checkpoint of {@code dir} ({@link TrainState#locate}) without changing anything. */
    public static Report audit(Path dir, UnaryOperator<TrainConfig> rules) throws IOException {
        Path c = TrainState.locate(dir);
        if (!Files.isDirectory(dir)) throw new CheckpointException("no checkpoint in " + dir + " (no such directory)");
        if (!Files.exists(c.resolve(CheckpointManifest.FILE)) && !Files.exists(c.resolve(TrainState.JSON))) {
            List<Path> olds = AtomicDirectory.leftovers(dir.resolve(TrainState.DIR).toAbsolutePath());
            throw new CheckpointException("no checkpoint in " + dir + (olds.isEmpty() ? ""
                    : " (an interrupted write left the previous one in " + olds.get(0)
                            + "; cola train --resume restores it)"));
        }
        CheckpointManifest.Manifest m = CheckpointManifest.verify(c);
        TrainState st;
        try {
            st = TrainState.read(c);
        } catch (IOException e) {
            throw new CheckpointException("checkpoint " + c + ": " + e.getMessage(), e);
        }
        String at = "checkpoint " + c + ": " + TrainState.JSON + ": ";
        if (st.config() == null) throw new CheckpointException(at + "no config");
        TrainConfig cfg = st.config();
        try {
            rules.apply(cfg);
        } catch (RuntimeException e) {
            throw new CheckpointException(at + "config refused by cola train's option rules: " + e.getMessage(), e);
        }
        check(st.step() >= 1 && st.step() <= cfg.steps() && st.step() % cfg.interval() == 0, at + "step " + st.step()
                + " is not a multiple of the interval " + cfg.interval() + " in [1, " + cfg.steps() + "]");
        List<MetricsLog.Row> rows = st.metrics() == null ? List.of() : st.metrics();
        check(rows.size() == st.step(), at + rows.size() + " metrics rows for step " + st.step());
        for (int i = 0; i < rows.size(); i++) {
            MetricsLog.Row r = rows.get(i);
            check(r != null && r.step() == i + 1 && Double.isFinite(r.loss()) && Double.isFinite(r.lr()),
                    at + "metrics row " + (i + 1) + " is " + r);
        }
        check(st.base() != null && st.base().weightsSha256() != null
                && st.base().weightsSha256().matches("[0-9a-f]{64}") && cfg.model().equals(st.base().family()),
                at + "base_model is missing or not a " + cfg.model() + " base");
        checkAdapterConfig(c, cfg);
        checkTensors(c, cfg, st.step());
        return new Report(c, st, m);
    }

    private static void checkAdapterConfig(Path c, TrainConfig cfg) throws IOException {
        AdapterMetadata a;
        try {
            a = JsonFiles.MAPPER.readValue(c.resolve(AdapterCheckpoint.META_FILE).toFile(), AdapterMetadata.class);
        } catch (IOException e) {
            throw new CheckpointException("checkpoint " + c + ": " + AdapterCheckpoint.META_FILE + ": "
                    + e.getMessage().lines().findFirst().orElse(""), e);
        }
        String at = "checkpoint " + c + ": " + AdapterCheckpoint.META_FILE + " disagrees with " + TrainState.JSON
                + ": ";
        check(cfg.model().equals(a.family()) && cfg.preset().equals(a.preset()) && cfg.baseSeed() == a.baseSeed(),
                at + "base " + a.family() + "/" + a.preset() + "/seed " + a.baseSeed() + " vs " + cfg.model() + "/"
                        + cfg.preset() + "/seed " + cfg.baseSeed());
        check(cfg.dtype().cliName.equals(a.dtype()) && cfg.method().cliName().equals(a.method())
                        && cfg.task().equals(a.task()),
                at + "dtype/method/task " + a.dtype() + "/" + a.method() + "/" + a.task() + " vs " + cfg.dtype() + "/"
                        + cfg.method().cliName() + "/" + cfg.task());
        String variant = a.loraVariant() == null ? LoraVariant.LORA.cliName() : a.loraVariant();
        boolean lowRank = cfg.hasSiteAuxiliaries() && cfg.aux() == AuxiliaryKind.LOWRANK;
        check(!lowRank || variant.equals(cfg.loraVariant().cliName()),
                at + "lora_variant " + variant + " vs " + cfg.loraVariant());
    }

    private static void checkTensors(Path c, TrainConfig cfg, int step) throws IOException {
        Path tf = c.resolve(TrainState.TENSORS);
        Map<String, Tensor> opt = Safetensors.read(tf).floatTensors(tf);
        Tensor n = opt.get("optimizer.step");
        String at = "checkpoint " + c + ": " + TrainState.TENSORS + ": ";
        check(n != null && n.numel() == 1, at + "no scalar optimizer.step");
        check(n.item() == (double) (step / cfg.interval()), at + "optimizer.step is " + n.item() + " but "
                + TrainState.JSON + " says step " + step + ", i.e. " + step / cfg.interval() + " updates at interval "
                + cfg.interval());
        requireFinite(TrainState.TENSORS, opt, null, c);
        Path weights = cfg.method() == TrainMethod.FULL
                ? c.resolve(AdapterCheckpoint.MODEL_DIR).resolve(ModelCheckpoint.WEIGHTS_FILE)
                : c.resolve(AdapterCheckpoint.WEIGHTS_FILE);
        requireFinite(c.relativize(weights).toString(), Safetensors.read(weights).floatTensors(weights), cfg, c);
    }

    private static void requireFinite(String file, Map<String, Tensor> ts, TrainConfig cfg, Path c)
            throws CheckpointException {
        for (Map.Entry<String, Tensor> e : ts.entrySet()) {
            check(e.getValue().isFinite(), "checkpoint " + c + ": " + file + ": " + e.getKey() + " holds NaN or Inf");
            if (cfg != null && e.getValue().dtype() != cfg.dtype()) {
                throw new CheckpointException("checkpoint " + c + ": " + file + ": " + e.getKey() + " is "
                        + e.getValue().dtype() + ", the run is " + cfg.dtype());
            }
        }
    }

    private static void check(boolean ok, String message) throws CheckpointException {
        if (!ok) throw new CheckpointException(message);
    }

    /** Refuses a base model whose identity differs from the one the checkpoint was trained on. */
    public static void requireSameBase(Report r, BaseIdentity current) throws CheckpointException {
        BaseIdentity saved = r.state().base();
        if (!Objects.equals(saved, current)) {
            throw new CheckpointException("checkpoint " + r.dir() + " was trained on another base model (recorded "
                    + saved.family() + " weights SHA-256 " + saved.weightsSha256().substring(0, 12) + "…, this base "
                    + current.family() + " " + current.weightsSha256().substring(0, 12) + "…)");
        }
    }
}
