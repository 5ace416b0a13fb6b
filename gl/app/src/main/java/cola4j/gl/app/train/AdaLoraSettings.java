package cola4j.gl.app.train;

import cola4j.gl.baselines.AdaLoraConfig;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * AdaLoRA's options of {@code cola train --method adalora}, under PEFT's {@code AdaLoraConfig} names in
 * {@code training_state.json}; {@code total_step} is not an option but the run's optimizer steps (steps / interval).
 * Checked against that step count by {@link TrainConfig} through {@link AdaLoraConfig}.
 *
 * @param initR         --init-r: initial rank of every site (PEFT default 12)
 * @param targetR       --target-r: target average rank (PEFT default 8)
 * @param tinit         --tinit: warm-up optimizer steps without masking
 * @param tfinal        --tfinal: final optimizer steps with the rank pattern fixed
 * @param deltaT        --delta-t: steps between two allocations in the budget phase (PEFT default 1)
 * @param beta1         --beta1: EMA factor of the sensitivity (PEFT default 0.85)
 * @param beta2         --beta2: EMA factor of the uncertainty (PEFT default 0.85)
 * @param orthRegWeight --orth-reg-weight: γ of the orthogonality regulariser (PEFT default 0.5)
 */
public record AdaLoraSettings(@JsonProperty("init_r") int initR, @JsonProperty("target_r") int targetR,
                              @JsonProperty("tinit") int tinit, @JsonProperty("tfinal") int tfinal,
                              @JsonProperty("deltaT") int deltaT, @JsonProperty("beta1") double beta1,
                              @JsonProperty("beta2") double beta2,
                              @JsonProperty("orth_reg_weight") double orthRegWeight) {
    /** The library config over {@code totalStep} optimizer steps; IllegalArgumentException when invalid. */
    public AdaLoraConfig toConfig(int totalStep) {
        return new AdaLoraConfig(initR, targetR, tinit, tfinal, deltaT, beta1, beta2, orthRegWeight, totalStep);
    }
}
