package cola4j.gl.app.train;

import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.gl.auxiliary.DoraAux;
import cola4j.gl.auxiliary.EmbeddingLowRankAux;
import cola4j.gl.auxiliary.LinearAux;
import cola4j.gl.auxiliary.LoraVariant;
import cola4j.gl.auxiliary.LowRankAux;
import cola4j.gl.auxiliary.MlpAux;
import cola4j.gl.auxiliary.MlpConfig;
import cola4j.gl.baselines.Ia3Trainer;
import cola4j.models.site.Site;
import cola4j.gl.baselines.VirtualTokenTrainer;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;

/**
 * {@code cola4j_adapter.json}: cola4j's own description of a checkpoint, written for every method beside PEFT's
 * {@code adapter_config.json} (which holds PEFT's keys only, {@link PeftAdapterConfig}). It is the format document of
 * the adapters PEFT has no type for (ColA's linear and MLP auxiliaries, full fine-tuning): what each tensor is, the
 * formula, and the MLP's activation.
 *
 * @param format        always {@value #FORMAT}
 * @param formatVersion {@value #VERSION}
 * @param peftType      LORA or IA3 when {@code adapter_config.json} is written (PEFT loads the directory), else null
 * @param method        full, lora, ia3, cola, adalora
 * @param auxType       lowrank, linear, mlp (lora, cola); null otherwise
 * @param merged        ColA merged mode
 * @param dtype         float32 or float64: the stored tensors' type
 * @param task          the downstream task trained on
 * @param baseModel     {@link AdapterBase#nameOrPath()}
 * @param family        base model family
 * @param preset        base model preset
 * @param baseSeed      base model seed
 * @param weights       the weights file ({@code adapter_model.safetensors}) or directory ({@code model/}, full)
 * @param sites         adapted modules (lora, cola), scaled modules (ia3), attentions with a prefix (prefix),
 *                      empty (full, prompt)
 * @param auxiliary     the auxiliary model of lora/cola (null for full, ia3)
 * @param tensors       tensor name pattern → shape and meaning
 * @param loraVariant   lora, rslora, pissa or dora for a lowrank lora/cola adapter ({@code --lora-variant}); null
 *                      otherwise (and in files of earlier versions, which were all plain LoRA)
 */
