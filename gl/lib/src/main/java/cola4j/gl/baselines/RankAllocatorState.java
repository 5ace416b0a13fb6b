package cola4j.gl.baselines;

import cola4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link RankAllocator}'s state as named float64 tensors, for bit-exact checkpoints:
 * <pre>
 *   &lt;site&gt;.&lt;param&gt;.exp_avg_ipt   Ī, the parameter's shape   param: lora_A, lora_E or lora_B
 *   &lt;site&gt;.&lt;param&gt;.exp_avg_unc   Ū                          (both absent before the first update and
 *                                                                 after the final pattern)
 *   &lt;site&gt;.rank_pattern                         [init_r], 1 = kept, 0 = masked (absent before the first mask)
 * </pre>
 * Either every EMA tensor is present or none, and likewise every pattern. The parameters themselves (and E's zeros)
 * are in the adapter weights. Tests: RankAllocatorTest.
 */
public final class RankAllocatorState {
    private RankAllocatorState() {}

    /** The state of {@code a} (fresh tensors). */
    public static LinkedHashMap<String, Tensor> stateDict(RankAllocator a) {
        LinkedHashMap<String, Tensor> m = new LinkedHashMap<>();
        a.adapters().forEach((s, ad) -> ad.namedParameters().forEach((n, p) -> {
            double[] i = a.expIpt().get(s + "." + n), u = a.expUnc().get(s + "." + n);
            if (i != null) {
                m.put(s + "." + n + ".exp_avg_ipt", Tensor.of(i.clone(), p.value().shape()));
                m.put(s + "." + n + ".exp_avg_unc", Tensor.of(u.clone(), p.value().shape()));
            }
        }));
        LinkedHashMap<String, boolean[]> pat = a.pattern();
        if (pat != null) {
            pat.forEach((s, k) -> {
                double[] v = new double[k.length];
                for (int i = 0; i < k.length; i++) v[i] = k[i] ? 1 : 0;
                m.put(s + ".rank_pattern", Tensor.of(v, k.length));
            });
        }
        return m;
    }

    /**
     * Restores a state written by {@link #stateDict} into an allocator over the same sites and ranks.
     *
     * @throws IllegalArgumentException listing unknown, missing, misshapen, negative or non-finite entries and
     *                                  patterns not all 0/1 (nothing is changed then)
     */
    public static void load(RankAllocator a, Map<String, Tensor> state) {
        List<String> problems = new ArrayList<>();
        LinkedHashMap<String, double[]> ipt = new LinkedHashMap<>(), unc = new LinkedHashMap<>();
        LinkedHashMap<String, boolean[]> pat = new LinkedHashMap<>();
        LinkedHashMap<String, int[]> expected = new LinkedHashMap<>();
        a.adapters().forEach((s, ad) -> {
            ad.namedParameters().forEach((n, p) -> {
                expected.put(s + "." + n + ".exp_avg_ipt", p.value().shape());
                expected.put(s + "." + n + ".exp_avg_unc", p.value().shape());
            });
            expected.put(s + ".rank_pattern", new int[] {ad.rank()});
        });
        for (String k : state.keySet()) if (!expected.containsKey(k)) problems.add("unexpected " + k);
        expected.forEach((k, shape) -> {
            Tensor t = state.get(k);
            if (t == null) return;
            if (!java.util.Arrays.equals(t.shape(), shape)) {
                problems.add(k + " has shape " + java.util.Arrays.toString(t.shape()) + ", expected "
                        + java.util.Arrays.toString(shape));
                return;
            }
            double[] v = t.toDoubleArray();
            boolean isPattern = k.endsWith(".rank_pattern");
            for (double x : v) {
                if (!Double.isFinite(x) || x < 0 || (isPattern && x != 0 && x != 1)) {
                    problems.add(k + " holds " + x + (isPattern ? " (a pattern is 0/1)" : " (must be finite, >= 0)"));
                    return;
                }
            }
            String key = k.substring(0, k.lastIndexOf('.'));
            if (isPattern) {
                boolean[] keep = new boolean[v.length];
                for (int i = 0; i < v.length; i++) keep[i] = v[i] == 1;
                pat.put(key, keep);
            } else if (k.endsWith(".exp_avg_ipt")) {
                ipt.put(key, v);
            } else {
                unc.put(key, v);
            }
        });
        int params = a.adapters().size() * RankAllocator.params().length;
        if (!((ipt.isEmpty() && unc.isEmpty()) || (ipt.size() == params && unc.size() == params))) {
            problems.add("the EMA tensors must be all present or all absent (" + ipt.size() + " + " + unc.size()
                    + " of " + params + " + " + params + ")");
        }
        if (!pat.isEmpty() && pat.size() != a.adapters().size()) {
            problems.add("rank patterns for " + pat.size() + " of " + a.adapters().size() + " sites");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("adalora allocator state: " + String.join("; ", problems));
        }
        a.expIpt().clear();
        a.expUnc().clear();
        a.expIpt().putAll(ipt);
        a.expUnc().putAll(unc);
        a.setPattern(pat.isEmpty() ? null : pat);
    }
}
