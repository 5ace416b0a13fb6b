package cola4j.gl.app.train;

import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.gl.auxiliary.DoraAux;
import cola4j.gl.auxiliary.EmbeddingLowRankAux;
import cola4j.gl.auxiliary.LoraVariant;
import cola4j.gl.auxiliary.LowRankAux;
import cola4j.gl.auxiliary.LowRankConfig;
import cola4j.gl.baselines.Ia3Trainer;
import cola4j.gl.baselines.VirtualTokenTrainer;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code adapter_config.json} exactly as Hugging Face PEFT reads it: only fields of PEFT's {@code PeftConfig} and of
 * {@code LoraConfig} / {@code IA3Config} (peft {@code src/peft/config.py}, {@code tuners/lora/config.py},
 * {@code tuners/ia3/config.py}), each with the value that makes PEFT compute what cola4j computed. cola4j's own
 * metadata lives in {@code cola4j_adapter.json} ({@link AdapterMetadata}). Written only for adapters PEFT has a type
 * for: LoRA and ColA with the low-rank auxiliary (ΔW = (lora_alpha / r)·B·A, PEFT's {@code LoraConfig}), IA3,
 * AdaLoRA, prompt tuning and (decoder) prefix tuning.
 * ColA's linear and MLP auxiliaries have no PEFT type and get no {@code adapter_config.json}. The LoRA variants set
 * PEFT's own fields: rsLoRA {@code use_rslora: true}, PiSSA {@code init_lora_weights: "pissa"} (plus the converted
 * plain-LoRA copy, {@link #pissaAsLora}), DoRA {@code use_dora: true}.
 */
public final class PeftAdapterConfig {
    private PeftAdapterConfig() {}

    /**
     * PEFT {@code LoraConfig}: h = W x + b + (lora_alpha / r)·B(A x) (α/√r with use_rslora; DoRA's magnitude and
     * direction with use_dora); no dropout, no bias training.
     *
     * @param peftType      "LORA"
     * @param taskType      {@link AdapterBase#taskType()}
     * @param baseModel     {@link AdapterBase#nameOrPath()}
     * @param revision      always null (a local directory has no revision)
     * @param inferenceMode true, as {@code PeftModel.save_pretrained} writes it
     * @param r             rank
     * @param loraAlpha     α (PEFT scales by lora_alpha / r, as cola4j)
     * @param loraDropout   0 (cola4j's LoRA has no dropout)
     * @param targetModules the adapted modules' full names (PEFT matches a listed name exactly)
     * @param fanInFanOut   {@link AdapterBase#fanInFanOut()}
     * @param bias          "none": no bias is trained
     * @param useRslora     true for {@code --lora-variant rslora} (scale lora_alpha/√r), else false (lora_alpha/r)
     * @param modulesToSave null: nothing besides the adapters is trained
     * @param initLoraWeights true (A Kaiming-uniform, B = 0: cola4j's init), or "pissa" for
     *                      {@code --lora-variant pissa}: PEFT then recomputes W_res = W0 − s·B0·A0 from the base it
     *                      is given (base_model_name_or_path, the unmodified W0) before loading A and B
     * @param useDora       true for {@code --lora-variant dora} (tensors {@code <module>.lora_magnitude_vector})
     */
    public record Lora(@JsonProperty("peft_type") String peftType, @JsonProperty("task_type") String taskType,
                       @JsonProperty("base_model_name_or_path") String baseModel,
                       @JsonProperty("revision") String revision,
                       @JsonProperty("inference_mode") boolean inferenceMode, @JsonProperty("r") int r,
                       @JsonProperty("lora_alpha") double loraAlpha, @JsonProperty("lora_dropout") double loraDropout,
                       @JsonProperty("target_modules") List<String> targetModules,
                       @JsonProperty("fan_in_fan_out") boolean fanInFanOut, @JsonProperty("bias") String bias,
                       @JsonProperty("use_rslora") boolean useRslora,
                       @JsonProperty("modules_to_save") List<String> modulesToSave,
                       @JsonProperty("init_lora_weights") Object initLoraWeights,
                       @JsonProperty("use_dora") boolean useDora) {}

    /**
     * PEFT {@code IA3Config}: non-feedforward modules scale their output, h' = l ⊙ (W x + b) with ia3_l (out, 1);
     * feedforward modules scale their input, h' = W (l ⊙ x) + b with ia3_l (1, in).
     *
     * @param peftType           "IA3"
     * @param taskType           {@link AdapterBase#taskType()}
     * @param baseModel          {@link AdapterBase#nameOrPath()}
     * @param revision           always null
     * @param inferenceMode      true
     * @param targetModules      every scaled module's full name
     * @param feedforwardModules the subset whose input is scaled
     * @param fanInFanOut        {@link AdapterBase#fanInFanOut()}
     * @param modulesToSave      null
     * @param initIa3Weights     true: l = 1 at the start
     */
    public record Ia3(@JsonProperty("peft_type") String peftType, @JsonProperty("task_type") String taskType,
                      @JsonProperty("base_model_name_or_path") String baseModel,
                      @JsonProperty("revision") String revision,
                      @JsonProperty("inference_mode") boolean inferenceMode,
                      @JsonProperty("target_modules") List<String> targetModules,
                      @JsonProperty("feedforward_modules") List<String> feedforwardModules,
                      @JsonProperty("fan_in_fan_out") boolean fanInFanOut,
                      @JsonProperty("modules_to_save") List<String> modulesToSave,
                      @JsonProperty("init_ia3_weights") boolean initIa3Weights) {}

    /**
     * PEFT {@code PromptTuningConfig} / {@code PrefixTuningConfig} (peft {@code tuners/prompt_tuning/config.py},
     * {@code tuners/prefix_tuning/config.py}) in inference mode: PEFT then reads {@code prompt_embeddings} as the
     * prompt [n, token_dim] (prompt tuning) or as past_key_values [n, num_layers·2·token_dim] (prefix tuning).
     *
     * @param peftType            PROMPT_TUNING or PREFIX_TUNING
     * @param numVirtualTokens    n
     * @param tokenDim            C
     * @param numSubmodules       1: one set of virtual tokens (on the encoder of an encoder–decoder)
     * @param numAttentionHeads   the model's heads
     * @param numLayers           blocks of the prompted stack (prompt) / of the decoder (prefix)
     * @param promptTuningInit    SAMPLE_VOCAB (prompt; null for prefix)
     * @param encoderHiddenSize   H of the reparameterisation MLP (prefix; null for prompt)
     * @param prefixProjection    whether the MLP was used in training (prefix; null for prompt)
     */
    public record PromptLearning(@JsonProperty("peft_type") String peftType,
                                 @JsonProperty("task_type") String taskType,
                                 @JsonProperty("base_model_name_or_path") String baseModel,
                                 @JsonProperty("revision") String revision,
                                 @JsonProperty("inference_mode") boolean inferenceMode,
                                 @JsonProperty("num_virtual_tokens") int numVirtualTokens,
                                 @JsonProperty("token_dim") int tokenDim,
                                 @JsonProperty("num_transformer_submodules") int numSubmodules,
                                 @JsonProperty("num_attention_heads") int numAttentionHeads,
                                 @JsonProperty("num_layers") int numLayers,
                                 @JsonInclude(JsonInclude.Include.NON_NULL)
                                 @JsonProperty("prompt_tuning_init") String promptTuningInit,
                                 @JsonInclude(JsonInclude.Include.NON_NULL)
                                 @JsonProperty("encoder_hidden_size") Integer encoderHiddenSize,
                                 @JsonInclude(JsonInclude.Include.NON_NULL)
                                 @JsonProperty("prefix_projection") Boolean prefixProjection) {}

    /**
     * PEFT's type of a setup's adapter: LORA, IA3, ADALORA, PROMPT_TUNING, PREFIX_TUNING (decoder only: PEFT puts an
     * encoder–decoder's prefixes on the decoder's self- and cross-attention alike and none on the encoder, a layout
     * cola4j's separate prefixes do not have), or empty (full fine-tuning, ColA linear and MLP auxiliaries).
     */
    public static Optional<String> peftType(TrainConfig c) {
        if (c.method() == TrainMethod.IA3) return Optional.of("IA3");
        if (c.method() == TrainMethod.ADALORA) return Optional.of("ADALORA");
        if (c.method() == TrainMethod.PROMPT) return Optional.of("PROMPT_TUNING");
        if (c.method() == TrainMethod.PREFIX) {
            return c.model().equals("decoder") ? Optional.of("PREFIX_TUNING") : Optional.empty();
        }
        if (c.hasSiteAuxiliaries() && (c.aux() == AuxiliaryKind.LOWRANK || c.aux() == AuxiliaryKind.EMBEDDING)) {
            return Optional.of("LORA");
        }
        return Optional.empty();
    }

    /** The adapter_config.json record of a setup ({@link Lora} or {@link Ia3}), or empty when PEFT has no type. */
    public static Optional<Object> of(MethodSetup s) {
        TrainConfig c = s.config();
        AdapterBase b = s.base();
        Optional<String> type = peftType(c);
        if (type.isEmpty()) return Optional.empty();
        if (type.get().equals("ADALORA")) return Optional.of(PeftAdaLoraConfig.of(s));
        if (s.trainer() instanceof VirtualTokenTrainer v) {
            boolean prefix = v.kind() == VirtualTokenTrainer.Kind.PREFIX;
            return Optional.of(new PromptLearning(type.get(), b.taskType(), b.nameOrPath(), null, true,
                    c.virtualTokens(), v.tokenDim(), 1, v.heads(),
                    prefix ? v.prefixTuning().slots().size() : v.inputLayers(), prefix ? null : "SAMPLE_VOCAB",
                    prefix ? c.prefixHidden() : null, prefix ? v.prefixTuning().projected() : null));
        }
        if (type.get().equals("IA3")) {
            Ia3Trainer t = (Ia3Trainer) s.trainer();
            return Optional.of(new Ia3("IA3", b.taskType(), b.nameOrPath(), null, true,
                    new ArrayList<>(t.scales().keySet()), t.feedforwardSites(), b.fanInFanOut(), null, true));
        }
        List<String> targets = new ArrayList<>(s.auxiliaries().keySet());
        for (var a : s.auxiliaries().values()) {
            LowRankConfig l = a instanceof EmbeddingLowRankAux e ? e.config()
                    : a instanceof DoraAux d ? d.config() : ((LowRankAux) a).config();
            if (l.rank() != c.rank() || l.alpha() != c.alpha()) {
                throw new IllegalStateException("adapter config: an auxiliary's rank/alpha differs from the run's");
            }
        }
        LoraVariant v = c.loraVariant();
        return Optional.of(new Lora("LORA", b.taskType(), b.nameOrPath(), null, true, c.rank(), c.alpha(), 0.0,
                targets, b.fanInFanOut(), "none", v == LoraVariant.RSLORA, null,
                v == LoraVariant.PISSA ? "pissa" : Boolean.TRUE, v == LoraVariant.DORA));
    }

    /**
     * {@code --lora-variant pissa}: the adapter converted to plain LoRA on the unmodified base, as PEFT's
     * {@code save_pretrained(path_initial_model_for_weight_conversion=…)} writes it: W0 + s·B·A − s·B0·A0 =
     * W_res + s·B·A is a LoRA of rank 2r with A' = [A; A0], B' = [B, −B0] and lora_alpha' = 2α
     * (so s' = 2α/2r = s),
     * {@code init_lora_weights: true}. Empty for the other variants.
     */
    public static Optional<Lora> pissaAsLora(MethodSetup s) {
        if (s.config().loraVariant() != LoraVariant.PISSA) return Optional.empty();
        Lora l = (Lora) of(s).orElseThrow();
        return Optional.of(new Lora(l.peftType(), l.taskType(), l.baseModel(), l.revision(), l.inferenceMode(),
                2 * l.r(), 2 * l.loraAlpha(), l.loraDropout(), l.targetModules(), l.fanInFanOut(), l.bias(),
                false, l.modulesToSave(), Boolean.TRUE, false));
    }
}
