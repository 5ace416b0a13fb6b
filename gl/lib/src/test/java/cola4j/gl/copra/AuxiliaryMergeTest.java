package cola4j.gl.copra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import cola4j.autograd.Var;
import cola4j.gl.auxiliary.LowRankAux;
import cola4j.gl.auxiliary.LowRankConfig;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Merges on hand-computed examples (one site, ΔW of shape [1, 4]). */
class AuxiliaryMergeTest {
    private static Map<String, Tensor> task(double... v) {
        return Map.of("s", Tensor.of(v, 1, v.length));
    }

    private static final List<Map<String, Tensor>> TASKS = List.of(
            task(3, -1, 0.5, -2),
            task(-1, -2, 1, 4),
            task(2, 1, -0.2, -1));

    @Test
    void tiesByHand() {
        // density 0.5 keeps 2 of 4 per task: τ̂1 = [3,0,0,−2], τ̂2 = [0,−2,0,4], τ̂3 = [2,1,0,0]
        // (|1| = |−1|: lower index kept)
        // sums [5,−1,0,2] → signs [+,−,+,+]; agreeing means: (3+2)/2, −2/1, none → 0, 4/1
        Tensor m = AuxiliaryMerge.ties(TASKS, 0.5, null, 1.0).get("s");
        assertThat(m.toDoubleArray()).containsExactly(new double[] {2.5, -2, 0, 4}, within(1e-15));
        Tensor scaled = AuxiliaryMerge.ties(TASKS, 0.5, null, 0.5).get("s");
        assertThat(scaled.toDoubleArray()).containsExactly(new double[] {1.25, -1, 0, 2}, within(1e-15));
        // density 1 (no trimming): sums [4,−2,1.3,1] → [+,−,+,+]; means (3+2)/2, (−1−2)/2, (0.5+1)/2, 4
        Tensor full = AuxiliaryMerge.ties(TASKS, 1.0, null, 1.0).get("s");
        assertThat(full.toDoubleArray()).containsExactly(new double[] {2.5, -1.5, 0.75, 4}, within(1e-15));
        // weights apply before trimming and election: w = (1, 0, 1) drops task 2 → τ̂ = [3,0,0,−2], [2,1,0,0]
        Tensor w = AuxiliaryMerge.ties(TASKS, 0.5, new double[] {1, 0, 1}, 1.0).get("s");
        assertThat(w.toDoubleArray()).containsExactly(new double[] {2.5, 1, 0, -2}, within(1e-15));
    }

    @Test
    void trimKeepsTopMagnitudes() {
        assertThat(AuxiliaryMerge.trim(new double[] {0.1, -5, 3, -0.2, 4}, 0.4)).containsExactly(0, -5, 0, 0, 4);
        assertThat(AuxiliaryMerge.trim(new double[] {1, 2}, 0.01)).containsExactly(0, 2);   // at least one kept
    }

    @Test
    void linearAndTaskArithmeticByHand() {
        assertThat(AuxiliaryMerge.linear(TASKS).get("s").toDoubleArray())
                .containsExactly(new double[] {4 / 3.0, -2 / 3.0, 1.3 / 3, 1 / 3.0}, within(1e-15));
        assertThat(AuxiliaryMerge.linear(TASKS, new double[] {1, 2, 1}).get("s").toDoubleArray())
                .containsExactly(new double[] {0.75, -1, 2.3 / 4, 1.25}, within(1e-15));
        assertThat(AuxiliaryMerge.taskArithmetic(TASKS, 0.5).get("s").toDoubleArray())
                .containsExactly(new double[] {2, -1, 0.65, 0.5}, within(1e-15));
        assertThatThrownBy(() -> AuxiliaryMerge.linear(TASKS, new double[] {1, -1, 0}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("weights");
        assertThatThrownBy(() -> AuxiliaryMerge.linear(
                List.of(task(1, 2), Map.of("t", Tensor.of(new double[] {1, 2}, 1, 2)))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("adapts");
    }

    private static LowRankAux randomLora(int rank, double alpha, long seed) {
        LowRankAux a = new LowRankAux(5, 4, new LowRankConfig(rank, alpha, DType.FLOAT64, seed));
        Rng r = new Rng(seed + 100);
        for (Var p : a.namedParameters().values()) p.setValue(r.normal(DType.FLOAT64, 0, 1, p.value().shape()));
        return a;
    }

    @Test
    void concatenationEqualsTheWeightedSumOfDeltas() {
        List<Map<String, LowRankAux>> tasks = List.of(
                Map.of("s", randomLora(2, 4.0, 1)), Map.of("s", randomLora(3, 1.5, 2)),
                Map.of("s", randomLora(1, 8.0, 3)));
        double[] w = {0.5, 1.0, 2.0};
        LinkedHashMap<String, LowRankAux> cat = LowRankConcat.concat(tasks, w);
        LowRankAux m = cat.get("s");
        assertThat(m.config().rank()).isEqualTo(6);
        assertThat(m.config().scale()).isEqualTo(1.0);
        Tensor want = Tensor.zeros(DType.FLOAT64, 4, 5);
        for (int t = 0; t < 3; t++) want.addInPlace(tasks.get(t).get("s").deltaWeight(), w[t]);
        assertThat(m.deltaWeight().maxAbsDiff(want) / want.maxAbs()).isLessThan(1e-14);
        // the unweighted concat equals task arithmetic with λ = 1 on the deltas
        List<Map<String, Tensor>> deltas =
                tasks.stream().map(LowRankConcat::deltas).map(d -> (Map<String, Tensor>) d).toList();
        Tensor sum = AuxiliaryMerge.taskArithmetic(deltas, 1.0).get("s");
        assertThat(LowRankConcat.concat(tasks, null).get("s").deltaWeight().maxAbsDiff(sum) / sum.maxAbs())
                .isLessThan(1e-14);
        // and its forward pass is the sum of the adapters' outputs
        Tensor x = new Rng(9).normal(DType.FLOAT64, 0, 1, 3, 5);
        Tensor ys = Tensor.zeros(DType.FLOAT64, 3, 4);
        for (int t = 0; t < 3; t++) ys.addInPlace(tasks.get(t).get("s").apply(Var.constant(x)).value(), w[t]);
        assertThat(m.apply(Var.constant(x)).value().maxAbsDiff(ys)).isLessThan(1e-12);
    }
}
