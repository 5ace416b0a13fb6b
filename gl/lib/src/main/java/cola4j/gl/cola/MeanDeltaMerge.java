package cola4j.gl.cola;

import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.models.site.Site;
import cola4j.tensor.Tensor;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Merges the mean of several users' delta weights into the base, W ← W + (1/K) Σ_u ΔW_u
 * (and b ← b + (1/K) Σ_u Δb_u), and undoes it bit-exactly from copies. K = 1 is one user's merge (no scaling).
 * The sum runs in the order of {@code byUser}, then is scaled once, so every caller that merges the same users gets
 * the same bits: the ColA server's merged passes ({@link ColaServer}) and the evaluation of the model the
 * merged-average mode serves.
 *
 * <p>Shapes: ΔW [out, in] and Δb [out] per site, as {@link AuxiliaryModel#deltaWeight()} /
 * {@link AuxiliaryModel#deltaBias()}.
 */
public final class MeanDeltaMerge {
    private MeanDeltaMerge() {}

    /**
     * Merges the users' mean ΔW into every site of {@code sites} whose name is in {@code active} (all when null);
     * returns the original weight and bias of each merged site for {@link #restore}. On an error nothing stays merged.
     *
     * @throws IllegalArgumentException naming the user and site when an auxiliary is not mergeable
     */
    public static Map<Site, Tensor[]> merge(Collection<Site> sites, Set<String> active,
                                            Map<Integer, ? extends Map<String, AuxiliaryModel>> byUser) {
        Map<Site, Tensor[]> saved = new LinkedHashMap<>();
        try {
            for (Site s : sites) {
                if (active != null && !active.contains(s.name())) continue;
                Tensor dw = null, db = null;
                for (Map.Entry<Integer, ? extends Map<String, AuxiliaryModel>> e : byUser.entrySet()) {
                    AuxiliaryModel a = e.getValue().get(s.name());
                    if (!a.mergeable()) {
                        throw new IllegalArgumentException("ColA merged mode: user " + e.getKey() + "'s " + a.kind()
                                + " auxiliary at " + s.name() + " is not mergeable (use unmerged)");
                    }
                    dw = dw == null ? a.deltaWeight() : dw.add(a.deltaWeight());
                    Tensor b = a.deltaBias();
                    if (b != null) db = db == null ? b : db.add(b);
                }
                if (dw == null) continue;
                if (byUser.size() > 1) {
                    dw = dw.mul(1.0 / byUser.size());
                    if (db != null) db = db.mul(1.0 / byUser.size());
                }
                saved.put(s, new Tensor[] {s.weight().copy(), s.bias() == null ? null : s.bias().copy()});
                s.addDelta(dw, db);
            }
        } catch (RuntimeException e) {
            restore(saved);
            throw e;
        }
        return saved;
    }

    /** Puts back the weights {@link #merge} saved (bit-exact: copies, not a subtraction). */
    public static void restore(Map<Site, Tensor[]> saved) {
        saved.forEach((s, wb) -> {
            s.weight().copyFrom(wb[0]);
            if (wb[1] != null) s.bias().copyFrom(wb[1]);
        });
    }
}
