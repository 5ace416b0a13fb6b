package cola4j.gl.app.train;

import cola4j.gl.baselines.AdaLoraConfig;
import cola4j.gl.baselines.AdaLoraTrainer;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code adapter_config.json} of an AdaLoRA run as PEFT's {@code AdaLoraConfig} reads it (the fields of
 * {@code LoraConfig} that cola4j's {@link PeftAdapterConfig.Lora} writes, plus AdaLoRA's own,
 * {@code src/peft/tuners/adalora/config.py}). PEFT builds every adapted module with init_r triplets and
 * ranknum = init_r, so h = W x + b + B (A ⊙ E) x · lora_alpha / (init_r + 1e-5), exactly what cola4j computed.
 * The weights are saved unresized (init_r rows, masked triplets with E = 0) and {@code rank_pattern} is null: PEFT
 * resizes modules by a non-null rank_pattern before loading, which would not fit unresized tensors, while the
 * unresized tensors with E = 0 compute the same function. The final rank per site is in cola4j's run output and in
 * {@code training_state.safetensors} ({@code adalora.<site>.rank_pattern}). Tests: AdaLoraTrainTest.
 *
 * @param r             8, PEFT's default: AdaLoRA ignores r (PEFT warns for any other value)
 * @param totalStep     the run's optimizer steps
 * @param rankPattern   always null (see above)
 */
public record PeftAdaLoraConfig(@JsonProperty("peft_type") String peftType, @JsonProperty("task_type") String taskType,
                                @JsonProperty("base_model_name_or_path") String baseModel,
                                @JsonProperty("revision") String revision,
                                @JsonProperty("inference_mode") boolean inferenceMode, @JsonProperty("r") int r,
                                @JsonProperty("lora_alpha") double loraAlpha,
                                @JsonProperty("lora_dropout") double loraDropout,
                                @JsonProperty("target_modules") List<String> targetModules,
                                @JsonProperty("fan_in_fan_out") boolean fanInFanOut, @JsonProperty("bias") String bias,
                                @JsonProperty("use_rslora") boolean useRslora,
                                @JsonProperty("modules_to_save") List<String> modulesToSave,
                                @JsonProperty("init_lora_weights") boolean initLoraWeights,
                                @JsonProperty("use_dora") boolean useDora, @JsonProperty("target_r") int targetR,
                                @JsonProperty("init_r") int initR, @JsonProperty("tinit") int tinit,
                                @JsonProperty("tfinal") int tfinal, @JsonProperty("deltaT") int deltaT,
                                @JsonProperty("beta1") double beta1, @JsonProperty("beta2") double beta2,
                                @JsonProperty("orth_reg_weight") double orthRegWeight,
                                @JsonProperty("total_step") int totalStep,
                                @JsonProperty("rank_pattern") Map<String, List<Boolean>> rankPattern) {
    /** The config of an adalora setup. */
    public static PeftAdaLoraConfig of(MethodSetup s) {
        AdapterBase b = s.base();
        AdaLoraConfig c = ((AdaLoraTrainer) s.trainer()).allocator().config();
        List<String> targets = new ArrayList<>(((AdaLoraTrainer) s.trainer()).adapters().keySet());
        return new PeftAdaLoraConfig("ADALORA", b.taskType(), b.nameOrPath(), null, true, 8, s.config().alpha(), 0.0,
                targets, b.fanInFanOut(), "none", false, null, true, false, c.targetR(), c.initR(), c.tinit(),
                c.tfinal(), c.deltaT(), c.beta1(), c.beta2(), c.orthRegWeight(), c.totalStep(), null);
    }
}
