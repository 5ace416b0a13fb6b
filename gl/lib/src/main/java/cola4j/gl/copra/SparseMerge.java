package cola4j.gl.copra;

import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The sparsifying merges of PEFT's {@code utils/merge_utils.py} ({@code add_weighted_adapter} combination types
 * {@code magnitude_prune}, {@code ties}, {@code dare_linear}, {@code dare_ties}), with PEFT's parameter names
 * {@code density} and {@code majority_sign_method}. Per site, element-wise over the task deltas τ_t = ΔW_t:
 *
 * <pre>
 *   magnitude prune:  prune_k(τ)  keeps the ⌊k·n⌋ entries of largest |τ| (k = density; none when ⌊k·n⌋ = 0,
 *                                 as torch.topk with k = 0; ties in |τ| by the lower index), zero elsewhere
 *   DARE drop:        drop_k(τ)_i = τ_i / k with probability k, else 0   (Yu et al. 2024; k ≥ 1: τ unchanged)
 *   majority sign:    total:     γ = sign(Σ_t τ̂_t)      frequency: γ = sign(Σ_t sign(τ̂_t))   (+1 where ≥ 0)
 *   disjoint merge:  ΔW = Σ_t [sign(τ̂_t) = γ] w_t τ̂_t / max(1, Σ_t [sign(τ̂_t) = γ])  (0 never agrees)
 *
 *   magnitude_prune:  ΔW = Σ_t w_t prune_k(τ_t)
 *   ties:             τ̂_t = prune_k(τ_t), then the disjoint merge
 *   dare_linear:      ΔW = Σ_t w_t drop_k(τ_t)
 *   dare_ties:        τ̂_t = drop_k(τ_t), then the disjoint merge
 * </pre>
 *
 * As in PEFT the sign is elected on the unweighted τ̂_t and the weights w_t are applied after (so with weights ≠ 1
 * this {@link #ties} differs from {@link AuxiliaryMerge#ties}, which weights before trimming; with unit weights and
 * ⌊k·n⌋ ≥ 1 the two agree). DARE's randomness: one {@link Rng} per merge, one {@code nextDouble()} per entry,
 * tasks in order, then sites in map order, then entries in row-major order; entry kept iff u &lt; k. Same seed →
 * the same merge, bit for bit.
 */
public final class SparseMerge {
    private SparseMerge() {}

    /** PEFT's {@code majority_sign_method}. */
    public enum SignMethod { TOTAL, FREQUENCY;
        /** {@code total} or {@code frequency} (also the JSON form). */
        @com.fasterxml.jackson.annotation.JsonValue
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The method spelled {@code s}; IllegalArgumentException listing both otherwise. */
        public static SignMethod parse(String s) {
            for (SignMethod m : values()) if (m.id().equals(s)) return m;
            throw new IllegalArgumentException("majority sign method '" + s + "' is not one of total, frequency");
        }
    }

    /** prune_k: keeps the ⌊k·n⌋ largest |entries| (PEFT's {@code magnitude_based_pruning}); k ≥ 1: a copy. */
    public static double[] magnitude(double[] v, double density) {
        checkDensity(density);
        return density >= 1 ? v.clone() : AuxiliaryMerge.keepLargest(v, (int) (density * v.length));
    }

    /** drop_k: each entry kept with probability k and divided by k (PEFT's {@code random_pruning}, rescale). */
    public static double[] dare(double[] v, double density, Rng rng) {
        checkDensity(density);
        if (density >= 1) return v.clone();
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) out[i] = rng.nextDouble() < density ? v[i] / density : 0.0;
        return out;
    }

    /** Σ_t w_t prune_k(τ_t). */
    public static LinkedHashMap<String, Tensor> magnitudePrune(List<? extends Map<String, Tensor>> tasks,
                                                               double[] weights, double density) {
        return combine(tasks, weights, v -> magnitude(v, density), null);
    }

    /** PEFT's {@code ties}: magnitude pruning, sign election by {@code method}, disjoint merge. */
    public static LinkedHashMap<String, Tensor> ties(List<? extends Map<String, Tensor>> tasks, double[] weights,
                                                     double density, SignMethod method) {
        return combine(tasks, weights, v -> magnitude(v, density), method);
    }

    /** PEFT's {@code dare_linear}: Σ_t w_t drop_k(τ_t), masks drawn from {@code new Rng(seed)}. */
    public static LinkedHashMap<String, Tensor> dareLinear(List<? extends Map<String, Tensor>> tasks,
                                                           double[] weights, double density, long seed) {
        Rng rng = new Rng(seed);
        return combine(tasks, weights, v -> dare(v, density, rng), null);
    }

    /** PEFT's {@code dare_ties}: DARE drop, sign election by {@code method}, disjoint merge. */
    public static LinkedHashMap<String, Tensor> dareTies(List<? extends Map<String, Tensor>> tasks, double[] weights,
                                                         double density, SignMethod method, long seed) {
        Rng rng = new Rng(seed);
        return combine(tasks, weights, v -> dare(v, density, rng), method);
    }

    private interface Sparsify {
        double[] apply(double[] v);
    }

    /** Sparsifies every task's sites (tasks outer, sites inner), then sums (method null) or disjoint-merges. */
    private static LinkedHashMap<String, Tensor> combine(List<? extends Map<String, Tensor>> tasks, double[] weights,
                                                         Sparsify sparsify, SignMethod method) {
        AuxiliaryMerge.check(tasks, weights);
        int tn = tasks.size();
        List<String> sites = new ArrayList<>(tasks.get(0).keySet());
        double[][][] hat = new double[tn][sites.size()][];
        for (int t = 0; t < tn; t++) {
            for (int s = 0; s < sites.size(); s++) hat[t][s] = sparsify.apply(tasks.get(t).get(sites.get(s))
                    .toDoubleArray());
        }
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        for (int s = 0; s < sites.size(); s++) {
            Tensor like = tasks.get(0).get(sites.get(s));
            double[] merged = new double[like.numel()];
            for (int i = 0; i < merged.length; i++) {
                double elect = 0;
                if (method != null) {
                    for (int t = 0; t < tn; t++) {
                        elect += method == SignMethod.TOTAL ? hat[t][s][i] : Math.signum(hat[t][s][i]);
                    }
                }
                double gamma = elect >= 0 ? 1 : -1, acc = 0;
                int agree = 0;
                for (int t = 0; t < tn; t++) {
                    double w = weights == null ? 1.0 : weights[t], v = hat[t][s][i];
                    if (method == null) {
                        acc += w * v;
                    } else if (Math.signum(v) == gamma) {
                        acc += w * v;
                        agree++;
                    }
                }
                merged[i] = method == null ? acc : acc / Math.max(1, agree);
            }
            out.put(sites.get(s), Tensor.of(merged, like.shape()).to(like.dtype()));
        }
        return out;
    }

    private static void checkDensity(double density) {
        if (!(density >= 0) || !Double.isFinite(density)) {
            throw new IllegalArgumentException("merge: density must be finite and >= 0, got " + density);
        }
    }
}
