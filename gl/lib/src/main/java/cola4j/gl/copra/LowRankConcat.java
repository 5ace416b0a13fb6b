package cola4j.gl.copra;

import cola4j.gl.auxiliary.LowRankAux;
import cola4j.gl.auxiliary.LowRankConfig;
import cola4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Merging low-rank adapters by concatenation: per site, T adapters ΔW_t = s_t B_t A_t (A_t [r_t, in],
 * B_t [out, r_t], s_t = α_t / r_t) become one adapter of rank R = Σ r_t with scale 1:
 *
 * <pre>
 *   A = [A_1; A_2; …; A_T]                   [R, in]   (rows stacked)
 *   B = [w_1 s_1 B_1, …, w_T s_T B_T]          [out, R]  (columns concatenated; scales and weights folded in)
 *   ΔW = B A = Σ_t w_t s_t B_t A_t            exactly the weighted sum of the deltas (up to rounding)
 * </pre>
 *
 * The result is a {@link LowRankAux} with α = R (so α / R = 1); it can keep training as one adapter.
 */
public final class LowRankConcat {
    private LowRankConcat() {}

    /**
     * @param tasks   per task, site → its low-rank adapter (same sites, same in/out)
     * @param weights per-task weights w_t (null: all 1, i.e. the plain sum of the deltas)
     */
    public static LinkedHashMap<String, LowRankAux> concat(List<? extends Map<String, LowRankAux>> tasks,
                                                           double[] weights) {
        if (tasks.isEmpty()) throw new IllegalArgumentException("low-rank concat: no task adapters");
        if (weights != null && weights.length != tasks.size()) {
            throw new IllegalArgumentException("low-rank concat: " + weights.length + " weights for " + tasks.size()
                    + " tasks");
        }
        LinkedHashMap<String, LowRankAux> out = new LinkedHashMap<>();
        for (String site : tasks.get(0).keySet()) {
            Tensor[] as = new Tensor[tasks.size()], bs = new Tensor[tasks.size()];
            int rank = 0;
            LowRankAux first = tasks.get(0).get(site);
            for (int t = 0; t < tasks.size(); t++) {
                LowRankAux a = tasks.get(t).get(site);
                if (a == null) {
                    throw new IllegalArgumentException("low-rank concat: task " + t + " has no adapter at site "
                            + site);
                }
                if (a.inFeatures() != first.inFeatures() || a.outFeatures() != first.outFeatures()) {
                    throw new IllegalArgumentException("low-rank concat: site " + site + " is " + a.outFeatures() + "x"
                            + a.inFeatures() + " in task " + t + " but " + first.outFeatures() + "x"
                            + first.inFeatures() + " in task 0");
                }
                double w = weights == null ? 1.0 : weights[t];
                as[t] = a.namedParameters().get("lora_A.weight").value();                               // [r_t, in]
                bs[t] = a.namedParameters().get("lora_B.weight").value().mul(w * a.scale());   // [out, r_t]
                rank += a.config().rank();
            }
            LowRankAux merged = new LowRankAux(first.inFeatures(), first.outFeatures(),
                    new LowRankConfig(rank, rank, first.dtype(), 0));
            merged.namedParameters().get("lora_A.weight").setValue(Tensor.concat(0, as));   // [R, in]
            merged.namedParameters().get("lora_B.weight").setValue(Tensor.concat(1, bs));   // [out, R]
            out.put(site, merged);
        }
        return out;
    }

    /** The merged adapters' deltas ΔW = B A per site. */
    public static LinkedHashMap<String, Tensor> deltas(Map<String, LowRankAux> auxiliaries) {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        auxiliaries.forEach((s, a) -> out.put(s, a.deltaWeight()));
        return out;
    }
}
