package cola4j.gl.copra;

import cola4j.tensor.Tensor;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Merging T task adapters trained from one base into one set of weight deltas. A task's adapter is given by its
 * deltas τ_t = {site → ΔW_t} ({@link cola4j.gl.auxiliary.AuxiliaryModel#deltaWeight()}); every task must cover the
 * same sites with the same shapes. Per site, element-wise:
 *
 * <pre>
 *   linear:          ΔW = Σ_t w_t ΔW_t / Σ_t w_t               (weighted average)
 *   task arithmetic: ΔW = λ Σ_t ΔW_t                           (Ilharco et al. 2023)
 *   TIES:            τ̂_t = trim_k(w_t ΔW_t)                    keep the top-k fraction by |·| per task and site
 *                    γ   = sign(Σ_t τ̂_t)  (+1 where the sum is ≥ 0)  elected sign
 *                    A   = {t : sign(τ̂_t) = γ}                  agreeing tasks (trimmed zeros never agree)
 *                    ΔW  = λ · Σ_{t∈A} τ̂_t / max(1, |A|)        disjoint mean (Yadav et al. 2023; PEFT's ties)
 * </pre>
 *
 * Concatenation of low-rank adapters is {@link LowRankConcat}; PEFT's sparsifying merges (magnitude pruning, DARE
 * with linear and TIES combination, TIES with a majority-sign method) are {@link SparseMerge}.
 */
public final class AuxiliaryMerge {
    private AuxiliaryMerge() {}

    /** The merge types, as in results tables. */
    public enum Kind { LINEAR, TASK_ARITHMETIC, TIES, CONCAT, MAGNITUDE_PRUNE, DARE_LINEAR, DARE_TIES;
        /**
         * The lower-case name used in tables and as the JSON form (value and map key), e.g.
         * {@code task_arithmetic}.
         */
        @JsonValue
        public String id() {
            return name().toLowerCase();
        }
    }

    /** Weighted average Σ w_t ΔW_t / Σ w_t; weights must be ≥ 0 with a positive sum. */
    public static LinkedHashMap<String, Tensor> linear(List<? extends Map<String, Tensor>> tasks, double[] weights) {
        check(tasks, weights);
        double total = Arrays.stream(weights).sum();
        if (!(total > 0) || Arrays.stream(weights).anyMatch(w -> w < 0)) {
            throw new IllegalArgumentException("linear merge: weights must be >= 0 with a positive sum, got "
                    + Arrays.toString(weights));
        }
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        for (String site : tasks.get(0).keySet()) {
            Tensor acc = Tensor.zerosLike(tasks.get(0).get(site));
            for (int t = 0; t < tasks.size(); t++) acc.addInPlace(tasks.get(t).get(site), weights[t] / total);
            out.put(site, acc);
        }
        return out;
    }

    /** Uniform average (1/T) Σ ΔW_t. */
    public static LinkedHashMap<String, Tensor> linear(List<? extends Map<String, Tensor>> tasks) {
        double[] w = new double[tasks.size()];
        Arrays.fill(w, 1.0);
        return linear(tasks, w);
    }

    /** Task arithmetic λ Σ ΔW_t. */
    public static LinkedHashMap<String, Tensor> taskArithmetic(List<? extends Map<String, Tensor>> tasks,
                                                               double lambda) {
        check(tasks, null);
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        for (String site : tasks.get(0).keySet()) {
            Tensor acc = Tensor.zerosLike(tasks.get(0).get(site));
            for (Map<String, Tensor> t : tasks) acc.addInPlace(t.get(site), lambda);
            out.put(site, acc);
        }
        return out;
    }

    /**
     * TIES merging.
     *
     * @param density fraction k ∈ (0, 1] of the entries kept per task and site (⌊k·n⌋, at least 1), by magnitude
     * @param weights per-task weights w_t applied before trimming (null: all 1)
     * @param lambda  final scaling λ
     */
    public static LinkedHashMap<String, Tensor> ties(List<? extends Map<String, Tensor>> tasks, double density,
                                                     double[] weights, double lambda) {
        check(tasks, weights);
        if (!(density > 0 && density <= 1)) {
            throw new IllegalArgumentException("TIES merge: density must be in (0, 1], got " + density);
        }
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        for (String site : tasks.get(0).keySet()) {
            Tensor like = tasks.get(0).get(site);
            int n = like.numel(), tn = tasks.size();
            double[][] trimmed = new double[tn][];
            for (int t = 0; t < tn; t++) {
                double w = weights == null ? 1.0 : weights[t];
                trimmed[t] = trim(tasks.get(t).get(site).mul(w).toDoubleArray(), density);
            }
            double[] merged = new double[n];
            for (int i = 0; i < n; i++) {
                double sum = 0;
                for (int t = 0; t < tn; t++) sum += trimmed[t][i];
                double elected = sum >= 0 ? 1 : -1;                      // γ_i
                double acc = 0;
                int agree = 0;
                for (int t = 0; t < tn; t++) {
                    if (Math.signum(trimmed[t][i]) == elected) {
                        acc += trimmed[t][i];
                        agree++;
                    }
                }
                merged[i] = lambda * acc / Math.max(1, agree);
            }
            Tensor m = Tensor.of(merged, like.shape());
            out.put(site, m.to(like.dtype()));
        }
        return out;
    }

    /**
     * Keeps the ⌊k·n⌋ (at least 1) entries of largest magnitude and zeroes the rest; ties in magnitude are broken
     * by the lower index (deterministic).
     */
    public static double[] trim(double[] v, double density) {
        return keepLargest(v, Math.max(1, (int) Math.floor(density * v.length)));
    }

    /**
     * The {@code keep} entries of largest |v| kept, the rest zeroed (ties: the lower index first); a copy of v when
     * keep ≥ n. Shared by {@link #trim} (TIES) and {@link SparseMerge#magnitude} (magnitude pruning).
     */
    static double[] keepLargest(double[] v, int keep) {
        if (keep >= v.length) return v.clone();
        List<Integer> idx = new ArrayList<>(v.length);
        for (int i = 0; i < v.length; i++) idx.add(i);
        idx.sort(Comparator.<Integer>comparingDouble(i -> -Math.abs(v[i])).thenComparingInt(i -> i));
        double[] out = new double[v.length];
        for (int j = 0; j < keep; j++) out[idx.get(j)] = v[idx.get(j)];
        return out;
    }

    static void check(List<? extends Map<String, Tensor>> tasks, double[] weights) {
        if (tasks.isEmpty()) throw new IllegalArgumentException("merge: no task adapters");
        if (weights != null && weights.length != tasks.size()) {
            throw new IllegalArgumentException("merge: " + weights.length + " weights for " + tasks.size() + " tasks");
        }
        Map<String, Tensor> first = tasks.get(0);
        for (int t = 1; t < tasks.size(); t++) {
            Map<String, Tensor> m = tasks.get(t);
            if (!m.keySet().equals(first.keySet())) {
                throw new IllegalArgumentException("merge: task " + t + " adapts " + m.keySet() + ", task 0 adapts "
                        + first.keySet());
            }
            for (String s : first.keySet()) {
                if (!Arrays.equals(m.get(s).shape(), first.get(s).shape())) {
                    throw new IllegalArgumentException("merge: site " + s + " is " + Arrays.toString(m.get(s).shape())
                            + " in task " + t + " but " + Arrays.toString(first.get(s).shape()) + " in task 0");
                }
            }
        }
    }
}
