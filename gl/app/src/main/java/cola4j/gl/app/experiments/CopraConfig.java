package cola4j.gl.app.experiments;

import cola4j.gl.copra.LayerGroups;
import cola4j.gl.copra.ProgressiveSchedule;
import cola4j.gl.copra.Shapley;
import cola4j.gl.copra.SparseMerge;

import java.util.List;

/**
 * Settings of one CopRA experiment ({@link CopraExperiment}, {@code cola copra}).
 *
 * @param method        {@code lora} (backprop through the adapters) or {@code cola} (Gradient Learning, unmerged)
 * @param steps         training steps per task and run (one batch each)
 * @param batchSize     examples per batch
 * @param lr            AdamW peak learning rate (linear warm-up over 10% of the steps, then linear decay to 0)
 * @param rank          LoRA rank r of every adapter
 * @param alpha         LoRA α (output scale α / r)
 * @param p0            progressive runs: activation probability at step 0
 * @param stage1Ratio   progressive runs: fraction of the steps over which the probability rises to 1
 * @param evalExamples  held-out examples per evaluated task (same set for every evaluation)
 * @param tiesDensity   PEFT's {@code density}: fraction of entries kept per task and site by TIES and magnitude
 *                      pruning, and each entry's keep probability in DARE
 * @param taLambda      task arithmetic: λ in λ Σ_t ΔW_t
 * @param pruneSuffixes site-name suffixes for the "only one kind" pruning patterns (e.g. {@code attn.value})
 * @param shapleyPermutations Monte Carlo permutations when there are more than
 *                            {@link Shapley#EXACT_MAX_PLAYERS} players
 * @param shapleyPlayers      who the Shapley players are: the layer groups (CopRA's study) or the individual sites
 * @param majoritySign        PEFT's {@code majority_sign_method} of the DARE-TIES merge ({@link SparseMerge})
 */
public record CopraConfig(String method, int steps, int batchSize, double lr, int rank, double alpha,
                          double p0, double stage1Ratio, int evalExamples, double tiesDensity, double taLambda,
                          List<String> pruneSuffixes, int shapleyPermutations, ShapleyPlayers shapleyPlayers,
                          SparseMerge.SignMethod majoritySign) {
    /** The players of the Shapley study. */
    public enum ShapleyPlayers {
        /** One player per {@link LayerGroups} group (all adapters of a transformer layer together). */
        LAYERS,
        /** One player per adapted site (e.g. blocks.0.attn.query and blocks.0.attn.value separately). */
        SITES;

        public String id() {
            return name().toLowerCase();
        }
    }

    public CopraConfig {
        if (!method.equals("lora") && !method.equals("cola")) {
            throw new IllegalArgumentException("copra: method must be lora or cola, got '" + method + "'");
        }
        if (steps < 1 || batchSize < 1 || evalExamples < 1 || rank < 1) {
            throw new IllegalArgumentException("copra: steps, batchSize, evalExamples and rank must be >= 1, got "
                    + steps + ", " + batchSize + ", " + evalExamples + ", " + rank);
        }
        if (!(lr > 0) || !(alpha > 0)) {
            throw new IllegalArgumentException("copra: lr and alpha must be > 0, got " + lr + ", " + alpha);
        }
        if (shapleyPermutations < 2) {
            throw new IllegalArgumentException("copra: shapleyPermutations must be >= 2, got " + shapleyPermutations);
        }
        if (shapleyPlayers == null) throw new IllegalArgumentException("copra: shapleyPlayers is null");
        if (majoritySign == null) throw new IllegalArgumentException("copra: majoritySign is null");
        if (!(tiesDensity > 0 && tiesDensity <= 1)) {
            throw new IllegalArgumentException("copra: density must be in (0, 1], got " + tiesDensity);
        }
        pruneSuffixes = List.copyOf(pruneSuffixes);
    }

    /**
     * Defaults: 200 steps of batch 32, AdamW 3e-3, rank 4, α 8, p₀ 0.1, ratio 0.75, 500 eval examples, TIES 0.5, λ
     * 0.5, 200 Monte Carlo permutations, players = layers, majority sign total.
     */
    public static CopraConfig defaults(String method, List<String> pruneSuffixes) {
        return new CopraConfig(method, 200, 32, 3e-3, 4, 8, ProgressiveSchedule.DEFAULT_P0,
                ProgressiveSchedule.DEFAULT_STAGE1_RATIO, 500, 0.5, 0.5, pruneSuffixes, 200, ShapleyPlayers.LAYERS,
                SparseMerge.SignMethod.TOTAL);
    }

    public CopraConfig withMethod(String m) {
        return new CopraConfig(m, steps, batchSize, lr, rank, alpha, p0, stage1Ratio, evalExamples, tiesDensity,
                taLambda, pruneSuffixes, shapleyPermutations, shapleyPlayers, majoritySign);
    }

    public CopraConfig withSteps(int s) {
        return new CopraConfig(method, s, batchSize, lr, rank, alpha, p0, stage1Ratio, evalExamples, tiesDensity,
                taLambda, pruneSuffixes, shapleyPermutations, shapleyPlayers, majoritySign);
    }

    public CopraConfig withEvalExamples(int n) {
        return new CopraConfig(method, steps, batchSize, lr, rank, alpha, p0, stage1Ratio, n, tiesDensity, taLambda,
                pruneSuffixes, shapleyPermutations, shapleyPlayers, majoritySign);
    }

    public CopraConfig withShapleyPlayers(ShapleyPlayers p) {
        return new CopraConfig(method, steps, batchSize, lr, rank, alpha, p0, stage1Ratio, evalExamples, tiesDensity,
                taLambda, pruneSuffixes, shapleyPermutations, p, majoritySign);
    }

    public CopraConfig withShapleyPermutations(int m) {
        return new CopraConfig(method, steps, batchSize, lr, rank, alpha, p0, stage1Ratio, evalExamples, tiesDensity,
                taLambda, pruneSuffixes, m, shapleyPlayers, majoritySign);
    }

    /** With PEFT's {@code density} k ∈ (0, 1] for TIES, magnitude pruning and DARE. */
    public CopraConfig withDensity(double k) {
        return new CopraConfig(method, steps, batchSize, lr, rank, alpha, p0, stage1Ratio, evalExamples, k,
                taLambda, pruneSuffixes, shapleyPermutations, shapleyPlayers, majoritySign);
    }

    /** With PEFT's {@code majority_sign_method} for DARE-TIES. */
    public CopraConfig withMajoritySign(SparseMerge.SignMethod m) {
        return new CopraConfig(method, steps, batchSize, lr, rank, alpha, p0, stage1Ratio, evalExamples, tiesDensity,
                taLambda, pruneSuffixes, shapleyPermutations, shapleyPlayers, m);
    }
}
