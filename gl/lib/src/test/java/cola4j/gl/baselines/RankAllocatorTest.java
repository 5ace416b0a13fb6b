package cola4j.gl.baselines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cola4j.autograd.Var;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link RankAllocator} and {@link RankAllocatorState}: the budget schedule against numbers printed by PEFT's
 * {@code budget_schedule} formula (run in Python), the EMA update against its formula, the mask keeping exactly the
 * budget's highest triplet scores (ties by site order then index), the phases around T − tfinal, and the state
 * round trip.
 */
class RankAllocatorTest {
    static final DType F64 = DType.FLOAT64;

    static LinkedHashMap<String, AdaLoraAdapter> adapters(int n, int r, long seed) {
        LinkedHashMap<String, AdaLoraAdapter> m = new LinkedHashMap<>();
        Rng rng = new Rng(seed);
        for (int i = 0; i < n; i++) {
            int in = 3 + i, out = 2 + i;
            m.put("site" + i, new AdaLoraAdapter(in, out, r, 4, rng.normal(F64, 0, 1, r, in),
                    rng.normal(F64, 0, 1, r, 1), rng.normal(F64, 0, 1, out, r)));
        }
        return m;
    }

    /** PEFT's budget_schedule(step) printed by Python for steps 0..20 (b₀ = 36, b_T = 24, tinit 2, tfinal 3). */
    @Test
    void budgetScheduleIsPefts() {
        RankAllocator a = new RankAllocator(new AdaLoraConfig(12, 8, 2, 3, 4, 0.85, 0.85, 0.5, 20),
                adapters(3, 12, 1));
        int[] budget = {36, 36, 36, 33, 31, 30, 28, 27, 26, 25, 25, 24, 24, 24, 24, 24, 24, 24, 24, 24, 24};
        boolean[] mask = {false, false, false, false, true, false, false, false, true, false, false, false, true,
            false, false, false, true, false, true, true, true};
        for (int t = 0; t <= 20; t++) assertThat(a.budget(t)).as("step " + t).isEqualTo(
                new RankAllocator.Budget(budget[t], mask[t]));
        // PEFT defaults over 100 steps, 10 sites (b₀ = 120, b_T = 80): every step's budget
        RankAllocator d = new RankAllocator(AdaLoraConfig.defaults(100), adapters(10, 12, 2));
        int[] python = {120, 118, 117, 116, 115, 114, 113, 112, 111, 110, 109, 108, 107, 106, 105, 104, 103, 102, 102,
            101, 100, 99, 98, 98, 97, 96, 96, 95, 94, 94, 93, 93, 92, 92, 91, 90, 90, 90, 89, 89, 88, 88, 87, 87, 87,
            86, 86, 85, 85, 85, 85, 84, 84, 84, 83, 83, 83, 83, 82, 82, 82, 82, 82, 82, 81, 81, 81, 81, 81, 81, 81,
            80, 80, 80, 80, 80, 80, 80, 80, 80, 80, 80, 80, 80, 80, 80, 80, 80, 80, 80, 80, 80, 80, 80, 80, 80, 80,
            80, 80, 80};
        for (int t = 0; t < 100; t++) {
            assertThat(d.budget(t)).as("step " + t).isEqualTo(new RankAllocator.Budget(python[t], t > 0));
        }
    }

