package cola4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.function.BinaryOperator;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Elementwise ops against naive loops in both dtypes. Inputs are computed in double and rounded to the dtype,
 * which is bit-identical to native float arithmetic for + - * / (double has more than 2·24+2 bits), so every
 * comparison here is exact.
 */
class ElementwiseTest {
    /** Operand shape pairs: equal, rank-mismatched, size-1 dims on either side, scalars, zero-size. */
    static final int[][][] PAIRS = {
        {{2, 3}, {2, 3}}, {{2, 3}, {3}}, {{3}, {2, 3}}, {{2, 1, 4}, {3, 1}}, {{4}, {2, 3, 1}},
        {{}, {2, 3}}, {{2, 3}, {}}, {{1}, {2, 3}}, {{2, 3, 4}, {1, 3, 1}}, {{1, 1}, {1}}, {{}, {}},
        {{0, 3}, {3}}, {{2, 1}, {0}}, {{5, 1, 1, 2}, {1, 4, 3, 1}},
    };

    record Op(String name, BinaryOperator<Tensor> engine, DoubleBinaryOperator ref) {}

    static final List<Op> OPS = List.of(
            new Op("add", Tensor::add, (x, y) -> x + y),
            new Op("sub", Tensor::sub, (x, y) -> x - y),
            new Op("mul", Tensor::mul, (x, y) -> x * y),
            new Op("div", Tensor::div, (x, y) -> x / y),
            new Op("maximum", Tensor::maximum, Math::max),
            new Op("gt", Tensor::gt, (x, y) -> x > y ? 1 : 0),
            new Op("ge", Tensor::ge, (x, y) -> x >= y ? 1 : 0),
            new Op("eq", Tensor::eq, (x, y) -> x == y ? 1 : 0));

