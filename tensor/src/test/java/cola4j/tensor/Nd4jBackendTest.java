package cola4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The two backends compute the same numbers: every primitive, run once with {@link Backend#HEAP} and once with
 * {@link Backend#ND4J} on the same float64 inputs, agrees to ≤ 1e-12 relative (max |heap − nd4j| over max
 * |heap|), and the ND4J results are ND4J tensors (no silent fall-back to the heap).
 */
class Nd4jBackendTest {
    static final double TOL = 1e-12;

    /** A named op over float64 inputs made on the backend in force. */
    record Case(String name, Supplier<Tensor> run) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Tensor t(long seed, int... shape) {
        return new Rng(seed).uniform(DType.FLOAT64, -2, 2, shape);
    }

    static Tensor pos(long seed, int... shape) {
        return new Rng(seed).uniform(DType.FLOAT64, 0.1, 3, shape);
    }

    /** Small integers (so that ge and eq see ties). */
    static Tensor ints(long seed, int... shape) {
        Rng r = new Rng(seed);
        double[] v = new double[Shapes.numel(shape)];
        for (int i = 0; i < v.length; i++) v[i] = r.nextInt(3);
        return Tensor.of(v, shape);
    }

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        int[][][] pairs = {{{2, 3}, {2, 3}}, {{2, 3}, {3}}, {{3}, {2, 3}}, {{2, 1, 4}, {3, 1}}, {{}, {2, 3}},
            {{2, 3}, {}}, {{}, {}}, {{5, 1, 1, 2}, {1, 4, 3, 1}}};
        for (int[][] p : pairs) {
            String s = Shapes.str(p[0]) + Shapes.str(p[1]);
            c.add(new Case("add" + s, () -> t(1, p[0]).add(t(2, p[1]))));
            c.add(new Case("sub" + s, () -> t(1, p[0]).sub(t(2, p[1]))));
            c.add(new Case("mul" + s, () -> t(1, p[0]).mul(t(2, p[1]))));
            c.add(new Case("div" + s, () -> t(1, p[0]).div(pos(2, p[1]))));
            c.add(new Case("maximum" + s, () -> t(1, p[0]).maximum(t(2, p[1]))));
            c.add(new Case("gt" + s, () -> t(1, p[0]).gt(t(2, p[1]))));
            c.add(new Case("ge" + s, () -> ints(1, p[0]).ge(ints(2, p[1]))));
            c.add(new Case("eq" + s, () -> ints(1, p[0]).eq(ints(2, p[1]))));
            c.add(new Case("where" + s, () -> Tensor.where(t(3, p[0]).gt(t(4, p[1])), t(1, p[0]), t(2, p[1]))));
        }
        c.add(new Case("add scalar", () -> t(1, 3, 4).add(0.7)));
        c.add(new Case("mul scalar", () -> t(1, 3, 4).mul(-1.3)));
        c.add(new Case("neg", () -> t(1, 3, 4).neg()));
        c.add(new Case("exp", () -> t(1, 3, 4).exp()));
        c.add(new Case("log", () -> pos(1, 3, 4).log()));
        c.add(new Case("sqrt", () -> pos(1, 3, 4).sqrt()));
        c.add(new Case("tanh", () -> t(1, 3, 4).tanh()));
        c.add(new Case("abs", () -> t(1, 3, 4).abs()));
        for (double p : new double[] {1, 2, 3, 0.5, -1.5}) c.add(new Case("pow " + p, () -> pos(1, 3, 4).pow(p)));
        int[][] axes = {{}, {0}, {1}, {2}, {-1}, {0, 2}, {1, 2}, {0, 1, 2}};
        for (int[] ax : axes) {
            for (boolean keep : new boolean[] {true, false}) {
                String s = java.util.Arrays.toString(ax) + (keep ? " keep" : "");
                c.add(new Case("sum" + s, () -> t(1, 2, 3, 4).sum(keep, ax)));
                c.add(new Case("mean" + s, () -> t(1, 2, 3, 4).mean(keep, ax)));
                c.add(new Case("max" + s, () -> t(1, 2, 3, 4).max(keep, ax)));
            }
        }
        c.add(new Case("sum scalar", () -> Tensor.scalar(2.5).sum(false)));
        c.add(new Case("sumAll", () -> Tensor.scalar(t(1, 3, 5).sumAll())));
        c.add(new Case("sumTo [3,1]", () -> t(1, 2, 3, 4).sumTo(new int[] {3, 1})));
        c.add(new Case("sumTo [4]", () -> t(1, 2, 3, 4).sumTo(new int[] {4})));
        c.add(new Case("sumTo []", () -> t(1, 2, 3).sumTo(new int[0])));
        c.add(new Case("reshape", () -> t(1, 2, 3, 4).reshape(4, -1)));
        c.add(new Case("permute", () -> t(1, 2, 3, 4).permute(2, 0, 1)));
        c.add(new Case("transpose", () -> t(1, 2, 3, 4).transpose(0, 2)));
        c.add(new Case("expand", () -> t(1, 3, 1).expand(2, 3, 4)));
        c.add(new Case("slice", () -> t(1, 2, 5, 3).slice(1, 1, 4)));
        c.add(new Case("pad", () -> t(1, 2, 3, 2).pad(1, 2, 1)));
        c.add(new Case("concat", () -> Tensor.concat(1, t(1, 2, 3), t(2, 2, 1), t(3, 2, 4))));
        c.add(new Case("gatherRows", () -> t(1, 5, 2, 3).gatherRows(new int[] {4, 0, 4, 2})));
        c.add(new Case("scatterAddRows", () -> t(1, 4, 3).scatterAddRows(new int[] {1, 3, 1, 0}, 5)));
        c.add(new Case("oneHot", () -> Tensor.oneHot(DType.FLOAT64, new int[] {2, 0, 3}, 4)));
        c.add(new Case("matmul 2d", () -> t(1, 7, 9).matmul(t(2, 9, 5))));
        c.add(new Case("matmul tiny", () -> t(1, 2, 3).matmul(t(2, 3, 2))));
        c.add(new Case("matmul tA tB", () -> t(1, 9, 7).matmul(t(2, 5, 9), true, true)));
        c.add(new Case("matmul linear", () -> t(1, 2, 4, 9).matmul(t(2, 6, 9), false, true)));
        c.add(new Case("matmul batched", () -> t(1, 2, 3, 4, 9).matmul(t(2, 2, 3, 9, 5))));
        c.add(new Case("matmul broadcast", () -> t(1, 2, 1, 4, 9).matmul(t(2, 3, 9, 5), false, false)));
        c.add(new Case("matmul batched tA", () -> t(1, 3, 9, 4).matmul(t(2, 3, 9, 5), true, false)));
        c.add(new Case("gelu", () -> Fused.gelu(t(1, 3, 4))));
        c.add(new Case("gelu tanh", () -> Fused.geluWithTanh(t(1, 3, 4))[1]));
        c.add(new Case("gelu backward", () -> {
            Tensor x = t(1, 3, 4);
            return Fused.geluBackward(x, Fused.geluWithTanh(x)[1], t(2, 3, 4));
        }));
        c.add(new Case("softmax", () -> Fused.softmaxLastAxis(t(1, 2, 3, 5))));
        c.add(new Case("softmax backward", () -> Fused.softmaxLastAxisBackward(Fused.softmaxLastAxis(t(1, 3, 5)),
                t(2, 3, 5))));
        for (int k = 0; k < 3; k++) {
            int i = k;
            c.add(new Case("layerNorm " + k, () -> Fused.layerNorm(t(1, 2, 3, 6), t(2, 6), t(3, 6), 1e-5)[i]));
            c.add(new Case("layerNorm no affine " + k, () -> Fused.layerNorm(t(1, 4, 6), null, null, 1e-5)[i]));
        }
        c.add(new Case("layerNorm backward", () -> {
            Tensor[] f = Fused.layerNorm(t(1, 2, 3, 6), t(2, 6), t(3, 6), 1e-5);
            return Fused.layerNormBackward(f[1], f[2], t(2, 6), t(4, 2, 3, 6));
        }));
        c.add(new Case("addInPlace", () -> t(1, 3, 4).addInPlace(t(2, 3, 4), -0.3)));
        c.add(new Case("copyFrom", () -> t(1, 3, 4).copyFrom(t(2, 3, 4))));
        c.add(new Case("setFlat/getFlat", () -> {
            Tensor x = t(1, 3, 4);
            x.setFlat(5, x.getFlat(7) + x.get(2, 3));
            return x;
        }));
        c.add(new Case("reshape view write", () -> {
            Tensor x = t(1, 3, 4);
            x.reshape(12).addInPlace(t(2, 12), 1.0);
            return x;
        }));
        c.add(new Case("norm, maxAbs", () -> Tensor.of(new double[] {t(1, 3, 4).norm(), t(1, 3, 4).maxAbs(),
            t(1, 3, 4).maxAbsDiff(t(2, 3, 4)), t(1, 2).isFinite() ? 1 : 0}, 4)));
        c.add(new Case("to float32 and back", () -> t(1, 3, 4).to(DType.FLOAT32).to(DType.FLOAT64)));
        c.add(new Case("full, arange", () -> Tensor.full(DType.FLOAT64, 0.3, 2, 2).add(
                Tensor.arange(DType.FLOAT64, 2))));
        return c;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void backendsAgree(Case c) {
        Tensor heap = Backend.with(Backend.HEAP, c.run);
        Tensor nd = Backend.with(Backend.ND4J, c.run);
        assertThat(heap.nd).as("heap result").isNull();
        assertThat(nd.nd).as("nd4j result is an INDArray tensor").isNotNull();
        assertThat(nd.shape()).isEqualTo(heap.shape());
        assertThat(nd.dtype()).isEqualTo(heap.dtype());
        assertClose(c.name, heap.toDoubleArray(), nd.toDoubleArray());
    }

    static void assertClose(String what, double[] a, double[] b) {
        assertThat(b).as(what).hasSameSizeAs(a);
        double scale = 0, diff = 0;
        for (int i = 0; i < a.length; i++) {
            scale = Math.max(scale, Math.abs(a[i]));
            diff = Math.max(diff, Math.abs(a[i] - b[i]));
            assertThat(Double.isNaN(b[i])).as(what + " NaN at " + i).isEqualTo(Double.isNaN(a[i]));
        }
        assertThat(diff).as(what + ": max |heap - nd4j|, scale " + scale).isLessThanOrEqualTo(TOL * scale);
    }

    @Test
    void float32AgreesToFloatRounding() {
        Function<Backend, Tensor> step = b -> Backend.with(b, () -> {
            Tensor x = new Rng(5).normal(DType.FLOAT32, 0, 1, 4, 8), w = new Rng(6).normal(DType.FLOAT32, 0, 1, 8, 3);
            return Fused.softmaxLastAxis(Fused.gelu(x).matmul(w)).sum(false, 0);
        });
        Tensor h = step.apply(Backend.HEAP), n = step.apply(Backend.ND4J);
        assertThat(n.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(h.maxAbsDiff(n)).isLessThan(1e-5);
    }

    @Test
    void conversionsAreCounted() {
        Tensor x = Backend.with(Backend.ND4J, () -> t(1, 3, 4));
        Transfers.Snapshot before = Transfers.snapshot();
        Backend.with(Backend.ND4J, () -> x.mul(x).sum(false, 1).exp());
        assertThat(Transfers.snapshot().minus(before).bulk()).as("no copies inside ND4J ops").isZero();
        x.toDoubleArray();
        x.getFlat(0);
        Transfers.Snapshot d = Transfers.snapshot().minus(before);
        assertThat(d.downloads()).isEqualTo(1);
        assertThat(d.downloadedElements()).isEqualTo(12);
        assertThat(d.elementReads()).isEqualTo(1);
        Tensor heap = t(2, 3, 4); // made on the heap backend; an ND4J op over it uploads it once
        Backend.with(Backend.ND4J, () -> heap.add(1.0));
        assertThat(Transfers.snapshot().minus(before).uploads()).isEqualTo(1);
    }

    @Test
    void bytesAreTheSameOnBothBackends() {
        Tensor h = t(1, 3, 5), n = Backend.with(Backend.ND4J, () -> t(1, 3, 5).to(DType.FLOAT32));
        assertThat(h.bytes()).isEqualTo(15 * 8);
        assertThat(n.bytes()).isEqualTo(15 * 4).isEqualTo(n.nd.length() * n.nd.dataType().width());
    }

    @Test
    void errorsAreTheHeapErrors() {
        Backend.with(Backend.ND4J, () -> {
            assertThatThrownBy(() -> t(1, 2, 3).add(t(2, 4))).hasMessageContaining("add:");
            assertThatThrownBy(() -> t(1, 5, 2).gatherRows(new int[] {5})).hasMessageContaining("out of range [0, 5)");
            assertThatThrownBy(() -> t(1, 2, 3).matmul(t(2, 4, 2))).hasMessageContaining("inner dimensions");
            return null;
        });
        assertThatThrownBy(() -> Backend.parse("gpu")).hasMessage("backend 'gpu': expected heap or nd4j");
    }
}
