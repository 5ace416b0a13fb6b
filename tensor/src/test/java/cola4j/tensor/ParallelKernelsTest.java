package cola4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The kernels split by {@link Parallel} give the serial loop's bits: every kernel, float32 and float64, is run serial
 * ({@link Parallel#serial}), split whatever its size ({@link Parallel#forced}: at least two chunks, even with one
 * thread) and as it runs by default, and the three results must be bit-identical. The shapes are odd, so chunk
 * boundaries fall inside broadcast rows and reduction blocks; one shape (300×257) is above the default threshold.
 * Pinned to the heap backend ({@link HeapBackend}), also under {@code -Pnd4j-tests}: {@link Parallel} splits the heap
 * kernels; ND4J's reductions keep their own summation order, not the flat order asserted here.
 */
@org.junit.jupiter.api.extension.ExtendWith(HeapBackend.class)
class ParallelKernelsTest {
    private static final int[][] SHAPES = {{7, 13}, {3, 5, 11}, {2, 1, 9, 4}, {300, 257}};

    /** serial, forced and default runs of {@code op} are bit-identical (and the forced run really split). */
    private static void same(String what, Supplier<Tensor> op) {
        Tensor serial = Parallel.serial(op), forced = Parallel.forced(op), auto = op.get();
        assertThat(forced.bitEquals(serial)).as("%s: forced split = serial", what).isTrue();
        assertThat(auto.bitEquals(serial)).as("%s: default = serial", what).isTrue();
    }

    private static List<int[]> subsets(int rank) {
        List<int[]> out = new ArrayList<>();
        for (int mask = 1; mask < 1 << rank; mask++) {
            int[] axes = new int[Integer.bitCount(mask)];
            for (int i = 0, k = 0; i < rank; i++) if ((mask & 1 << i) != 0) axes[k++] = i;
            out.add(axes);
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void elementwiseKernelsAreBitIdenticalToSerial(DType dt) {
        Rng rng = new Rng(11);
        for (int[] s : SHAPES) {
            String sh = Shapes.str(s);
            Tensor x = rng.normal(dt, 0, 2, s), y = rng.normal(dt, 0, 2, s);
            int last = s[s.length - 1];
            Tensor row = rng.normal(dt, 0, 1, last), col = rng.normal(dt, 0, 1, s[0], 1);
            same("add " + sh, () -> x.add(y));
            same("sub " + sh, () -> x.sub(y));
            same("mul " + sh, () -> x.mul(y));
            same("div " + sh, () -> x.div(y));
            same("maximum " + sh, () -> x.maximum(y));
            same("gt " + sh, () -> x.gt(y));
            same("broadcast row " + sh, () -> x.add(row));
            same("broadcast col " + sh, () -> x.mul(col.reshape(colShape(s))));
            same("scalar add " + sh, () -> x.add(0.3));
            same("scalar mul " + sh, () -> x.mul(-1.7));
            same("scalar div " + sh, () -> x.div(Tensor.scalar(dt, 3.1)));
            same("neg " + sh, x::neg);
            same("exp " + sh, x::exp);
            same("log " + sh, () -> x.abs().log());
            same("sqrt " + sh, () -> x.abs().sqrt());
            same("tanh " + sh, x::tanh);
            same("pow 2 " + sh, () -> x.pow(2));
            same("pow 3 " + sh, () -> x.pow(3));
            same("pow 1.5 " + sh, () -> x.abs().pow(1.5));
            same("where periodic " + sh, () -> Tensor.where(row.gt(Tensor.scalar(dt, 0)), x, y));
            same("where general " + sh, () -> Tensor.where(col.reshape(colShape(s)).gt(Tensor.scalar(dt, 0)), x, y));
            same("addInPlace " + sh, () -> x.copy().addInPlace(y, 0.37));
            int[] perm = new int[s.length];
            for (int i = 0; i < s.length; i++) perm[i] = s.length - 1 - i;
            same("permute " + sh, () -> x.permute(perm));
            same("expand " + sh, () -> row.expand(s));
        }
    }

    /** [s0, 1, ..., 1]: a column that broadcasts against shape s. */
    private static int[] colShape(int[] s) {
        int[] c = new int[s.length];
        java.util.Arrays.fill(c, 1);
        c[0] = s[0];
        return c;
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void reductionsKeepEachOutputsSummationOrder(DType dt) {
        Rng rng = new Rng(12);
        for (int[] s : SHAPES) {
            Tensor x = rng.normal(dt, 1, 3, s);
            for (int[] axes : subsets(s.length)) {
                String what = Shapes.str(s) + " axes " + java.util.Arrays.toString(axes);
                same("sum " + what, () -> x.sum(false, axes));
                assertThat(x.sum(true, axes).bitEquals(flatOrderSum(x, axes)))
                        .as("sum %s = the flat-order reference", what).isTrue();
                same("mean " + what, () -> x.mean(true, axes));
                same("max " + what, () -> x.max(false, axes));
            }
            int[] tail = {s[s.length - 1]};
            same("sumTo " + Shapes.str(s), () -> x.sumTo(tail));
        }
    }

    /**
     * The documented order of a sum over {@code axes}: each input element, in increasing flat index, added in double
     * to its output (kept dims), rounded to the dtype at the end.
     */
    private static Tensor flatOrderSum(Tensor x, int[] axes) {
        int[] s = x.shape(), kept = s.clone();
        for (int a : axes) kept[a] = 1;
        double[] acc = new double[Shapes.numel(kept)];
        int[] idx = new int[s.length];
        for (int i = 0; i < x.numel(); i++) {
            int o = 0;
            for (int k = 0, rem = i; k < s.length; k++) {
                int stride = Shapes.numel(java.util.Arrays.copyOfRange(s, k + 1, s.length));
                idx[k] = rem / stride;
                rem %= stride;
                o = o * kept[k] + (kept[k] == 1 ? 0 : idx[k]);
            }
            acc[o] += x.getFlat(i);
        }
        return Tensor.of(acc, kept).to(x.dtype());
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void fusedKernelsAreBitIdenticalToSerial(DType dt) {
        Rng rng = new Rng(13);
        for (int[] s : SHAPES) {
            String sh = Shapes.str(s);
            int c = s[s.length - 1];
            Tensor x = rng.normal(dt, 0, 2, s), g = rng.normal(dt, 0, 1, s);
            Tensor gamma = rng.normal(dt, 1, 0.5, c), beta = rng.normal(dt, 0, 0.5, c);
            same("gelu " + sh, () -> Fused.gelu(x));
            Tensor th = Fused.geluWithTanh(x)[1];
            same("gelu tanh " + sh, () -> Fused.geluWithTanh(x)[1]);
            same("gelu backward " + sh, () -> Fused.geluBackward(x, th, g));
            Tensor y = Fused.softmaxLastAxis(x);
            same("softmax " + sh, () -> Fused.softmaxLastAxis(x));
            same("softmax backward " + sh, () -> Fused.softmaxLastAxisBackward(y, g));
            for (int out = 0; out < 3; out++) {
                int k = out;
                same("layer norm out " + k + " " + sh, () -> Fused.layerNorm(x, gamma, beta, 1e-5)[k]);
                same("layer norm no affine " + k + " " + sh, () -> Fused.layerNorm(x, null, null, 1e-5)[k]);
            }
            Tensor[] ln = Fused.layerNorm(x, gamma, beta, 1e-5);
            same("layer norm backward " + sh, () -> Fused.layerNormBackward(ln[1], ln[2], gamma, g));
            same("layer norm backward no gamma " + sh, () -> Fused.layerNormBackward(ln[1], ln[2], null, g));
        }
    }

    @Test
    void rangesCoverEveryItemOnceAndForcedReallySplits() {
        for (int n : new int[] {0, 1, 2, 3, 17, 1000, 100_003}) {
            for (long cost : new long[] {1, 64}) {
                for (boolean force : new boolean[] {false, true}) {
                    List<int[]> ranges = Collections.synchronizedList(new ArrayList<>());
                    Supplier<Object> run = () -> {
                        Parallel.forRange(n, cost, (lo, hi) -> ranges.add(new int[] {lo, hi}));
                        return null;
                    };
                    if (force) Parallel.forced(run);
                    else run.get();
                    int[] hit = new int[n];
                    for (int[] r : ranges) for (int i = r[0]; i < r[1]; i++) hit[i]++;
                    for (int i = 0; i < n; i++) assertThat(hit[i]).as("item %d of %d", i, n).isEqualTo(1);
                    if (force && n >= 2) assertThat(ranges).as("forced split of %d items", n).hasSizeGreaterThan(1);
                }
            }
        }
        assertThat(Parallel.chunks(1000, 1)).as("a small call stays serial").isEqualTo(1);
        assertThat(Parallel.serial(() -> Parallel.chunks(1 << 24, 1))).as("serial mode").isEqualTo(1);
        if (Parallel.threads() > 1) assertThat(Parallel.chunks(1 << 24, 1)).isGreaterThan(1);
    }

    @Test
    void anExceptionInAChunkReachesTheCaller() {
        assertThatThrownBy(() -> Parallel.forced(() -> {
            Parallel.forRange(10, 1, (lo, hi) -> {
                if (lo > 0) throw new IllegalStateException("chunk at " + lo);
            });
            return null;
        })).isInstanceOf(IllegalStateException.class).hasMessageStartingWith("chunk at ");
    }
}
