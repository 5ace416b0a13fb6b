package cola4j.gl.workload;

/**
 * Hyper-parameters of {@link Pretrainer}: AdamW with linear warm-up and linear decay to 0, global-norm clipping.
 * <pre>
 *   lr(s) = lr · s / warmupSteps                              s &lt; warmupSteps
 *   lr(s) = lr · (steps − s) / (steps − warmupSteps)          afterwards
 * </pre>
 *
 * @param steps        optimizer steps (≥ 1)
 * @param batchSize    examples per step, drawn from the family's pretraining mixture
 * @param lr           peak learning rate
 * @param warmupSteps  linear warm-up length (≤ steps)
 * @param weightDecay  AdamW decoupled weight decay λ
 * @param beta2        AdamW second-moment decay β₂ (β₁ = 0.9, ε = 1e-8)
 * @param clipNorm     maximum global gradient 2-norm
 * @param evalExamples held-out examples per evaluated task
 */
public record PretrainConfig(int steps, int batchSize, double lr, int warmupSteps, double weightDecay, double beta2, double clipNorm,
                             int evalExamples) {
    public PretrainConfig {
        if (steps < 1 || batchSize < 1 || evalExamples < 1) {
            throw new IllegalArgumentException("PretrainConfig: steps " + steps + ", batchSize " + batchSize + ", evalExamples " + evalExamples + " must be >= 1");
        }
        if (warmupSteps < 0 || warmupSteps > steps) throw new IllegalArgumentException("PretrainConfig: warmupSteps " + warmupSteps + " outside [0, steps = " + steps + "]");
        if (!(lr > 0) || !(weightDecay >= 0) || !(beta2 > 0 && beta2 < 1) || !(clipNorm > 0)) {
            throw new IllegalArgumentException("PretrainConfig: need lr > 0, weightDecay >= 0, 0 < beta2 < 1, clipNorm > 0; got " + lr + ", "
                    + weightDecay + ", " + beta2 + ", " + clipNorm);
        }
    }

    /**
     * The tuned defaults of a family and preset (measured on the 2-core development machine, see {@link Pretrainer}).
     * {@code tiny} is a few steps for tests.
     */
    public static PretrainConfig defaults(String family, String preset) {
        if (preset.equals("tiny")) return new PretrainConfig(4, 8, 3e-3, 1, 0.01, 0.99, 1.0, 32);
        return switch (family) {
            case "encoder" -> new PretrainConfig(600, 32, 1e-3, 60, 0.01, 0.98, 1.0, 1000);
            case "decoder" -> new PretrainConfig(600, 32, 1e-3, 60, 0.01, 0.98, 1.0, 1000);
            case "seq2seq" -> new PretrainConfig(600, 32, 1e-3, 60, 0.01, 0.98, 1.0, 1000);
            case "mlp" -> new PretrainConfig(600, 64, 1e-3, 30, 0.01, 0.98, 1.0, 1000);
            default -> throw new IllegalArgumentException("unknown model family '" + family + "'; available: " + Workloads.families());
        };
    }

    /** The same config with {@code steps} steps (warm-up scaled proportionally, at least 0). */
    public PretrainConfig withSteps(int newSteps) {
        int w = (int) Math.round((double) warmupSteps * newSteps / steps);
        return new PretrainConfig(newSteps, batchSize, lr, Math.min(w, newSteps), weightDecay, beta2, clipNorm, evalExamples);
    }

    /** The fields that determine the trained weights (all but evalExamples), as text for cache keys. */
    public String trainingKey() {
        return "steps=" + steps + " batch=" + batchSize + " lr=" + lr + " warmup=" + warmupSteps + " wd=" + weightDecay + " beta2=" + beta2
                + " clip=" + clipNorm;
    }
}
