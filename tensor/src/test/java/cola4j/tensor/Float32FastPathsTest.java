package cola4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The float32-only fast paths of {@link Elementwise} (tanh from exp, x³ as x·x·x) against the library functions
 * they replace, and the last-axis accumulator of {@link Reductions} against a plain loop (bit-exact).
 */
@org.junit.jupiter.api.extension.ExtendWith(HeapBackend.class)
class Float32FastPathsTest {
    static int ulpDistance(float a, float b) {
        return Math.abs(Float.floatToIntBits(a) - Float.floatToIntBits(b));
    }

    @Test
    void tanhFloatIsWithinOneUlpOfMathTanhAndMostlyEqual() {
        Rng rng = new Rng(5);
        int n = 200_000, equal = 0, worst = 0;
        for (int i = 0; i < n; i++) {
            // magnitudes from 1e-9 to 30, both signs: all three branches and their boundaries' neighbourhoods
            float x = (float) Math.copySign(Math.pow(10, -9 + 10.5 * rng.nextDouble()), rng.nextDouble() - 0.5);
            float fast = Elementwise.tanhFloat(x), ref = (float) Math.tanh(x);
            int d = sign(x) == sign(fast) ? ulpDistance(fast, ref) : Integer.MAX_VALUE;
            worst = Math.max(worst, d);
            if (d == 0) equal++;
        }
        assertThat(worst).as("max ulp distance").isLessThanOrEqualTo(1);
        assertThat(equal).as("bit-equal results of " + n).isGreaterThan(n - n / 1000);
        for (float x : new float[] {1e-4f, Math.nextDown(1e-4f), 20f, Math.nextUp(20f), -1e-4f, -20f, 0.5f, -3f}) {
            assertThat(ulpDistance(Elementwise.tanhFloat(x), (float) Math.tanh(x))).as("x = " + x)
                    .isLessThanOrEqualTo(1);
        }
    }

    private static int sign(float v) {
        return Float.floatToRawIntBits(v) >>> 31;
    }

    @Test
    void tanhFloatSpecialValues() {
        assertThat(Elementwise.tanhFloat(Double.NaN)).isNaN();
        assertThat(Elementwise.tanhFloat(Double.POSITIVE_INFINITY)).isEqualTo(1f);
        assertThat(Elementwise.tanhFloat(Double.NEGATIVE_INFINITY)).isEqualTo(-1f);
        assertThat(Float.floatToRawIntBits(Elementwise.tanhFloat(-0.0))).isEqualTo(Float.floatToRawIntBits(-0f));
        assertThat(Elementwise.tanhFloat(0.0)).isEqualTo(0f);
    }

    @Test
    void float32TensorTanhAndCubeUseTheFastPaths() {
        Tensor x = new Rng(9).normal(DType.FLOAT32, 0, 2, 64, 33);
        Tensor t = x.tanh(), c = x.pow(3);
        for (int i = 0; i < x.numel(); i++) {
            float v = (float) x.getFlat(i);
            assertThat(ulpDistance((float) t.getFlat(i), (float) Math.tanh(v))).isLessThanOrEqualTo(1);
            assertThat(ulpDistance((float) c.getFlat(i), (float) Math.pow(v, 3))).isLessThanOrEqualTo(1);
        }
        Tensor xd = x.to(DType.FLOAT64), td = xd.tanh();
        for (int i = 0; i < x.numel(); i++) {
            assertThat(td.getFlat(i)).isEqualTo(Math.tanh(xd.getFlat(i))); // float64 unchanged
        }
    }

    @Test
    void lastAxisSumMaxMeanAreBitExactAgainstAPlainLoop() {
        for (DType dt : DType.values()) {
            Tensor x = new Rng(3).normal(dt, 0, 1, 5, 7, 129);
            x.setFlat(7, Double.NaN);
            Tensor s = x.sum(true, 2), m = x.max(true, 2), mean = x.mean(false, 2);
            for (int r = 0; r < 35; r++) {
                double acc = 0, mx = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < 129; j++) {
                    acc += x.getFlat(r * 129 + j);
                    mx = Math.max(mx, x.getFlat(r * 129 + j));
                }
                double rs = dt == DType.FLOAT32 ? (float) acc : acc, rm = dt == DType.FLOAT32 ? (float) mx : mx;
                double rmean = dt == DType.FLOAT32 ? (float) (acc / 129) : acc / 129;
                assertThat(Double.doubleToLongBits(s.getFlat(r))).isEqualTo(Double.doubleToLongBits(rs));
                assertThat(Double.doubleToLongBits(m.getFlat(r))).isEqualTo(Double.doubleToLongBits(rm));
                assertThat(Double.doubleToLongBits(mean.getFlat(r))).isEqualTo(Double.doubleToLongBits(rmean));
            }
            assertThat(s.getFlat(0)).isNaN();
        }
    }
}