    @Test
    void scoresFollowTheEmaFormula() {
        LinkedHashMap<String, AdaLoraAdapter> ads = adapters(1, 2, 3);
        AdaLoraConfig cfg = new AdaLoraConfig(2, 1, 0, 0, 1, 0.7, 0.6, 0.5, 10);
        RankAllocator a = new RankAllocator(cfg, ads);
        Rng g = new Rng(4);
        Map<String, double[]> ipt = new LinkedHashMap<>(), unc = new LinkedHashMap<>();
        for (int round = 0; round < 2; round++) {
            for (var e : ads.get("site0").namedParameters().entrySet()) {
                Var p = e.getValue();
                p.setGrad(g.normal(F64, 0, 1, p.shape()));
                double[] w = p.value().toDoubleArray(), gr = p.grad().toDoubleArray();
                double[] i = ipt.computeIfAbsent(e.getKey(), k -> new double[w.length]);
                double[] u = unc.computeIfAbsent(e.getKey(), k -> new double[w.length]);
                for (int k = 0; k < w.length; k++) {
                    double cur = Math.abs(w[k] * gr[k]);
                    i[k] = 0.7 * i[k] + (1 - 0.7) * cur;
                    u[k] = 0.6 * u[k] + (1 - 0.6) * Math.abs(cur - i[k]);
                }
            }
            a.updateScores();
        }
        LinkedHashMap<String, Tensor> st = RankAllocatorState.stateDict(a);
        for (String p : List.of("lora_A", "lora_E", "lora_B")) {
            assertThat(st.get("site0." + p + ".exp_avg_ipt").toDoubleArray()).containsExactly(ipt.get(p));
            assertThat(st.get("site0." + p + ".exp_avg_unc").toDoubleArray()).containsExactly(unc.get(p));
        }
        // triplet score = S(E_i) + mean_j S(A_ij) + mean_k S(B_ki), S = Ī Ū
        double[] sc = a.tripletScores().get("site0");
        for (int i = 0; i < 2; i++) {
            double sa = 0, sb = 0;
            for (int j = 0; j < 3; j++) sa += ipt.get("lora_A")[i * 3 + j] * unc.get("lora_A")[i * 3 + j];
            for (int k = 0; k < 2; k++) sb += ipt.get("lora_B")[k * 2 + i] * unc.get("lora_B")[k * 2 + i];
            double want = ipt.get("lora_E")[i] * unc.get("lora_E")[i] + sa / 3 + sb / 2;
            assertThat(Math.abs(sc[i] - want)).isLessThanOrEqualTo(1e-15 * want);
        }
    }

