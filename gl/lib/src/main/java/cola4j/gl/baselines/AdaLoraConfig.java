package cola4j.gl.baselines;

/**
 * AdaLoRA's hyper-parameters, with the names and defaults of PEFT's {@code AdaLoraConfig}
 * ({@code src/peft/tuners/adalora/config.py}): init_r 12, target_r 8, tinit 0, tfinal 0, deltaT 1, beta1 0.85,
 * beta2 0.85, orth_reg_weight 0.5; total_step has no default (it must be the run's number of optimizer steps).
 *
 * @param initR         r₀: the rank every site starts with (rows of A, entries of E)
 * @param targetR       the target average rank: the final budget is target_r · sites triplets
 * @param tinit         optimizer steps t ≤ tinit keep the full budget (warm-up, no masking)
 * @param tfinal        the last tfinal steps keep the final rank pattern fixed
 * @param deltaT        during the budget phase a mask is applied on steps t with t mod deltaT = 0
 * @param beta1         EMA factor of the sensitivity Ī
 * @param beta2         EMA factor of the uncertainty Ū
 * @param orthRegWeight γ, the weight of the orthogonality regulariser (PEFT requires it &gt; 0)
 * @param totalStep     T, the run's optimizer steps (steps 0..T-1, 0-based as PEFT's global_step)
 */
public record AdaLoraConfig(int initR, int targetR, int tinit, int tfinal, int deltaT, double beta1, double beta2,
                            double orthRegWeight, int totalStep) {
    /** Largest initial rank accepted (a bound, not a recommendation). */
    public static final int MAX_RANK = 4096;

    /** Checks every field; IllegalArgumentException naming it. */
    public AdaLoraConfig {
        check(initR >= 1 && initR <= MAX_RANK, "init_r must be in [1, " + MAX_RANK + "], got " + initR);
        check(targetR >= 1 && targetR <= initR, "target_r must be in [1, init_r = " + initR + "], got " + targetR);
        check(tinit >= 0, "tinit must be >= 0, got " + tinit);
        check(tfinal >= 0, "tfinal must be >= 0, got " + tfinal);
        check(deltaT >= 1, "deltaT must be >= 1, got " + deltaT);
        check(beta1 > 0 && beta1 < 1, "beta1 must be in (0, 1), got " + beta1);
        check(beta2 > 0 && beta2 < 1, "beta2 must be in (0, 1), got " + beta2);
        check(orthRegWeight > 0 && Double.isFinite(orthRegWeight),
                "orth_reg_weight must be finite and > 0, got " + orthRegWeight);
        check(totalStep >= 1, "total_step must be >= 1, got " + totalStep);
        // as newer PEFT: the budget phase tinit < t < T - tfinal must not be empty
        check(tinit < totalStep - tfinal, "tinit " + tinit + " must be < total_step - tfinal = "
                + (totalStep - tfinal) + " (no step would allocate ranks)");
    }

    /** PEFT's defaults with the given total step count. */
    public static AdaLoraConfig defaults(int totalStep) {
        return new AdaLoraConfig(12, 8, 0, 0, 1, 0.85, 0.85, 0.5, totalStep);
    }

    /** The same config over {@code totalStep} optimizer steps. */
    public AdaLoraConfig withTotalStep(int totalStep) {
        return new AdaLoraConfig(initR, targetR, tinit, tfinal, deltaT, beta1, beta2, orthRegWeight, totalStep);
    }

    private static void check(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException("adalora: " + message);
    }
}
