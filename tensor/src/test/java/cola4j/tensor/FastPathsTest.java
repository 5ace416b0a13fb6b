package cola4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The kernels' fast paths give the same bits as the general definitions they shortcut: pow(x, 1) = x and
 * pow(x, 2) = x·x (what {@code Elementwise.apply} computes) for every float and double including NaN, ±0, ±∞;
 * where over broadcast-periodic operands (a [1, 1, T, T] mask, a full tensor, a scalar) = the element-by-element
 * selection over the expanded operands.
 */
@org.junit.jupiter.api.extension.ExtendWith(HeapBackend.class)
class FastPathsTest {
    static Tensor special(DType dt) {
        Tensor t = new Rng(3).normal(dt, 0, 10, 7, 9);
        double[] s = {0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e-30, 3e38, -1e300};
        for (int i = 0; i < s.length; i++) t.setFlat(i, s[i]);
        return t;
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void powOneAndTwoAreTheGeneralPow(DType dt) {
        Tensor x = special(dt);
        Tensor p1 = x.pow(1), p2 = x.pow(2);
        for (int i = 0; i < x.numel(); i++) {
            double v = x.getFlat(i);
            double one = Math.pow(v, 1.0), two = dt == DType.FLOAT32 ? (float) (v * v) : v * v;
            assertThat(Double.doubleToLongBits(p1.getFlat(i))).as("pow(%s, 1)", v)
                    .isEqualTo(Double.doubleToLongBits(one));
            assertThat(Double.doubleToLongBits(p2.getFlat(i))).as("pow(%s, 2)", v)
                    .isEqualTo(Double.doubleToLongBits(two));
        }
        p1.setFlat(12, 123);
        assertThat(x.getFlat(12)).as("pow(x, 1) is a copy, not x's storage").isNotEqualTo(123);
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void wherePeriodicEqualsElementwiseSelection(DType dt) {
        Rng r = new Rng(4);
        Tensor a = r.normal(dt, 0, 1, 2, 3, 4, 4), b = r.normal(dt, 0, 1, 4);
        Tensor mask = r.normal(dt, 0, 1, 1, 1, 4, 4).gt(Tensor.zeros(dt));
        Tensor[][] cases = {{mask, a, Tensor.scalar(dt, -1e30)}, {mask, Tensor.zeros(dt), a}, {mask, a, b},
                {a.gt(Tensor.zeros(dt)), a, Tensor.zeros(dt)}};
        for (Tensor[] c : cases) {
            Tensor got = Tensor.where(c[0], c[1], c[2]);
            int[] out = got.shape();
            assertThat(out).containsExactly(2, 3, 4, 4);
            Tensor m = c[0].expand(out), x = c[1].expand(out), y = c[2].expand(out);
            for (int i = 0; i < got.numel(); i++) {
                double want = m.getFlat(i) != 0 ? x.getFlat(i) : y.getFlat(i);
                assertThat(got.getFlat(i)).isEqualTo(want);
            }
        }
    }

    @Test
    void whereStillBroadcastsNonPeriodicOperands() {
        // [2, 1] against [1, 3]: not periodic, takes the general loop
        Tensor m = Tensor.of(new double[] {1, 0}, 2, 1), a = Tensor.of(new double[] {1, 2, 3}, 1, 3);
        Tensor got = Tensor.where(m, a, Tensor.scalar(DType.FLOAT64, 9));
        assertThat(got.toDoubleArray()).containsExactly(1, 2, 3, 9, 9, 9);
    }
}