    static int[] broadcastShape(int[] a, int[] b) {
        int r = Math.max(a.length, b.length);
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int da = i - (r - a.length) >= 0 ? a[i - (r - a.length)] : 1;
            int db = i - (r - b.length) >= 0 ? b[i - (r - b.length)] : 1;
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    static double[] naive(Tensor a, Tensor b, DoubleBinaryOperator f, int[] out) {
        double[] e = new double[Ref.numel(out)];
        for (int i = 0; i < e.length; i++) {
            int[] idx = Ref.unravel(i, out);
            e[i] = f.applyAsDouble(a.getFlat(Ref.broadcastFlat(idx, a.shape())),
                    b.getFlat(Ref.broadcastFlat(idx, b.shape())));
        }
        return e;
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void binaryOpsBroadcastLikeNumpy(DType dt) {
        Rng rng = new Rng(1);
        for (int[][] p : PAIRS) {
            Tensor a = Ref.rand(rng, dt, p[0]), b = Ref.rand(rng, dt, p[1]);
            int[] out = broadcastShape(p[0], p[1]);
            for (Op op : OPS) {
                Tensor got = op.engine.apply(a, b);
                Ref.assertExact(got, dt, out, naive(a, b, op.ref, out));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void comparisonsSeeTies(DType dt) {
        // small integers so that ties (== and >=) actually occur
        Tensor a = Ref.tensor(dt, new double[] {0, 1, 2, 1, 0, 2}, 2, 3);
        Tensor b = Ref.tensor(dt, new double[] {1, 1, 0}, 3);
        Ref.assertExact(a.gt(b), dt, new int[] {2, 3}, new double[] {0, 0, 1, 0, 0, 1});
        Ref.assertExact(a.ge(b), dt, new int[] {2, 3}, new double[] {0, 1, 1, 1, 0, 1});
        Ref.assertExact(a.eq(b), dt, new int[] {2, 3}, new double[] {0, 1, 0, 1, 0, 0});
        Ref.assertExact(a.maximum(b), dt, new int[] {2, 3}, new double[] {1, 1, 2, 1, 1, 2});
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void scalarOperandsRoundToDtype(DType dt) {
        Tensor a = Ref.rand(new Rng(2), dt, 3, 4);
        double s = 0.1; // not representable: float32 must use (float) 0.1
        double sr = Ref.round(dt, s);
        double[] add = new double[12], mul = new double[12];
        for (int i = 0; i < 12; i++) {
            add[i] = a.getFlat(i) + sr;
            mul[i] = a.getFlat(i) * sr;
        }
        Ref.assertExact(a.add(s), dt, new int[] {3, 4}, add);
        Ref.assertExact(a.mul(s), dt, new int[] {3, 4}, mul);
        // the scalar method agrees with a scalar tensor operand, in both argument orders
        assertThat(a.add(s).bitEquals(a.add(Tensor.scalar(dt, s)))).isTrue();
        assertThat(a.mul(s).bitEquals(Tensor.scalar(dt, s).mul(a))).isTrue();
    }

    record Un(String name, UnaryOperator<Tensor> engine, DoubleUnaryOperator ref, boolean positiveOnly) {}

    @ParameterizedTest
    @EnumSource(DType.class)
    void unaryOps(DType dt) {
        List<Un> ops = List.of(
                new Un("neg", Tensor::neg, x -> -x, false),
                new Un("exp", Tensor::exp, Math::exp, false),
                new Un("log", Tensor::log, Math::log, true),
                new Un("sqrt", Tensor::sqrt, Math::sqrt, true),
                new Un("tanh", Tensor::tanh, Math::tanh, false),
                new Un("abs", Tensor::abs, Math::abs, false),
                new Un("pow3", t -> t.pow(3), x -> Math.pow(x, 3), false),
                new Un("pow-1.5", t -> t.pow(-1.5), x -> Math.pow(x, -1.5), true));
        Rng rng = new Rng(3);
        for (int[] shape : new int[][] {{2, 3, 4}, {}, {0, 2}, {7}}) {
            Tensor x = Ref.rand(rng, dt, shape);
            Tensor pos = x.abs().add(0.25);
            for (Un op : ops) {
                Tensor in = op.positiveOnly ? pos : x;
                double[] e = new double[in.numel()];
                for (int i = 0; i < e.length; i++) e[i] = op.ref.applyAsDouble(in.getFlat(i));
                if (Backend.current() == Backend.HEAP) {
                    Ref.assertExact(op.engine.apply(in), dt, shape, e);
                } else { // ND4J: libnd4j's exp/log/tanh/pow, within about an ulp of Java's
                    Ref.assertClose(op.engine.apply(in), dt, shape, e, dt == DType.FLOAT64 ? 4e-16 : 2.4e-7);
                }
            }
            // pow(2) is x*x within half an ulp of the dtype
            double[] sq = new double[x.numel()];
            for (int i = 0; i < sq.length; i++) sq[i] = x.getFlat(i) * x.getFlat(i);
            Ref.assertClose(x.pow(2), dt, shape, sq, dt == DType.FLOAT64 ? 1e-16 : 1e-7);
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void specialValuesPropagate(DType dt) {
        Tensor x = Ref.tensor(dt, new double[] {-1, 0, Double.POSITIVE_INFINITY, Double.NaN}, 4);
        Ref.assertExact(x.log(), dt, new int[] {4},
                new double[] {Double.NaN, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NaN});
        Ref.assertExact(x.maximum(Tensor.zeros(dt, 4)), dt, new int[] {4},
                new double[] {0, 0, Double.POSITIVE_INFINITY, Double.NaN});
        Ref.assertExact(x.eq(x), dt, new int[] {4}, new double[] {1, 1, 1, 0});
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void whereBroadcastsThreeWays(DType dt) {
        Rng rng = new Rng(4);
        Tensor mask = Tensor.of(new double[] {1, 0}, 2, 1); // float64 mask is allowed with any a/b dtype
        Tensor a = Ref.rand(rng, dt, 3), b = Ref.rand(rng, dt);
        int[] out = {2, 3};
        double[] e = new double[6];
        for (int i = 0; i < 6; i++) {
            int[] idx = Ref.unravel(i, out);
            e[i] = mask.getFlat(Ref.broadcastFlat(idx, mask.shape())) != 0 ? a.getFlat(idx[1]) : b.getFlat(0);
        }
        Ref.assertExact(Tensor.where(mask, a, b), dt, out, e);
        // mask of 2 (nonzero) and -0.0 (zero) in a full-shape case
        Tensor m2 = Tensor.of(new double[] {2, -0.0, 0.5}, 3);
        Tensor x = Ref.tensor(dt, new double[] {1, 2, 3}, 3), y = Ref.tensor(dt, new double[] {-1, -2, -3}, 3);
        Ref.assertExact(Tensor.where(m2, x, y), dt, new int[] {3}, new double[] {1, -2, 3});
    }

    @Test
    void shapeErrorsNameOpAndShapes() {
        Tensor a = Tensor.zeros(DType.FLOAT64, 2, 3), b = Tensor.zeros(DType.FLOAT64, 4);
        for (Op op : OPS) {
            assertThatThrownBy(() -> op.engine.apply(a, b)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(op.name.equals("maximum") ? "max" : op.name).hasMessageContaining("[2, 3]")
                    .hasMessageContaining("[4]");
        }
        assertThatThrownBy(() -> Tensor.where(Tensor.zeros(DType.FLOAT64, 5), a, a))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("where").hasMessageContaining("[5]")
                .hasMessageContaining("[2, 3]");
    }

    @Test
    void dtypeMismatchThrows() {
        Tensor a = Tensor.zeros(DType.FLOAT64, 2), b = Tensor.zeros(DType.FLOAT32, 2);
        for (Op op : OPS) {
            assertThatThrownBy(() -> op.engine.apply(a, b)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("dtype mismatch");
        }
        assertThatThrownBy(() -> Tensor.where(a, a, b)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("where: dtype mismatch");
        assertThatThrownBy(() -> a.addInPlace(b, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("addInPlace");
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void opsDoNotMutateInputs(DType dt) {
        Tensor a = Ref.rand(new Rng(5), dt, 2, 3), b = Ref.rand(new Rng(6), dt, 3);
        Tensor a0 = a.copy(), b0 = b.copy();
        a.add(b);
        a.mul(b);
        a.exp();
        Tensor.where(a, a, b);
        assertThat(a.bitEquals(a0)).isTrue();
        assertThat(b.bitEquals(b0)).isTrue();
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void inPlaceOps(DType dt) {
        Tensor a = Ref.tensor(dt, new double[] {1, 2, 3}, 3), b = Ref.tensor(dt, new double[] {10, 20, 30}, 3);
        assertThat(a.addInPlace(b, 0.5)).isSameAs(a);
        Ref.assertExact(a, dt, new int[] {3}, new double[] {6, 12, 18});
        a.copyFrom(b);
        Ref.assertExact(a, dt, new int[] {3}, new double[] {10, 20, 30});
        assertThatThrownBy(() -> a.copyFrom(Tensor.zeros(dt, 4))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("copyFrom").hasMessageContaining("[3]").hasMessageContaining("[4]");
    }
}
