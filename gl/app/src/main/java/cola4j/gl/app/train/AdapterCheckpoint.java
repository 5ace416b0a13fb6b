package cola4j.gl.app.train;

import cola4j.autograd.Var;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.gl.app.io.JsonFiles;
import cola4j.gl.baselines.AdaLoraTrainer;
import cola4j.gl.baselines.Ia3Trainer;
import cola4j.gl.baselines.VirtualTokenTrainer;
import cola4j.models.Model;
import cola4j.models.ModelCheckpoint;
import cola4j.models.hf.HfModel;
import cola4j.tensor.Tensor;
import cola4j.tensor.io.Safetensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The trained weights of a run, in the Hugging Face PEFT layout:
 * <pre>
 *   adapter_model.safetensors   lora / cola / ia3: one tensor per trained parameter, named as below
 *   adapter_config.json         PEFT's keys only ({@link PeftAdapterConfig}); written for LoRA and ColA low-rank
 *                               (peft_type LORA) and IA3, i.e. exactly when PEFT can load the directory
 *   cola4j_adapter.json         cola4j's metadata for every method ({@link AdapterMetadata}): method, auxiliary
 *                               type and its formula (the MLP's activation), base family/preset/seed, dtype, task
 *   pissa_as_lora/              --lora-variant pissa only: adapter_model.safetensors + adapter_config.json of the
 *                               same adapter as plain LoRA of rank 2r on the unmodified base ({@link #pissaAsLora})
 *   model/                      full fine-tuning only: the whole model ({@link ModelCheckpoint}: config.json +
 *                               model.safetensors; an hf:DIR model as a Hugging Face directory, HfFullCheckpoint)
 * </pre>
 * Tensor names are {@code base_model.model.<module>.<param>} as PEFT writes them (adapter name stripped), where
 * {@code <module>} is the site's full name:
 * <ul>
 *   <li>lowrank: {@code <site>.lora_A.weight} [r, in], {@code <site>.lora_B.weight} [out, r] (exactly PEFT LoRA;
 *       ΔW = (α/r)·B·A; rsLoRA: (α/√r)·B·A; PiSSA: the same names, trained from the SVD init, on W_res);
 *       DoRA adds
 *       {@code <site>.lora_magnitude_vector} [out] (PEFT's saved name: its {@code lora_magnitude_vector.<adapter>
 *       .weight} with {@code .weight} and the adapter name removed);</li>
 *   <li>embedding (low-rank on a token-embedding site): {@code <site>.lora_embedding_A} [r, num_embeddings],
 *       {@code <site>.lora_embedding_B} [dim, r] (exactly PEFT's {@code lora.Embedding} ParameterDicts, no
 *       {@code .weight}; ΔW = (α/r)·(B·A)ᵀ [num_embeddings, dim]);</li>
 *   <li>linear (ColA's full-rank auxiliary, no PEFT type): {@code <site>.cola_linear.weight} [out, in],
 *       {@code <site>.cola_linear.bias} [out];</li>
 *   <li>mlp (ColA's MLP auxiliary, no PEFT type): {@code <site>.cola_mlp.layers.<k>.weight} / {@code .bias},
 *       k = 0..L;</li>
 *   <li>ia3: {@code <site>.ia3_l} in PEFT's shapes: (out, 1) on attn.key/value (scales the output), (1, in) on
 *       mlp.fc2 (a feedforward module: scales the input). In memory the vectors are 1-D; they are reshaped on
 *       save and load (a 1-D {@code ia3_l} of an older checkpoint still loads).</li>
 *   <li>adalora: {@code <site>.lora_A} [init_r, in], {@code <site>.lora_E} [init_r, 1], {@code <site>.lora_B}
 *       [out, init_r] (PEFT's AdaLoRA ParameterDicts, no {@code .weight}), unresized: masked triplets have E = 0
 *       ({@link PeftAdaLoraConfig}).</li>
 *   <li>prompt, prefix: {@code prompt_embeddings} (PEFT's only key for prompt learning) and, for prefix, the
 *       trained {@code prompt_encoder.*} parameters it is derived from ({@link VirtualTokenSetup}).</li>
 * </ul>
 * Stored in the run's dtype, so save → load is bit-exact. Writes are atomic per file (and the whole checkpoint
 * directory is swapped atomically by {@link TrainState}).
 */
public final class AdapterCheckpoint {
    private AdapterCheckpoint() {}

    public static final String WEIGHTS_FILE = "adapter_model.safetensors";
    public static final String CONFIG_FILE = "adapter_config.json";
    public static final String META_FILE = "cola4j_adapter.json";
    public static final String MODEL_DIR = "model";
    public static final String PREFIX = "base_model.model.";
    /** {@code --lora-variant pissa}: the subdirectory with the adapter as plain LoRA on the unmodified base. */
    public static final String PISSA_AS_LORA_DIR = "pissa_as_lora";

    /** The PEFT-style name prefix of an auxiliary's parameters: "" (lowrank), "cola_linear.", "cola_mlp.". */
    static String auxPrefix(AuxiliaryModel a) {
        return switch (a.kind()) {
            case LOWRANK, EMBEDDING -> "";
            case LINEAR -> "cola_linear.";
            case MLP -> "cola_mlp.";
        };
    }

    /**
     * The trained parameters of a setup by checkpoint name (see the class comment; full: the model's parameter names).
     */
    public static LinkedHashMap<String, Var> names(MethodSetup s) {
        LinkedHashMap<String, Var> m = new LinkedHashMap<>();
        switch (s.config().method()) {
            case FULL -> m.putAll(s.optimizer().parameters());
            case IA3 -> ((Ia3Trainer) s.trainer()).scales().forEach((site, v) -> m.put(PREFIX + site + ".ia3_l", v));
            case ADALORA -> ((AdaLoraTrainer) s.trainer()).parameters().forEach((n, v) -> m.put(PREFIX + n, v));
            case PROMPT, PREFIX -> m.putAll(VirtualTokenSetup.names((VirtualTokenTrainer) s.trainer()));
            default -> s.auxiliaries().forEach((site, a) ->
                    a.namedParameters().forEach((p, v) -> m.put(PREFIX + site + "." + auxPrefix(a) + p, v)));
        }
        return m;
    }

    /**
     * The shape each trained parameter is stored with: its own shape, except IA3's scaling vectors [n], stored as
     * PEFT's (n, 1) on a module whose output is scaled and (1, n) on a feedforward module (input scaled).
     */
    public static LinkedHashMap<String, int[]> storedShapes(MethodSetup s) {
        LinkedHashMap<String, int[]> m = new LinkedHashMap<>();
        names(s).forEach((n, v) -> m.put(n, v.value().shape()));
        if (s.config().method() == TrainMethod.IA3) {
            Ia3Trainer t = (Ia3Trainer) s.trainer();
            Set<String> ff = Set.copyOf(t.feedforwardSites());
            t.scales().forEach((site, v) -> {
                int n = v.value().numel();
                m.put(PREFIX + site + ".ia3_l", ff.contains(site) ? new int[] {1, n} : new int[] {n, 1});
            });
        }
        return m;
    }

    /** The tensors of {@code adapter_model.safetensors}: every trained parameter's value in its stored shape. */
    public static LinkedHashMap<String, Tensor> exported(MethodSetup s) {
        LinkedHashMap<String, int[]> shapes = storedShapes(s);
        LinkedHashMap<String, Tensor> t = new LinkedHashMap<>();
        names(s).forEach((n, v) -> t.put(n, v.value().reshape(shapes.get(n))));
        if (s.trainer() instanceof VirtualTokenTrainer v) VirtualTokenSetup.addDerived(v, t);
        return t;
    }

    /**
     * Writes the trained weights, {@code adapter_config.json} (PEFT types only) and {@code cola4j_adapter.json} into
     * {@code dir} (which must exist).
     */
    public static void save(Path dir, MethodSetup s, Model model) throws IOException {
        if (s.config().method() == TrainMethod.FULL && model instanceof HfModel hm) {
            HfFullCheckpoint.save(dir.resolve(MODEL_DIR), hm, Path.of(s.base().nameOrPath()));
        } else if (s.config().method() == TrainMethod.FULL) {
            ModelCheckpoint.save(model, dir.resolve(MODEL_DIR));
        } else {
            Safetensors.write(dir.resolve(WEIGHTS_FILE), exported(s), Map.of("format", "pt"));
        }
        Optional<Object> peft = PeftAdapterConfig.of(s);
        if (peft.isPresent()) JsonFiles.writeAtomic(dir.resolve(CONFIG_FILE), peft.get());
        Optional<PeftAdapterConfig.Lora> converted = PeftAdapterConfig.pissaAsLora(s);
        if (converted.isPresent()) {
            Path sub = Files.createDirectories(dir.resolve(PISSA_AS_LORA_DIR));
            Safetensors.write(sub.resolve(WEIGHTS_FILE), pissaAsLora(s), Map.of("format", "pt"));
            JsonFiles.writeAtomic(sub.resolve(CONFIG_FILE), converted.get());
        }
        JsonFiles.writeAtomic(dir.resolve(META_FILE), AdapterMetadata.of(s));
    }

    /**
     * PiSSA as plain LoRA of rank 2r on the unmodified base (PEFT's {@code subtract_mutated_init}): per site
     * {@code lora_A.weight} = [A; A0] [2r, in] and {@code lora_B.weight} = [B, −B0] [out, 2r], so that
     * s·B'·A' = s·B·A − s·B0·A0 and W0 + s·B'·A' = W_res + s·B·A.
     */
    public static LinkedHashMap<String, Tensor> pissaAsLora(MethodSetup s) {
        LinkedHashMap<String, Tensor> t = new LinkedHashMap<>();
        s.auxiliaries().forEach((site, a) -> {
            var now = a.namedParameters();
            var init = s.pissaInitial().get(site).namedParameters();
            t.put(PREFIX + site + ".lora_A.weight", Tensor.concat(0, now.get("lora_A.weight").value(),
                    init.get("lora_A.weight").value()));
            t.put(PREFIX + site + ".lora_B.weight", Tensor.concat(1, now.get("lora_B.weight").value(),
                    init.get("lora_B.weight").value().neg()));
        });
        return t;
    }

    /**
     * Loads weights written by {@link #save} into the setup's parameters (full: into {@code model}).
     *
     * @throws IOException              for a missing or corrupt file
     * @throws IllegalArgumentException listing every missing, unexpected and mismatched tensor (nothing
     *                                  is changed then)
     */
    public static void load(Path dir, MethodSetup s, Model model) throws IOException {
        if (s.config().method() == TrainMethod.FULL && model instanceof HfModel hm) {
            HfFullCheckpoint.load(dir.resolve(MODEL_DIR), hm);
            return;
        }
        if (s.config().method() == TrainMethod.FULL) {
            Model stored = ModelCheckpoint.load(dir.resolve(MODEL_DIR));
            LinkedHashMap<String, Tensor> w = new LinkedHashMap<>();
            stored.namedParameters().forEach((k, v) -> w.put(k, v.value()));
            ModelCheckpoint.loadWeights(model, w);
            return;
        }
        Path wf = dir.resolve(WEIGHTS_FILE);
        Map<String, Tensor> stored = new LinkedHashMap<>(Safetensors.read(wf).floatTensors(wf));
        VirtualTokenTrainer vt = s.trainer() instanceof VirtualTokenTrainer v ? v : null;
        Tensor derived = vt == null ? null : VirtualTokenSetup.takeDerived(vt, stored, wf.toString());
        assign(names(s), storedShapes(s), stored, wf.toString());
        if (vt != null) VirtualTokenSetup.checkDerived(vt, derived, wf.toString());
    }

    /**
     * Sets every parameter from {@code stored} after checking that names and dtypes match exactly and each shape is
     * the stored shape ({@code shapes}) or the parameter's own (the same numbers, as written by older versions).
     */
    static void assign(Map<String, Var> params, Map<String, int[]> shapes, Map<String, Tensor> stored, String what) {
        List<String> problems = new ArrayList<>();
        params.forEach((n, v) -> {
            Tensor t = stored.get(n);
            int[] want = shapes.get(n), own = v.value().shape();
            if (t == null) problems.add("missing " + n);
            else if (!(Arrays.equals(t.shape(), want) || Arrays.equals(t.shape(), own))
                    || t.dtype() != v.value().dtype()) {
                problems.add(n + " is " + t.dtype() + " " + Arrays.toString(t.shape()) + ", expected "
                        + v.value().dtype() + " " + Arrays.toString(want));
            }
        });
        for (String n : stored.keySet()) if (!params.containsKey(n)) problems.add("unexpected " + n);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(what + " does not fit this run: " + String.join("; ", problems));
        }
        params.forEach((n, v) -> v.setValue(stored.get(n).reshape(v.value().shape()).copy()));
    }
}
