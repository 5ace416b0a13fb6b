package cola4j.tensor;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** gatherRows, scatterAddRows (repeated indices accumulate) and oneHot against naive loops. */
class IndexingTest {
    @ParameterizedTest
    @EnumSource(DType.class)
    void gatherRows(DType dt) {
        Tensor t = Ref.rand(new Rng(30), dt, 5, 2, 3); // [n=5, 2, 3]
        int[] idx = {4, 0, 4, 2};
        double[] e = new double[4 * 6];
        for (int k = 0; k < 4; k++) for (int j = 0; j < 6; j++) e[k * 6 + j] = t.getFlat(idx[k] * 6 + j);
        Ref.assertExact(t.gatherRows(idx), dt, new int[] {4, 2, 3}, e);
        Ref.assertExact(t.gatherRows(new int[0]), dt, new int[] {0, 2, 3}, new double[] {});
        Tensor v = Ref.tensor(dt, new double[] {10, 11, 12}, 3); // 1-D: rows are scalars
        Ref.assertExact(v.gatherRows(new int[] {2, 2, 0}), dt, new int[] {3}, new double[] {12, 12, 10});
        assertThatThrownBy(() -> t.gatherRows(new int[] {5})).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("gatherRows: index 5");
        assertThatThrownBy(() -> t.gatherRows(new int[] {-1})).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> Tensor.scalar(1).gatherRows(new int[] {0}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void scatterAddRowsAccumulatesRepeats(DType dt) {
        Tensor g = Ref.rand(new Rng(31), dt, 4, 3); // upstream rows
        int[] idx = {1, 3, 1, 1};
        double[] e = new double[5 * 3];
        for (int k = 0; k < 4; k++) for (int j = 0; j < 3; j++) e[idx[k] * 3 + j] += g.getFlat(k * 3 + j);
        // float32 accumulates in float: reference adds in the same order and rounds each step
        if (dt == DType.FLOAT32) {
            float[] ef = new float[15];
            for (int k = 0; k < 4; k++) for (int j = 0; j < 3; j++) ef[idx[k] * 3 + j] += (float) g.getFlat(k * 3 + j);
            for (int i = 0; i < 15; i++) e[i] = ef[i];
        }
        Ref.assertExact(g.scatterAddRows(idx, 5), dt, new int[] {5, 3}, e);
        // adjoint of gatherRows: <gather(x), g> == <x, scatter(g)>
        Tensor x = Ref.rand(new Rng(32), dt, 5, 3);
        double lhs = x.gatherRows(idx).mul(g).to(DType.FLOAT64).sumAll(),
                rhs = x.mul(g.scatterAddRows(idx, 5)).to(DType.FLOAT64).sumAll();
        org.assertj.core.api.Assertions.assertThat(Math.abs(lhs - rhs)).isLessThanOrEqualTo(Ref.tol(dt) * 10);
        assertThatThrownBy(() -> g.scatterAddRows(new int[] {0, 1}, 5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("scatterAddRows").hasMessageContaining("[4, 3]");
        assertThatThrownBy(() -> g.scatterAddRows(new int[] {0, 1, 2, 5}, 5))
                .isInstanceOf(IndexOutOfBoundsException.class);
        Ref.assertExact(Tensor.zeros(dt, 0, 3).scatterAddRows(new int[0], 2), dt, new int[] {2, 3}, new double[6]);
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void oneHot(DType dt) {
        Ref.assertExact(Tensor.oneHot(dt, new int[] {2, 0, 2}, 3), dt, new int[] {3, 3},
                new double[] {0, 0, 1, 1, 0, 0, 0, 0, 1});
        Ref.assertExact(Tensor.oneHot(dt, new int[0], 4), dt, new int[] {0, 4}, new double[] {});
    }

    @Test
    void oneHotRejectsBadLabels() {
        assertThatThrownBy(() -> Tensor.oneHot(DType.FLOAT64, new int[] {3}, 3))
                .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("oneHot: label 3");
        assertThatThrownBy(() -> Tensor.oneHot(DType.FLOAT64, new int[] {-1}, 3))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }
}
