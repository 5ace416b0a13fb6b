package cola4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** reshape, permute, transpose, expand, slice, pad, concat against naive index loops (all exact copies). */
class LayoutTest {
    @ParameterizedTest
    @EnumSource(DType.class)
    void reshapeKeepsOrderAndSharesStorage(DType dt) {
        Tensor t = Ref.rand(new Rng(20), dt, 2, 3, 4);
        double[] flat = t.toDoubleArray();
        int[][][] cases = {{{6, -1}, {6, 4}}, {{-1}, {24}}, {{4, 3, 2}, {4, 3, 2}}, {{2, -1, 3}, {2, 4, 3}},
                {{1, 24, 1}, {1, 24, 1}}};
        for (int[][] c : cases) Ref.assertExact(t.reshape(c[0]), dt, c[1], flat.clone());
        Tensor v = t.reshape(24);
        v.setFlat(5, 42);
        assertThat(t.getFlat(5)).isEqualTo(42.0); // a view, as documented
        Ref.assertExact(Tensor.scalar(dt, 7).reshape(1, 1), dt, new int[] {1, 1}, new double[] {7});
        Ref.assertExact(Tensor.full(dt, 7, 1, 1).reshape(), dt, new int[] {}, new double[] {7});
        Ref.assertExact(Tensor.zeros(dt, 0, 3).reshape(-1, 6), dt, new int[] {0, 6}, new double[] {});
    }