    @Test
    void maskKeepsExactlyTheBudgetsHighestScores() {
        LinkedHashMap<String, AdaLoraAdapter> ads = adapters(3, 4, 5);
        RankAllocator a = new RankAllocator(new AdaLoraConfig(4, 2, 0, 0, 1, 0.85, 0.85, 0.5, 10), ads);
        Rng g = new Rng(6);
        ads.values().forEach(ad -> ad.namedParameters().values().forEach(p -> p.setGrad(g.normal(F64, 0, 1,
                p.shape()))));
        a.updateScores();
        record T(String site, int i, double s) {}
        List<T> all = new ArrayList<>();
        a.tripletScores().forEach((s, v) -> {
            for (int i = 0; i < v.length; i++) all.add(new T(s, i, v[i]));
        });
        all.sort(Comparator.comparingDouble(T::s).reversed());
        for (int budget : new int[] {12, 11, 7, 6, 1}) {
            a.maskToBudget(budget);
            List<String> kept = new ArrayList<>();
            a.pattern().forEach((s, k) -> {
                for (int i = 0; i < k.length; i++) if (k[i]) kept.add(s + "/" + i);
            });
            assertThat(kept).as("budget " + budget).containsExactlyInAnyOrderElementsOf(
                    all.subList(0, budget).stream().map(t -> t.site() + "/" + t.i()).toList());
            assertThat(a.ranks().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(budget);
            a.pattern().forEach((s, k) -> {
                Tensor e = ads.get(s).namedParameters().get("lora_E").value();
                for (int i = 0; i < k.length; i++) if (!k[i]) assertThat(e.getFlat(i)).isZero();
            });
        }
    }

    @Test
    void tiesAreBrokenBySiteOrderThenIndex() {
        LinkedHashMap<String, AdaLoraAdapter> ads = adapters(2, 3, 7);
        RankAllocator a = new RankAllocator(new AdaLoraConfig(3, 1, 0, 0, 1, 0.85, 0.85, 0.5, 10), ads);
        a.maskToBudget(2);      // no EMA yet: every score is 0, so the first four triplets in order are dropped
        assertThat(a.pattern().get("site0")).containsExactly(false, false, false);
        assertThat(a.pattern().get("site1")).containsExactly(false, true, true);
        assertThat(a.ranks()).containsExactly(Map.entry("site0", 0), Map.entry("site1", 2));
    }

    @Test
    void finalPatternIsMadeAtTMinusTfinalAndThenHeld() {
        LinkedHashMap<String, AdaLoraAdapter> ads = adapters(2, 3, 8);
        RankAllocator a = new RankAllocator(new AdaLoraConfig(3, 1, 1, 2, 1, 0.85, 0.85, 0.5, 6), ads);
        assertThat(a.ranks().values()).containsOnly(3);
        Rng g = new Rng(9);
        for (int t = 0; t < 6; t++) {
            ads.values().forEach(ad -> ad.namedParameters().values().forEach(p -> p.setGrad(g.normal(F64, 0, 1,
                    p.shape()))));
            if (t == 5) ads.values().forEach(ad -> ad.namedParameters().get("lora_E").setValue(Tensor.ones(F64, 3, 1)));
            RankAllocator.Budget b = a.updateAndAllocate(t);
            if (t <= 1) assertThat(a.pattern()).as("no mask in warm-up").isNull();
            // ⌊(6−2)(1 − 1/3)³ + 2⌋ = ⌊3.19⌋
            if (t == 2) assertThat(b).isEqualTo(new RankAllocator.Budget(3, true));
            if (t >= 4) assertThat(a.ranks().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(2);
            if (t == 4) assertThat(RankAllocatorState.stateDict(a).keySet()).allMatch(k -> k.endsWith("rank_pattern"));
        }
        // step 5 re-applied the final pattern over E's reset to ones
        a.pattern().forEach((s, k) -> {
            Tensor e = ads.get(s).namedParameters().get("lora_E").value();
            for (int i = 0; i < 3; i++) assertThat(e.getFlat(i)).isEqualTo(k[i] ? 1.0 : 0.0);
        });
    }

    @Test
    void stateRoundTripsAndBadStateIsRefused() {
        LinkedHashMap<String, AdaLoraAdapter> ads = adapters(2, 3, 10);
        AdaLoraConfig cfg = new AdaLoraConfig(3, 2, 0, 0, 1, 0.85, 0.85, 0.5, 10);
        RankAllocator a = new RankAllocator(cfg, ads);
        Rng g = new Rng(11);
        ads.values().forEach(ad -> ad.namedParameters().values().forEach(p -> p.setGrad(g.normal(F64, 0, 1,
                p.shape()))));
        a.updateAndAllocate(3);
        LinkedHashMap<String, Tensor> st = RankAllocatorState.stateDict(a);
        assertThat(st).hasSize(2 * 3 * 2 + 2);
        RankAllocator b = new RankAllocator(cfg, adapters(2, 3, 10));
        RankAllocatorState.load(b, st);
        LinkedHashMap<String, Tensor> again = RankAllocatorState.stateDict(b);
        assertThat(again.keySet()).containsExactlyElementsOf(st.keySet());
        st.forEach((k, v) -> assertThat(again.get(k).bitEquals(v)).as(k).isTrue());
        assertThat(b.ranks()).isEqualTo(a.ranks());

        LinkedHashMap<String, Tensor> bad = new LinkedHashMap<>(st);
        bad.put("site0.rank_pattern", Tensor.of(new double[] {1, 0.5, 0}, 3));
        bad.remove("site1.lora_B.exp_avg_unc");
        bad.put("site9.rank_pattern", Tensor.of(new double[] {1}, 1));
        assertThatThrownBy(() -> RankAllocatorState.load(b, bad)).hasMessageContaining("unexpected site9")
                .hasMessageContaining("a pattern is 0/1").hasMessageContaining("all present or all absent");
        assertThat(RankAllocatorState.stateDict(b).keySet()).containsExactlyElementsOf(st.keySet());
    }
}
