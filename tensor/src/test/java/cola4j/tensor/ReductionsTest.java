package cola4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** sum / mean / max over chosen axes, and sumTo, against naive loops over every input element. */
class ReductionsTest {
    enum Kind { SUM, MEAN, MAX }

    /** Axes to reduce for a rank-3 [2, 3, 4] input; the empty array means all axes. */
    static final int[][] AXES = {{0}, {1}, {2}, {-1}, {-3}, {0, 2}, {2, 0}, {-1, 1}, {0, 1, 2}, {}};

    /** Normalized set of reduced axes (all if none given). */
    static boolean[] reduced(int rank, int[] axes) {
        boolean[] red = new boolean[rank];
        if (axes.length == 0) Arrays.fill(red, true);
        for (int a : axes) red[a < 0 ? a + rank : a] = true;
        return red;
    }

    /** Naive reduction: the kept-dims output index of each input element is its index with reduced axes zeroed. */
    static double[] naive(Tensor t, boolean[] red, Kind kind) {
        int[] shape = t.shape();
        int[] kept = shape.clone();
        for (int i = 0; i < kept.length; i++) if (red[i]) kept[i] = 1;
        double[] acc = new double[Ref.numel(kept)];
        int[] count = new int[acc.length];
        if (kind == Kind.MAX) Arrays.fill(acc, Double.NEGATIVE_INFINITY);
        for (int i = 0; i < t.numel(); i++) {
            int[] idx = Ref.unravel(i, shape);
            for (int k = 0; k < idx.length; k++) if (red[k]) idx[k] = 0;
            int o = Ref.ravel(idx, kept);
            double v = t.getFlat(i);
            acc[o] = kind == Kind.MAX ? Math.max(acc[o], v) : acc[o] + v;
            count[o]++;
        }
        if (kind == Kind.MEAN) for (int o = 0; o < acc.length; o++) acc[o] /= count[o];
        return acc;
    }

    static Tensor run(Kind kind, Tensor t, boolean keep, int[] axes) {
        switch (kind) {
            case SUM: return t.sum(keep, axes);
            case MEAN: return t.mean(keep, axes);
            default: return t.max(keep, axes);
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void reductionsOverAxes(DType dt) {
        Tensor t = Ref.rand(new Rng(10), dt, 2, 3, 4);
        int[] shape = t.shape();
        for (Kind kind : Kind.values()) {
            for (int[] axes : AXES) {
                boolean[] red = reduced(3, axes);
                double[] e = naive(t, red, kind);
                int[] kept = IntStream.range(0, 3).map(i -> red[i] ? 1 : shape[i]).toArray();
                int[] dropped = IntStream.range(0, 3).filter(i -> !red[i]).map(i -> shape[i]).toArray();
                String what = kind + " " + Arrays.toString(axes);
                Tensor k = run(kind, t, true, axes), d = run(kind, t, false, axes);
                assertThat(k.shape()).as(what).containsExactly(kept);
                assertThat(d.shape()).as(what).containsExactly(dropped);
                double[] er = e.clone();
                for (int i = 0; i < er.length; i++) er[i] = Ref.round(dt, er[i]);
                Ref.assertClose(k, dt, kept, er, Ref.tol(dt));
                Ref.assertClose(d, dt, dropped, er, Ref.tol(dt));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void knownValuesAndScalars(DType dt) {
        Tensor t = Ref.tensor(dt, new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Ref.assertExact(t.sum(false, 0), dt, new int[] {3}, new double[] {5, 7, 9});
        Ref.assertExact(t.sum(true, 1), dt, new int[] {2, 1}, new double[] {6, 15});
        Ref.assertExact(t.mean(false), dt, new int[] {}, new double[] {3.5});
        Ref.assertExact(t.max(false, -1), dt, new int[] {2}, new double[] {3, 6});
        assertThat(t.sumAll()).isEqualTo(21.0);
        Tensor s = Tensor.scalar(dt, -2.5);
        Ref.assertExact(s.sum(false), dt, new int[] {}, new double[] {-2.5});
        Ref.assertExact(s.max(true), dt, new int[] {}, new double[] {-2.5});
        // max of all-negative values is not 0 (initial value is -inf)
        Ref.assertExact(Ref.tensor(dt, new double[] {-3, -1, -2}, 3).max(false), dt, new int[] {}, new double[] {-1});
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void zeroSizeInputs(DType dt) {
        Tensor z = Tensor.zeros(dt, 0, 3);
        Ref.assertExact(z.sum(false, 0), dt, new int[] {3}, new double[] {0, 0, 0});
        Ref.assertExact(z.sum(true, 1), dt, new int[] {0, 1}, new double[] {});
        Ref.assertExact(z.max(false, 1), dt, new int[] {0}, new double[] {});
        assertThatThrownBy(() -> z.max(false, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("max").hasMessageContaining("[0, 3]");
    }

    @Test
    void badAxesThrow() {
        Tensor t = Tensor.zeros(DType.FLOAT64, 2, 3);
        assertThatThrownBy(() -> t.sum(false, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sum: axis 2 out of range for rank 2");
        assertThatThrownBy(() -> t.mean(false, -3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mean");
        assertThatThrownBy(() -> t.max(false, 1, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("repeated");
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void sumToIsTheAdjointOfExpand(DType dt) {
        Rng rng = new Rng(11);
        int[][][] cases = {{{2, 3, 4}, {3, 4}}, {{2, 3, 4}, {3, 1}}, {{2, 3, 4}, {1, 3, 1}}, {{2, 3, 4}, {}},
                {{2, 3, 4}, {1}},
            {{2, 3, 4}, {2, 3, 4}}, {{5, 1, 2}, {1, 2}}, {{4, 3}, {4, 1}}};
        for (int[][] c : cases) {
            int[] big = c[0], small = c[1];
            Tensor g = Ref.rand(rng, dt, big);
            double[] e = new double[Ref.numel(small)];
            for (int i = 0; i < g.numel(); i++) e[Ref.broadcastFlat(Ref.unravel(i, big), small)] += g.getFlat(i);
            for (int i = 0; i < e.length; i++) e[i] = Ref.round(dt, e[i]);
            Ref.assertClose(g.sumTo(small), dt, small, e, Ref.tol(dt));
            // <expand(x), g> == <x, sumTo(g)>
            Tensor x = Ref.rand(rng, dt, small);
            double lhs = x.expand(big).mul(g).to(DType.FLOAT64).sumAll(),
                    rhs = x.mul(g.sumTo(small)).to(DType.FLOAT64).sumAll();
            assertThat(Math.abs(lhs - rhs)).isLessThanOrEqualTo(Ref.tol(dt) * 10 * Math.max(1, Math.abs(lhs)));
        }
        assertThatThrownBy(() -> Tensor.zeros(dt, 2, 3).sumTo(new int[] {2}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sumTo").hasMessageContaining("[2]")
                .hasMessageContaining("[2, 3]");
        assertThatThrownBy(() -> Tensor.zeros(dt, 3).sumTo(new int[] {2, 3}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sumTo");
    }
}