    @Test
    void reshapeErrors() {
        Tensor t = Tensor.zeros(DType.FLOAT64, 2, 3);
        assertThatThrownBy(() -> t.reshape(4, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reshape").hasMessageContaining("[2, 3]").hasMessageContaining("[4, 2]");
        assertThatThrownBy(() -> t.reshape(-1, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("more than one -1");
        assertThatThrownBy(() -> t.reshape(4, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[4, -1]");
        assertThatThrownBy(() -> t.reshape(-2, -3)).isInstanceOf(IllegalArgumentException.class);
    }

    /** out[o] = t[j] with j[perm[k]] = o[k]. */
    static double[] naivePermute(Tensor t, int[] perm) {
        int[] s = t.shape(), out = new int[s.length];
        for (int k = 0; k < s.length; k++) out[k] = s[perm[k]];
        double[] e = new double[t.numel()];
        for (int i = 0; i < e.length; i++) {
            int[] o = Ref.unravel(i, out), j = new int[s.length];
            for (int k = 0; k < s.length; k++) j[perm[k]] = o[k];
            e[i] = t.getFlat(Ref.ravel(j, s));
        }
        return e;
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void permuteAndTranspose(DType dt) {
        Tensor t = Ref.rand(new Rng(21), dt, 2, 3, 4, 5);
        int[][] perms = {{0, 1, 2, 3}, {3, 2, 1, 0}, {0, 2, 1, 3}, {1, 3, 0, 2}, {2, 0, 3, 1}};
        for (int[] p : perms) {
            int[] out = {t.dim(p[0]), t.dim(p[1]), t.dim(p[2]), t.dim(p[3])};
            Ref.assertExact(t.permute(p), dt, out, naivePermute(t, p));
        }
        Ref.assertExact(t.transpose(1, 3), dt, new int[] {2, 5, 4, 3}, naivePermute(t, new int[] {0, 3, 2, 1}));
        Ref.assertExact(t.transpose(-1, -2), dt, new int[] {2, 3, 5, 4}, naivePermute(t, new int[] {0, 1, 3, 2}));
        Ref.assertExact(t.permute(-4, -3, -1, -2), dt, new int[] {2, 3, 5, 4}, naivePermute(t, new int[] {0, 1, 3, 2}));
        Tensor m = Ref.tensor(dt, new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Ref.assertExact(m.transpose(0, 1), dt, new int[] {3, 2}, new double[] {1, 4, 2, 5, 3, 6});
        assertThatThrownBy(() -> m.permute(0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a permutation");
        assertThatThrownBy(() -> m.permute(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("permute").hasMessageContaining("[2, 3]");
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void expandBroadcasts(DType dt) {
        Rng rng = new Rng(22);
        int[][][] cases = {{{3, 1}, {2, 3, 4}}, {{}, {2, 2}}, {{4}, {3, 4}}, {{1, 1}, {1, 1}}, {{2, 1, 3}, {2, 5, 3}},
                {{1}, {0}}};
        for (int[][] c : cases) {
            Tensor t = Ref.rand(rng, dt, c[0]);
            double[] e = new double[Ref.numel(c[1])];
            for (int i = 0; i < e.length; i++) e[i] = t.getFlat(Ref.broadcastFlat(Ref.unravel(i, c[1]), c[0]));
            Ref.assertExact(t.expand(c[1]), dt, c[1], e);
        }
        assertThatThrownBy(() -> Tensor.zeros(dt, 3).expand(4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expand").hasMessageContaining("[3]").hasMessageContaining("[4]");
        assertThatThrownBy(() -> Tensor.zeros(dt, 2, 3).expand(3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expand").hasMessageContaining("[2, 3]");
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void sliceAndPad(DType dt) {
        Tensor t = Ref.rand(new Rng(23), dt, 3, 4, 5);
        int[] s = t.shape();
        for (int axis = 0; axis < 3; axis++) {
            int start = 1, end = s[axis] - 1, before = 2, after = 1;
            int[] so = s.clone();
            so[axis] = end - start;
            double[] e = new double[Ref.numel(so)];
            for (int i = 0; i < e.length; i++) {
                int[] idx = Ref.unravel(i, so);
                idx[axis] += start;
                e[i] = t.getFlat(Ref.ravel(idx, s));
            }
            Tensor sl = t.slice(axis - 3, start, end); // negative axis form
            Ref.assertExact(sl, dt, so, e);
            int[] po = s.clone();
            po[axis] += before + after;
            double[] p = new double[Ref.numel(po)];
            for (int i = 0; i < p.length; i++) {
                int[] idx = Ref.unravel(i, po);
                int a = idx[axis] - before;
                if (a < 0 || a >= s[axis]) continue;
                idx[axis] = a;
                p[i] = t.getFlat(Ref.ravel(idx, s));
            }
            Tensor padded = t.pad(axis, before, after);
            Ref.assertExact(padded, dt, po, p);
            assertThat(padded.slice(axis, before, before + s[axis]).bitEquals(t)).isTrue();
        }
        Ref.assertExact(t.slice(1, 2, 2), dt, new int[] {3, 0, 5}, new double[] {});
        assertThatThrownBy(() -> t.slice(1, 2, 5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("slice").hasMessageContaining("[2, 5)").hasMessageContaining("[3, 4, 5]");
        assertThatThrownBy(() -> t.slice(0, 2, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("slice");
        assertThatThrownBy(() -> t.slice(0, -1, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("slice");
        assertThatThrownBy(() -> t.pad(0, -1, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pad");
        assertThatThrownBy(() -> t.slice(3, 0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("slice: axis 3");
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void concatAlongEachAxis(DType dt) {
        Rng rng = new Rng(24);
        for (int axis = 0; axis < 3; axis++) {
            int[][] shapes = {{2, 3, 4}, {2, 3, 4}, {2, 3, 4}};
            int[] sizes = {1, 3, 2};
            for (int k = 0; k < 3; k++) shapes[k][axis] = sizes[k];
            Tensor[] parts = {Ref.rand(rng, dt, shapes[0]), Ref.rand(rng, dt, shapes[1]), Ref.rand(rng, dt, shapes[2])};
            int[] out = shapes[0].clone();
            out[axis] = 6;
            double[] e = new double[Ref.numel(out)];
            for (int i = 0; i < e.length; i++) {
                int[] idx = Ref.unravel(i, out);
                int k = 0;
                while (idx[axis] >= sizes[k]) idx[axis] -= sizes[k++];
                e[i] = parts[k].getFlat(Ref.ravel(idx, shapes[k]));
            }
            Ref.assertExact(Tensor.concat(axis, parts), dt, out, e);
            Ref.assertExact(Tensor.concat(axis - 3, parts), dt, out, e);
        }
        Tensor a = Tensor.zeros(dt, 2, 3), b = Tensor.zeros(dt, 3, 3);
        assertThatThrownBy(() -> Tensor.concat(1, a, b)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("concat").hasMessageContaining("[2, 3]").hasMessageContaining("[3, 3]");
        assertThatThrownBy(() -> Tensor.concat(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("concat");
        DType other = dt == DType.FLOAT64 ? DType.FLOAT32 : DType.FLOAT64;
        assertThatThrownBy(() -> Tensor.concat(0, a, Tensor.zeros(other, 2, 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("concat: dtype mismatch");
    }
}