public record AdapterMetadata(@JsonProperty("format") String format,
                              @JsonProperty("format_version") int formatVersion,
                              @JsonProperty("peft_type") String peftType, @JsonProperty("method") String method,
                              @JsonProperty("aux_type") String auxType, @JsonProperty("merged") boolean merged,
                              @JsonProperty("dtype") String dtype, @JsonProperty("task") String task,
                              @JsonProperty("base_model_name_or_path") String baseModel,
                              @JsonProperty("base_model_family") String family,
                              @JsonProperty("base_model_preset") String preset,
                              @JsonProperty("base_model_seed") long baseSeed,
                              @JsonProperty("weights") String weights, @JsonProperty("sites") List<String> sites,
                              @JsonProperty("auxiliary") Auxiliary auxiliary,
                              @JsonProperty("tensors") LinkedHashMap<String, String> tensors,
                              @JsonProperty("lora_variant") String loraVariant) {
    public static final String FORMAT = "cola4j-adapter";
    public static final int VERSION = 1;

    /**
     * The auxiliary model g of every adapted site (all sites share one configuration).
     *
     * @param kind         lowrank, linear, mlp
     * @param formula      g(x) and, when linear in x, ΔW
     * @param rank         r (lowrank), else null
     * @param alpha        α (lowrank), else null
     * @param bias         whether the linear layers have a bias (linear, mlp), else null
     * @param hiddenSize   hidden width (mlp), else null
     * @param hiddenLayers number of hidden layers L (mlp), else null
     * @param activation   the hidden nonlinearity φ: relu, sigmoid or tanh (mlp), else null
     */
    public record Auxiliary(@JsonProperty("kind") String kind, @JsonProperty("formula") String formula,
                            @JsonProperty("rank") Integer rank, @JsonProperty("alpha") Double alpha,
                            @JsonProperty("bias") Boolean bias, @JsonProperty("hidden_size") Integer hiddenSize,
                            @JsonProperty("hidden_layers") Integer hiddenLayers,
                            @JsonProperty("activation") String activation) {}

    /** The metadata of a setup. */
    public static AdapterMetadata of(MethodSetup s) {
        TrainConfig c = s.config();
        boolean full = c.method() == TrainMethod.FULL;
        String pre = AdapterCheckpoint.PREFIX + "<site>.";
        LinkedHashMap<String, String> t = new LinkedHashMap<>();
        Auxiliary aux = null;
        List<String> sites = new ArrayList<>(s.auxiliaries().keySet());
        switch (c.method()) {
            case FULL -> t.put(AdapterCheckpoint.MODEL_DIR + "/model.safetensors",
                    "every base parameter under cola4j's names, with model/config.json (ModelCheckpoint)");
            case IA3 -> {
                sites = new ArrayList<>(((Ia3Trainer) s.trainer()).scales().keySet());
                t.put(pre + "ia3_l", "(out, 1) for a module not in feedforward_modules: h' = l * (x W^T + b);"
                        + " (1, in) for a feedforward module: h' = (l * x) W^T + b (PEFT IA3)");
            }
            case ADALORA -> {
                sites = new ArrayList<>(s.sites().stream().map(Site::name).toList());
                t.put(pre + "lora_A", "[init_r, in] A (right singular vectors)");
                t.put(pre + "lora_E", "[init_r, 1] E (singular values; 0 for a masked triplet)");
                t.put(pre + "lora_B", "[out, init_r] B (left singular vectors; PEFT AdaLoRA:"
                        + " dW = B (A * E) lora_alpha / (init_r + 1e-5))");
            }
            case PROMPT -> t.put(VirtualTokenSetup.PROMPT_EMBEDDINGS, "[n, C] P: x = [P; E[ids]] + pos (PEFT"
                    + " PROMPT_TUNING; on the encoder input of an encoder-decoder)");
            case PREFIX -> {
                sites = new ArrayList<>(((VirtualTokenTrainer) s.trainer()).prefixTuning().slots());
                t.put(VirtualTokenSetup.PROMPT_EMBEDDINGS, "[n, 2 S C] Z: attention s (sites, in order) uses"
                        + " K = [Z[:, 2sC:(2s+1)C]; K], V = [Z[:, (2s+1)C:(2s+2)C]; V] (PEFT past_key_values)");
                t.put(VirtualTokenSetup.ENCODER + "embedding.weight", "[n, C] E with the MLP, else [n, 2 S C] = Z");
                t.put(VirtualTokenSetup.ENCODER + "transform.<k>.weight/bias", "k = 0: [H, C], [H]; k = 2:"
                        + " [2 S C, H], [2 S C]; Z = tanh(E W0^T + b0) W2^T + b2 (only with prefix_hidden > 0)");
            }
            default -> {
                aux = auxiliary(s);
                switch (c.aux()) {
                    case LOWRANK -> {
                        t.put(pre + "lora_A.weight", "[r, in] A");
                        t.put(pre + "lora_B.weight", "[out, r] B (PEFT LoRA)");
                        if (c.loraVariant() == LoraVariant.DORA) {
                            t.put(pre + "lora_magnitude_vector", "[out] m (PEFT DoRA)");
                        }
                        if (c.loraVariant() == LoraVariant.PISSA) {
                            t.put(AdapterCheckpoint.PISSA_AS_LORA_DIR + "/" + AdapterCheckpoint.WEIGHTS_FILE,
                                    "the same adapter as plain LoRA of rank 2r on the unmodified base:"
                                    + " lora_A.weight = [A; A0], lora_B.weight = [B, -B0], lora_alpha 2 alpha");
                        }
                    }
                    case EMBEDDING -> {
                        t.put(pre + "lora_embedding_A", "[r, num_embeddings] A");
                        t.put(pre + "lora_embedding_B", "[dim, r] B (PEFT LoRA Embedding; dW = (alpha / r) (B A)^T)");
                    }
                    case LINEAR -> {
                        t.put(pre + "cola_linear.weight", "[out, in] W");
                        if (Boolean.TRUE.equals(aux.bias())) t.put(pre + "cola_linear.bias", "[out] b");
                    }
                    default -> {
                        t.put(pre + "cola_mlp.layers.<k>.weight", "W_(k+1), k = 0..L: [hidden, in] for k = 0,"
                                + " [hidden, hidden] for 0 < k < L, [out, hidden] for k = L");
                        if (Boolean.TRUE.equals(aux.bias())) {
                            t.put(pre + "cola_mlp.layers.<k>.bias", "b_(k+1): [hidden] for k < L, [out] for k = L");
                        }
                    }
                }
            }
        }
        AdapterBase b = s.base();
        return new AdapterMetadata(FORMAT, VERSION, PeftAdapterConfig.peftType(c).orElse(null),
                c.method().cliName(), c.hasSiteAuxiliaries() ? c.aux().cliName() : null, c.merged(),
                c.dtype().cliName, c.task(), b.nameOrPath(), c.model(), c.preset(), c.baseSeed(),
                full ? AdapterCheckpoint.MODEL_DIR + "/" : AdapterCheckpoint.WEIGHTS_FILE, sites, aux, t,
                c.hasSiteAuxiliaries() && c.aux() == AuxiliaryKind.LOWRANK ? c.loraVariant().cliName() : null);
    }

    /** The shared auxiliary description of a lora/cola setup; IllegalStateException if the sites disagree. */
    static Auxiliary auxiliary(MethodSetup s) {
        Auxiliary first = null;
        for (AuxiliaryModel a : s.auxiliaries().values()) {
            Auxiliary d = describe(a);
            if (first != null && !first.equals(d)) {
                throw new IllegalStateException("adapter metadata: sites have different auxiliaries: " + first
                        + " vs " + d);
            }
            first = d;
        }
        if (first == null) throw new IllegalStateException("adapter metadata: no auxiliary models");
        return first;
    }

    /** One auxiliary model's description. */
    static Auxiliary describe(AuxiliaryModel a) {
        if (a instanceof LowRankAux l && l.scale() != l.config().scale()) {
            return new Auxiliary("lowrank", "g(x) = (alpha / sqrt(r)) x A^T B^T; dW = (alpha / sqrt(r)) B A (rsLoRA)",
                    l.config().rank(), l.config().alpha(), null, null, null, null);
        }
        if (a instanceof LowRankAux l) {
            return new Auxiliary("lowrank", "g(x) = (alpha / r) x A^T B^T; dW = (alpha / r) B A",
                    l.config().rank(), l.config().alpha(), null, null, null, null);
        }
        if (a instanceof DoraAux d) {
            return new Auxiliary("lowrank", "V = W0 + (alpha / r) B A; n = rownorm(V) (detached); W' = diag(m / n) V;"
                    + " g(x) = x W'^T - x W0^T; dW = W' - W0 (DoRA)", d.config().rank(), d.config().alpha(),
                    null, null, null, null);
        }
        if (a instanceof EmbeddingLowRankAux e) {
            return new Auxiliary("embedding", "g(ids) = (alpha / r) onehot(ids) A^T B^T; dW = (alpha / r) (B A)^T",
                    e.config().rank(), e.config().alpha(), null, null, null, null);
        }
        if (a instanceof LinearAux l) {
            return new Auxiliary("linear", "g(x) = x W^T + b; dW = W, db = b", null, null,
                    l.namedParameters().containsKey("bias"), null, null, null);
        }
        if (a instanceof MlpAux m) {
            MlpConfig mc = m.config();
            return new Auxiliary("mlp", "z_0 = x; z_k = activation(z_(k-1) W_k^T + b_k), k = 1..L;"
                    + " g(x) = z_L W_(L+1)^T + b_(L+1); W_k, b_k stored as layers.<k-1>; not linear in x",
                    null, null, mc.bias(), mc.hiddenSize(), mc.hiddenLayers(),
                    mc.activation().name().toLowerCase(Locale.ROOT));
        }
        throw new IllegalArgumentException("adapter metadata: unsupported auxiliary " + a.kind());
    }
}
