package cola4j.gl.app.experiments;

import cola4j.gl.copra.LayerGroups;
import cola4j.gl.copra.ProgressiveSchedule;
import cola4j.gl.copra.Shapley;
import cola4j.gl.copra.SparseMerge;

import cola4j.gl.app.train.AdaLoraSettings;
import cola4j.gl.auxiliary.LoraVariant;
import java.util.List;

/**
 * Settings of one CopRA experiment ({@link CopraExperiment}, {@code cola copra}).
 *
 * @param method        {@code lora} (backprop through the adapters), {@code cola} (Gradient Learning, unmerged) or
 *                      {@code adalora} (AdaLoRA backprop, {@link #adalora()})
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
 * @param loraVariant         form of the lora/cola adapters ({@code --lora-variant}): lora, rslora, pissa, dora
 *                            (null reads as lora); anything but lora needs method lora or cola
 * @param adalora             AdaLoRA's settings (as {@code cola train}'s, over the run's steps): present exactly for
 *                            method adalora
 */
public record CopraConfig(String method, int steps, int batchSize, double lr, int rank, double alpha,
                          double p0, double stage1Ratio, int evalExamples, double tiesDensity, double taLambda,
                          List<String> pruneSuffixes, int shapleyPermutations, ShapleyPlayers shapleyPlayers,
                          SparseMerge.SignMethod majoritySign, LoraVariant loraVariant,
                          AdaLoraSettings adalora) {
    /** The training methods: LoRA backprop, ColA Gradient Learning, AdaLoRA backprop. */
    public static final List<String> METHODS = List.of("lora", "cola", "adalora");

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
        if (!METHODS.contains(method)) {
            throw new IllegalArgumentException("copra: method must be one of " + METHODS + ", got '" + method + "'");
        }
        if (loraVariant == null) loraVariant = LoraVariant.LORA;
        if (loraVariant != LoraVariant.LORA && method.equals("adalora")) {
            throw new IllegalArgumentException("copra: --lora-variant " + loraVariant + " applies to methods lora and"
                    + " cola (adalora has its own SVD-form adapter)");
        }
        if ((adalora != null) != method.equals("adalora")) {
            throw new IllegalArgumentException("copra: AdaLoRA settings go with method adalora only (got " + method
                    + ")");
        }
        if (adalora != null) adalora.toConfig(steps);
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
                SparseMerge.SignMethod.TOTAL, LoraVariant.LORA, method.equals("adalora")
                        ? new AdaLoraSettings(12, 8, 20, 40, 1, 0.85, 0.85, 0.5) : null);
    }

    /** A plain-LoRA config of method lora or cola (the arity before {@code --lora-variant} and adalora). */
    public CopraConfig(String method, int steps, int batchSize, double lr, int rank, double alpha, double p0,
                       double stage1Ratio, int evalExamples, double tiesDensity, double taLambda,
                       List<String> pruneSuffixes, int shapleyPermutations, ShapleyPlayers shapleyPlayers,
                       SparseMerge.SignMethod majoritySign) {
        this(method, steps, batchSize, lr, rank, alpha, p0, stage1Ratio, evalExamples, tiesDensity, taLambda,
                pruneSuffixes, shapleyPermutations, shapleyPlayers, majoritySign, LoraVariant.LORA, null);
    }

    /** With method m, LoRA variant v and AdaLoRA settings a (null unless m is adalora). */
    public CopraConfig withMethod(String m, LoraVariant v, AdaLoraSettings a) {
        return new CopraConfig(m, steps, batchSize, lr, rank, alpha, p0, stage1Ratio, evalExamples, tiesDensity,
                taLambda, pruneSuffixes, shapleyPermutations, shapleyPlayers, majoritySign, v, a);
    }

    public CopraConfig withMethod(String m) {
        return new CopraConfig(m, steps, batchSize, lr, rank, alpha, p0, stage1Ratio, evalExamples, tiesDensity,
                taLambda, pruneSuffixes, shapleyPermutations, shapleyPlayers, majoritySign, loraVariant, adalora);
    }

    public CopraConfig withSteps(int s) {
        return new CopraConfig(method, s, batchSize, lr, rank, alpha, p0, stage1Ratio, evalExamples, tiesDensity,
                taLambda, pruneSuffixes, shapleyPermutations, shapleyPlayers, majoritySign, loraVariant, adalora);
    }

    public CopraConfig withEvalExamples(int n) {
        return new CopraConfig(method, steps, batchSize, lr, rank, alpha, p0, stage1Ratio, n, tiesDensity, taLambda,
                pruneSuffixes, shapleyPermutations, shapleyPlayers, majoritySign, loraVariant, adalora);
    }

    public CopraConfig withShapleyPlayers(ShapleyPlayers p) {
        return new CopraConfig(method, steps, batchSize, lr, rank, alpha, p0, stage1Ratio, evalExamples, tiesDensity,
                taLambda, pruneSuffixes, shapleyPermutations, p, majoritySign, loraVariant, adalora);
    }

    public CopraConfig withShapleyPermutations(int m) {
        return new CopraConfig(method, steps, batchSize, lr, rank, alpha, p0, stage1Ratio, evalExamples, tiesDensity,
                taLambda, pruneSuffixes, m, shapleyPlayers, majoritySign, loraVariant, adalora);
    }

    /** With PEFT's {@code density} k ∈ (0, 1] for TIES, magnitude pruning and DARE. */
    public CopraConfig withDensity(double k) {
        return new CopraConfig(method, steps, batchSize, lr, rank, alpha, p0, stage1Ratio, evalExamples, k,
                taLambda, pruneSuffixes, shapleyPermutations, shapleyPlayers, majoritySign, loraVariant, adalora);
    }

    /** With PEFT's {@code majority_sign_method} for DARE-TIES. */
    public CopraConfig withMajoritySign(SparseMerge.SignMethod m) {
        return new CopraConfig(method, steps, batchSize, lr, rank, alpha, p0, stage1Ratio, evalExamples, tiesDensity,
                taLambda, pruneSuffixes, shapleyPermutations, shapleyPlayers, m, loraVariant, adalora);
    }
}
