package cola4j.gl.baselines;

import cola4j.autograd.Var;
import cola4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * AdaLoRA's rank allocation, as PEFT's {@code RankAllocator} and {@code AdaLoraModel.update_and_allocate}
 * ({@code src/peft/tuners/adalora/layer.py, model.py}), called after each optimizer step t = 0, 1, … T−1 with the
 * step's gradients still in place. For every entry w of A, E, B:
 * <pre>
 *   I = |w · ∂L/∂w|                           sensitivity (w after the update, the gradient of the step)
 *   Ī ← β₁ Ī + (1 − β₁) I                     smoothed sensitivity
 *   Ū ← β₂ Ū + (1 − β₂) |I − Ī|              uncertainty (with the new Ī)
 *   S = Ī · Ū                                 element score
 *   score(site, i) = S(E_i) + mean_j S(A_ij) + mean_k S(B_ki)       triplet i of a site
 * </pre>
 * Budget b(t) (triplets kept over all n sites; b₀ = n·init_r, b_T = n·target_r), {@link #budget}:
 * <pre>
 *   t ≤ tinit:                 b = b₀, no mask
 *   t &gt; T − tfinal:            b = b_T, mask
 *   otherwise:   b = ⌊(b₀ − b_T)(1 − (t − tinit)/(T − tfinal − tinit))³ + b_T⌋, mask iff t mod ΔT = 0
 * </pre>
 * Update: t &lt; T − tfinal: update the EMAs, and on a mask step keep the b highest-scoring triplets and set E of
 * the others to 0; t = T − tfinal: mask to b_T with the current EMAs (the final rank pattern), then clear the EMAs;
 * t &gt; T − tfinal: apply the final pattern again. Masked triplets keep training (and may come back at the next
 * mask) until the final pattern. Exactly b triplets are kept: they are ranked by score, ties broken by site order
 * then index (the lower one dropped first); PEFT drops every score ≤ the k-th smallest, the same set unless scores
 * tie at that threshold, and fails when b = b₀ on a mask step, where this keeps all. Tests: RankAllocatorTest.
 */
public final class RankAllocator {
    /** One budget decision: triplets to keep and whether this step masks. */
    public record Budget(int budget, boolean mask) {}

    private static final String[] PARAMS = {"lora_A", "lora_E", "lora_B"};
    private final AdaLoraConfig cfg;
    private final LinkedHashMap<String, AdaLoraAdapter> adapters;
    private final int initBudget, targetBudget;
    /** "site.lora_X" → Ī and Ū (absent before the first update and after the final pattern). */
    private final LinkedHashMap<String, double[]> expIpt = new LinkedHashMap<>(), expUnc = new LinkedHashMap<>();
    /** site → kept triplets; null before the first mask. */
    private LinkedHashMap<String, boolean[]> pattern;

    /** Allocates over {@code adapters} (site → adapter, each of rank cfg.initR()). */
    public RankAllocator(AdaLoraConfig cfg, Map<String, AdaLoraAdapter> adapters) {
        if (adapters.isEmpty()) throw new IllegalArgumentException("adalora: no adapted sites");
        adapters.forEach((s, a) -> {
            if (a.rank() != cfg.initR()) {
                throw new IllegalArgumentException("adalora: site " + s + " has rank " + a.rank() + ", init_r is "
                        + cfg.initR());
            }
        });
        this.cfg = cfg;
        this.adapters = new LinkedHashMap<>(adapters);
        this.initBudget = cfg.initR() * adapters.size();
        this.targetBudget = cfg.targetR() * adapters.size();
    }

    /** b(t) and whether step t masks (PEFT's {@code budget_schedule}). */
    public Budget budget(int step) {
        int tinit = cfg.tinit(), tfinal = cfg.tfinal(), total = cfg.totalStep();
        if (step <= tinit) return new Budget(initBudget, false);
        if (step > total - tfinal) return new Budget(targetBudget, true);
        double mul = 1 - (double) (step - tinit) / (total - tfinal - tinit);
        int b = (int) ((initBudget - targetBudget) * Math.pow(mul, 3) + targetBudget);   // Python: mul_coeff**3
        return new Budget(b, step % cfg.deltaT() == 0);
    }

    /** The step after optimizer step {@code step} (0-based): see the class comment. Returns the budget applied. */
    public Budget updateAndAllocate(int step) {
        return updateAndAllocate(step, null);
    }

    /**
     * As {@link #updateAndAllocate(int)}, with only the sites in {@code active} (null: all) updating their EMAs: a site
     * switched off for the step (CopRA's progressive activation, {@code AdaLoraTrainer.step(..., activeSites)}) has no
     * gradient, and its Ī, Ū are kept as they were rather than decayed towards a zero sensitivity. Masking is global
     * as always: the budget ranks every site's triplets, by the scores they have.
     */
    public Budget updateAndAllocate(int step, Set<String> active) {
        int last = cfg.totalStep() - cfg.tfinal();
        if (step < last) {
            updateScores(active);
            Budget b = budget(step);
            if (b.mask()) maskToBudget(b.budget());
            return b;
        }
        if (step == last) {
            Budget b = budget(step);
            maskToBudget(b.budget());
            expIpt.clear();
            expUnc.clear();
            return new Budget(b.budget(), true);
        }
        if (pattern == null) throw new IllegalStateException("adalora: step " + step + " after the final allocation"
                + " at " + last + ", but no rank pattern was made");
        pattern.forEach((s, keep) -> adapters.get(s).maskTriplets(keep));
        return new Budget(targetBudget, true);
    }

    /** Updates Ī and Ū of every entry from the parameters and their gradients (a null gradient counts as 0). */
    void updateScores() {
        updateScores(null);
    }

    /** {@link #updateScores()} for the sites in {@code active} only (null: every site). */
    private void updateScores(Set<String> active) {
        adapters.forEach((s, a) -> {
            if (active != null && !active.contains(s)) return;
            a.namedParameters().forEach((n, p) -> {
                String key = s + "." + n;
                double[] w = p.value().toDoubleArray();
                double[] g = p.grad() == null ? new double[w.length] : p.grad().toDoubleArray();
                double[] ipt = expIpt.computeIfAbsent(key, k -> new double[w.length]);
                double[] unc = expUnc.computeIfAbsent(key, k -> new double[w.length]);
                for (int i = 0; i < w.length; i++) {
                    double cur = Math.abs(w[i] * g[i]);
                    ipt[i] = cfg.beta1() * ipt[i] + (1 - cfg.beta1()) * cur;
                    unc[i] = cfg.beta2() * unc[i] + (1 - cfg.beta2()) * Math.abs(cur - ipt[i]);
                }
            });
        });
    }

    /** score(site, i) for every site, in site order (zeros where no EMA exists yet). */
    public LinkedHashMap<String, double[]> tripletScores() {
        int r = cfg.initR();
        LinkedHashMap<String, double[]> m = new LinkedHashMap<>();
        adapters.forEach((s, a) -> {
            double[] sc = new double[r];
            double[] sa = score(s + ".lora_A"), se = score(s + ".lora_E"), sb = score(s + ".lora_B");
            int in = a.inFeatures(), out = a.outFeatures();
            for (int i = 0; i < r; i++) {
                double ma = 0, mb = 0;
                if (sa != null) for (int j = 0; j < in; j++) ma += sa[i * in + j];
                if (sb != null) for (int k = 0; k < out; k++) mb += sb[k * r + i];
                sc[i] = (se == null ? 0 : se[i]) + ma / in + mb / out;
            }
            m.put(s, sc);
        });
        return m;
    }

    private double[] score(String key) {
        double[] i = expIpt.get(key), u = expUnc.get(key);
        if (i == null) return null;
        double[] s = new double[i.length];
        for (int k = 0; k < s.length; k++) s[k] = i[k] * u[k];
        return s;
    }

    /** Keeps the {@code budget} highest-scoring triplets (ties: site order, then index) and zeroes E of the rest. */
    void maskToBudget(int budget) {
        record Triplet(int site, int index, double score) {}
        List<String> names = new ArrayList<>(adapters.keySet());
        List<Triplet> all = new ArrayList<>();
        LinkedHashMap<String, double[]> scores = tripletScores();
        for (int s = 0; s < names.size(); s++) {
            double[] sc = scores.get(names.get(s));
            for (int i = 0; i < sc.length; i++) all.add(new Triplet(s, i, sc[i]));
        }
        all.sort(Comparator.comparingDouble(Triplet::score).thenComparingInt(Triplet::site)
                .thenComparingInt(Triplet::index));
        LinkedHashMap<String, boolean[]> keep = new LinkedHashMap<>();
        for (String n : names) {
            boolean[] k = new boolean[cfg.initR()];
            Arrays.fill(k, true);
            keep.put(n, k);
        }
        for (int d = 0; d < Math.max(0, initBudget - budget); d++) {
            Triplet t = all.get(d);
            keep.get(names.get(t.site()))[t.index()] = false;
        }
        pattern = keep;
        pattern.forEach((s, k) -> adapters.get(s).maskTriplets(k));
    }

    /** The current rank of each site: kept triplets of the last mask, init_r before any mask. */
    public LinkedHashMap<String, Integer> ranks() {
        LinkedHashMap<String, Integer> m = new LinkedHashMap<>();
        adapters.forEach((s, a) -> {
            int n = cfg.initR();
            if (pattern != null) {
                n = 0;
                for (boolean k : pattern.get(s)) if (k) n++;
            }
            m.put(s, n);
        });
        return m;
    }

    /** The last rank pattern (site → kept triplets), or null before the first mask. A copy. */
    public LinkedHashMap<String, boolean[]> pattern() {
        if (pattern == null) return null;
        LinkedHashMap<String, boolean[]> m = new LinkedHashMap<>();
        pattern.forEach((s, k) -> m.put(s, k.clone()));
        return m;
    }

    public AdaLoraConfig config() {
        return cfg;
    }

    /** The sites' adapters, in site order. */
    public LinkedHashMap<String, AdaLoraAdapter> adapters() {
        return adapters;
    }

    /** Budgets b₀ = n·init_r and b_T = n·target_r. */
    public int initialBudget() {
        return initBudget;
    }

    public int targetBudget() {
        return targetBudget;
    }

    static String[] params() {
        return PARAMS.clone();
    }

    /** Package access for {@link RankAllocatorState}. */
    LinkedHashMap<String, double[]> expIpt() {
        return expIpt;
    }

    LinkedHashMap<String, double[]> expUnc() {
        return expUnc;
    }

    void setPattern(LinkedHashMap<String, boolean[]> p) {
        pattern = p;
    }
}
