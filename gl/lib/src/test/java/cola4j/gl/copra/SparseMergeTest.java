package cola4j.gl.copra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cola4j.gl.copra.SparseMerge.SignMethod;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** PEFT's magnitude_prune, ties, dare_linear and dare_ties against hand-computed float64 cases. */
class SparseMergeTest {
    static Map<String, Tensor> task(double... v) {
        LinkedHashMap<String, Tensor> m = new LinkedHashMap<>();
        m.put("s", Tensor.of(v, v.length));
        return m;
    }

    static double[] at(Map<String, Tensor> m) {
        return m.get("s").toDoubleArray();
    }

    @Test
    void magnitudeKeepsTheFloorOfDensityTimesNLargestEntries() {
        double[] v = {0.5, -2, 1, -0.1};
        assertThat(SparseMerge.magnitude(v, 0.5)).containsExactly(0, -2, 1, 0);
        assertThat(SparseMerge.magnitude(v, 0.74)).containsExactly(0, -2, 1, 0);     // ⌊0.74·4⌋ = 2
        assertThat(SparseMerge.magnitude(v, 0.2)).containsExactly(0, 0, 0, 0);     // ⌊0.8⌋ = 0, as torch.topk(k=0)
        assertThat(SparseMerge.magnitude(v, 1.0)).containsExactly(v);
        assertThat(SparseMerge.magnitude(new double[] {1, -1, 1}, 0.34)).containsExactly(1, 0, 0); // ties: lower index
        assertThatThrownBy(() -> SparseMerge.magnitude(v, -0.1)).hasMessageContaining("density");
    }

    @Test
    void dareKeepsEachEntryWithProbabilityDensityAndRescales() {
        double[] v = {0.5, -2, 1, -0.1, 3, 7};
        double p = 0.4;
        double[] got = SparseMerge.dare(v, p, new Rng(42));
        Rng replay = new Rng(42);
        int kept = 0;
        for (int i = 0; i < v.length; i++) {
            boolean keep = replay.nextDouble() < p;
            assertThat(got[i]).isEqualTo(keep ? v[i] / p : 0.0);
            if (keep) kept++;
        }
        assertThat(kept).as("some kept, some dropped").isBetween(1, v.length - 1);
        assertThat(SparseMerge.dare(v, p, new Rng(42))).containsExactly(got);
        assertThat(SparseMerge.dare(v, 1.0, new Rng(42))).containsExactly(v);
        // unbiased: the mean over many seeds approaches v (sd of one draw ≤ |v|·√((1−p)/p); 4000 draws, 5 sd)
        double[] mean = new double[v.length];
        int n = 4000;
        Rng r = new Rng(7);
        for (int k = 0; k < n; k++) {
            double[] d = SparseMerge.dare(v, p, r);
            for (int i = 0; i < v.length; i++) mean[i] += d[i] / n;
        }
        for (int i = 0; i < v.length; i++) {
            double sd = Math.abs(v[i]) * Math.sqrt((1 - p) / p) / Math.sqrt(n);
            assertThat(Math.abs(mean[i] - v[i])).isLessThanOrEqualTo(5 * sd);
        }
    }

    @Test
    void tiesElectsTheSignOnUnweightedTensorsThenWeights() {
        List<Map<String, Tensor>> tasks = List.of(task(2, -1, 0.5), task(-3, 1, 0.5));
        // total: sums (−1, 0, 1) → γ = (−1, +1, +1); agreeing means (−3, 1, 0.5)
        assertThat(at(SparseMerge.ties(tasks, null, 1.0, SignMethod.TOTAL))).containsExactly(-3, 1, 0.5);
        // frequency: sign sums (0, 0, 2) → γ = (+1, +1, +1): (2, 1, 0.5)
        assertThat(at(SparseMerge.ties(tasks, null, 1.0, SignMethod.FREQUENCY))).containsExactly(2, 1, 0.5);
        // weights (1, 2) applied after the election: (−6, 2, (0.5 + 1)/2)
        assertThat(at(SparseMerge.ties(tasks, new double[] {1, 2}, 1.0, SignMethod.TOTAL)))
                .containsExactly(-6, 2, 0.75);
        // magnitude prune then sum: ⌊0.67·3⌋ = 2 per task: (2, −1, 0) and (−3, 1, 0)
        // → weighted (1, 2): (−4, 1, 0)
        assertThat(at(SparseMerge.magnitudePrune(tasks, new double[] {1, 2}, 0.67))).containsExactly(-4, 1, 0);
    }

    @Test
    void tiesWithUnitWeightsAndTotalEqualsTheExistingTies() {
        Rng r = new Rng(3);
        List<Map<String, Tensor>> tasks = List.of(
                Map.of("a", r.normal(DType.FLOAT64, 0, 1, 4, 5), "b", r.normal(DType.FLOAT64, 0, 1, 3)),
                Map.of("a", r.normal(DType.FLOAT64, 0, 1, 4, 5), "b", r.normal(DType.FLOAT64, 0, 1, 3)),
                Map.of("a", r.normal(DType.FLOAT64, 0, 1, 4, 5), "b", r.normal(DType.FLOAT64, 0, 1, 3)));
        var mine = SparseMerge.ties(tasks, null, 0.5, SignMethod.TOTAL);
        var old = AuxiliaryMerge.ties(tasks, 0.5, null, 1.0);
        for (String s : List.of("a", "b")) assertThat(mine.get(s).maxAbsDiff(old.get(s))).isZero();
    }

    @Test
    void dareLinearAndDareTiesReplayTheirSeededMasks() {
        List<Map<String, Tensor>> tasks = List.of(task(2, -1, 0.5, 4), task(-3, 1, 0.5, -1));
        double p = 0.5;
        Rng replay = new Rng(9);
        double[][] hat = new double[2][4];
        for (int t = 0; t < 2; t++) {
            for (int i = 0; i < 4; i++) hat[t][i] = replay.nextDouble() < p ? at(tasks.get(t))[i] / p : 0;
        }
        double[] w = {0.5, 2};
        double[] lin = at(SparseMerge.dareLinear(tasks, w, p, 9));
        double[] ties = at(SparseMerge.dareTies(tasks, w, p, SignMethod.TOTAL, 9));
        for (int i = 0; i < 4; i++) {
            assertThat(lin[i]).isEqualTo(w[0] * hat[0][i] + w[1] * hat[1][i]);
            double gamma = hat[0][i] + hat[1][i] >= 0 ? 1 : -1, acc = 0;
            int agree = 0;
            for (int t = 0; t < 2; t++) {
                if (Math.signum(hat[t][i]) == gamma) {
                    acc += w[t] * hat[t][i];
                    agree++;
                }
            }
            assertThat(ties[i]).isEqualTo(acc / Math.max(1, agree));
        }
        assertThat(at(SparseMerge.dareLinear(tasks, w, p, 9))).containsExactly(lin);
        assertThat(at(SparseMerge.dareLinear(tasks, w, p, 10))).isNotEqualTo(lin);
        // density 1: DARE-linear is task arithmetic with weights
        assertThat(at(SparseMerge.dareLinear(tasks, w, 1.0, 9))).containsExactly(-5, 1.5, 1.25, 0);
        assertThat(SignMethod.parse("frequency")).isEqualTo(SignMethod.FREQUENCY);
        assertThatThrownBy(() -> SignMethod.parse("mean")).hasMessageContaining("total, frequency");
    }
}
