package cola4j.gl.app.train;

import cola4j.gl.app.io.DTypeJson;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import cola4j.tensor.DType;
import cola4j.gl.auxiliary.AuxiliaryKind;

import cola4j.autograd.Var;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.gl.app.io.JsonFiles;
import cola4j.gl.baselines.Ia3Trainer;
import cola4j.models.Model;
import cola4j.models.ModelCheckpoint;
import cola4j.tensor.Tensor;
import cola4j.tensor.io.Safetensors;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The trained weights of a run, in the Hugging Face PEFT layout:
 * <pre>
 *   adapter_model.safetensors   lora / cola / ia3: one tensor per trained parameter, named as below
 *   adapter_config.json         {@link Config}: peft_type, r, lora_alpha, target_modules, base model, method, aux type
 *   model/                      full fine-tuning only: the whole model ({@link ModelCheckpoint}: config.json +
 *                               model.safetensors)
 * </pre>
 * Tensor names are {@code base_model.model.<site>.<param>} as PEFT writes them (adapter name stripped):
 * <ul>
 *   <li>lowrank: {@code <site>.lora_A.weight} [r, in], {@code <site>.lora_B.weight} [out, r] (exactly PEFT LoRA;
 *       ΔW = (α/r)·B·A);</li>
 *   <li>embedding (low-rank on a token-embedding site): {@code <site>.lora_embedding_A} [r, num_embeddings],
 *       {@code <site>.lora_embedding_B} [dim, r] (exactly PEFT's {@code lora.Embedding} ParameterDicts, no
 *       {@code .weight}; ΔW = (α/r)·(B·A)ᵀ [num_embeddings, dim]);</li>
 *   <li>linear (ColA's full-rank auxiliary, no PEFT equivalent): {@code <site>.cola_linear.weight} [out, in],
 *       {@code <site>.cola_linear.bias} [out];</li>
 *   <li>mlp (ColA's MLP auxiliary): {@code <site>.cola_mlp.layers.<k>.weight} / {@code .bias}, k = 0..L;</li>
 *   <li>ia3: {@code <site>.ia3_l} ([C] on attn.key/value outputs, [4C] on the mlp.fc2 input; PEFT IA3).</li>
 * </ul>
 * Stored in the run's dtype, so save → load is bit-exact. Writes are atomic per file (and the whole checkpoint
 * directory is swapped atomically by {@link TrainState}).
 */
public final class AdapterCheckpoint {
    private AdapterCheckpoint() {}

    public static final String WEIGHTS_FILE = "adapter_model.safetensors";
    public static final String CONFIG_FILE = "adapter_config.json";
    public static final String MODEL_DIR = "model";
    public static final String PREFIX = "base_model.model.";

    /**
     * adapter_config.json (PEFT's keys where they exist).
     *
     * @param peftType      LORA (lowrank), IA3, COLA_LINEAR, COLA_MLP or FULL
     * @param r             LoRA rank (lowrank; 0 otherwise)
     * @param loraAlpha     LoRA α (lowrank; 0 otherwise)
     * @param targetModules adapted site names (IA3: its scaled sites; full: empty)
     * @param baseModel     {@code cola4j:<family>-<preset>-seed<S>} (the pretrained base of the cache)
     * @param family        base model family
     * @param preset        base model preset
     * @param baseSeed      base model seed
     * @param dtype         float32 or float64
     * @param method        full, lora, ia3, cola
     * @param auxType       lowrank, linear, mlp (lora/cola), or null
     * @param merged        ColA merged mode
     * @param task          downstream task trained on
     */
    public record Config(@JsonProperty("peft_type") String peftType, @JsonProperty("r") int r,
                         @JsonProperty("lora_alpha") double loraAlpha,
                         @JsonProperty("target_modules") List<String> targetModules,
                         @JsonProperty("base_model_name_or_path") String baseModel,
                         @JsonProperty("base_model_family") String family,
                         @JsonProperty("base_model_preset") String preset,
                         @JsonProperty("base_model_seed") long baseSeed,
                         @JsonProperty("dtype") @JsonSerialize(using = DTypeJson.Writer.class)
            @JsonDeserialize(using = DTypeJson.Reader.class) DType dtype, @JsonProperty("method") String method,
                         @JsonProperty("aux_type") String auxType, @JsonProperty("merged") boolean merged,
                         @JsonProperty("task") String task) {}

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
            default -> s.auxiliaries().forEach((site, a) ->
                    a.namedParameters().forEach((p, v) -> m.put(PREFIX + site + "." + auxPrefix(a) + p, v)));
        }
        return m;
    }

    /** The adapter_config.json content of a setup. */
    public static Config config(MethodSetup s) {
        TrainConfig c = s.config();
        String type = switch (c.method()) {
            case FULL -> "FULL";
            case IA3 -> "IA3";
            case LORA, COLA -> switch (c.aux()) {
                case LOWRANK, EMBEDDING -> "LORA";
                case LINEAR -> "COLA_LINEAR";
                case MLP -> "COLA_MLP";
            };
        };
        boolean lowrank = c.hasSiteAuxiliaries()
                && (c.aux() == AuxiliaryKind.LOWRANK || c.aux() == AuxiliaryKind.EMBEDDING);
        List<String> targets = c.method() == TrainMethod.IA3
                ? new ArrayList<>(((Ia3Trainer) s.trainer()).scales().keySet())
                : s.sites().stream().map(cola4j.models.site.Site::name).toList();
        return new Config(type, lowrank ? c.rank() : 0, lowrank ? c.alpha() : 0, targets,
                "cola4j:" + c.model() + "-" + c.preset() + "-seed" + c.baseSeed(), c.model(), c.preset(), c.baseSeed(),
                c.dtype(), c.method().cliName(),
                c.hasSiteAuxiliaries() ? c.aux().cliName() : null, c.merged(), c.task());
    }

    /** Writes the trained weights and adapter_config.json into {@code dir} (which must exist). */
    public static void save(Path dir, MethodSetup s, Model model) throws IOException {
        if (s.config().method() == TrainMethod.FULL) {
            ModelCheckpoint.save(model, dir.resolve(MODEL_DIR));
        } else {
            LinkedHashMap<String, Tensor> t = new LinkedHashMap<>();
            names(s).forEach((n, v) -> t.put(n, v.value()));
            Safetensors.write(dir.resolve(WEIGHTS_FILE), t,
                    Map.of("format", "pt", "method", s.config().method().cliName()));
        }
        JsonFiles.writeAtomic(dir.resolve(CONFIG_FILE), config(s));
    }

    /**
     * Loads weights written by {@link #save} into the setup's parameters (full: into {@code model}).
     *
     * @throws IOException              for a missing or corrupt file
     * @throws IllegalArgumentException listing every missing, unexpected and mismatched tensor (nothing
     *                                  is changed then)
     */
    public static void load(Path dir, MethodSetup s, Model model) throws IOException {
        if (s.config().method() == TrainMethod.FULL) {
            Model stored = ModelCheckpoint.load(dir.resolve(MODEL_DIR));
            LinkedHashMap<String, Tensor> w = new LinkedHashMap<>();
            stored.namedParameters().forEach((k, v) -> w.put(k, v.value()));
            ModelCheckpoint.loadWeights(model, w);
            return;
        }
        assign(names(s), Safetensors.read(dir.resolve(WEIGHTS_FILE)).tensors(), dir.resolve(WEIGHTS_FILE).toString());
    }

    /** Sets every parameter from {@code stored} after checking that names, shapes and dtypes match exactly. */
    static void assign(Map<String, Var> params, Map<String, Tensor> stored, String what) {
        List<String> problems = new ArrayList<>();
        params.forEach((n, v) -> {
            Tensor t = stored.get(n);
            if (t == null) problems.add("missing " + n);
            else if (!Arrays.equals(t.shape(), v.value().shape()) || t.dtype() != v.value().dtype()) {
                problems.add(n + " is " + t.dtype() + " " + Arrays.toString(t.shape()) + ", expected "
                        + v.value().dtype() + " " + Arrays.toString(v.value().shape()));
            }
        });
        for (String n : stored.keySet()) if (!params.containsKey(n)) problems.add("unexpected " + n);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(what + " does not fit this run: " + String.join("; ", problems));
        }
        params.forEach((n, v) -> v.setValue(stored.get(n).copy()));
    }
}
