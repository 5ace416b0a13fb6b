package cola4j.tensor;

import java.util.Arrays;

/** Layout ops: reshape (shares storage), permute, expand, slice, pad, concat (all others copy). */
final class Layout {
    private Layout() {}

    /** New shape over the same storage (a view: in-place writes are visible through both). */
    static Tensor reshape(Tensor t, int[] newShape) {
        int[] s = newShape.clone();
        int infer = -1, known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException("reshape: more than one -1 in " + Shapes.str(newShape));
                }
                infer = i;
            } else {
                known *= s[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || t.numel() % known != 0) {
                throw new IllegalArgumentException("reshape: cannot reshape " + Shapes.str(t.shape()) + " to "
                        + Shapes.str(newShape));
            }
            s[infer] = t.numel() / known;
        }
        if (Shapes.numel(s) != t.numel()) {
            throw new IllegalArgumentException("reshape: cannot reshape " + Shapes.str(t.shape()) + " (" + t.numel()
                    + " elements) to " + Shapes.str(newShape));
        }
        if (Backend.nd4j(t)) return Nd4jLayout.reshape(t, s);
        return t.d != null ? new Tensor(t.d, s, t.storage) : new Tensor(t.f, s, t.storage);
    }

    /** out[i_perm[0], ..., i_perm[r-1]] = t[i_0, ..., i_{r-1}]: axis k of the result is axis perm[k] of t. */
    static Tensor permute(Tensor t, int[] perm) {
        int r = t.rank();
        int[] shape = t.shape();
        if (perm.length != r) {
            throw new IllegalArgumentException("permute: " + Arrays.toString(perm) + " for shape " + Shapes.str(shape));
        }
        boolean[] seen = new boolean[r];
        int[] out = new int[r];
        int[] src = Shapes.strides(shape), st = new int[r];
        for (int k = 0; k < r; k++) {
            int p = Shapes.axis("permute", perm[k], r);
            if (seen[p]) {
                throw new IllegalArgumentException("permute: " + Arrays.toString(perm) + " is not a permutation");
            }
            seen[p] = true;
            out[k] = shape[p];
            st[k] = src[p];
        }
        if (Backend.nd4j(t)) return Nd4jLayout.permute(t, perm, out);
        return gather(t, out, st);
    }

    static Tensor transpose(Tensor t, int a, int b) {
        int r = t.rank();
        int[] perm = new int[r];
        for (int i = 0; i < r; i++) perm[i] = i;
        int x = Shapes.axis("transpose", a, r), y = Shapes.axis("transpose", b, r);
        perm[x] = y;
        perm[y] = x;
        return permute(t, perm);
    }

    static Tensor expand(Tensor t, int[] target) {
        int[] b = Shapes.broadcast("expand", t.shape(), target);
        if (!Arrays.equals(b, target)) {
            throw new IllegalArgumentException("expand: " + Shapes.str(t.shape()) + " cannot be expanded to "
                    + Shapes.str(target));
        }
        if (Arrays.equals(t.shape(), target)) return t;
        if (Backend.nd4j(t)) return Nd4jLayout.expand(t, target);
        return gather(t, target, Shapes.broadcastStrides(t.shape(), target));
    }

    /** Copies t into a new contiguous tensor of shape {@code out}, reading element at sum(idx[k]·st[k]). */
    private static Tensor gather(Tensor t, int[] out, int[] st) {
        Tensor res = Tensor.zeros(t.dtype(), out);
        int r = out.length, n = res.numel();
        if (r == 0 || n == 0) {
            if (n == 1) res.setFlat(0, t.getFlat(0));
            return res;
        }
        int inner = out[r - 1];
        Parallel.forRange(n / inner, inner, (lo, hi) -> gatherRows(t, res, out, st, lo, hi));
        return res;
    }

    /** Rows [from, to) (over the last axis) of {@link #gather}'s result. */
    private static void gatherRows(Tensor t, Tensor res, int[] out, int[] st, int from, int to) {
        int r = out.length, inner = out[r - 1], is = st[r - 1];
        int[] idx = new int[r];
        int off = 0, o = from * inner;
        for (int k = r - 2, q = from; k >= 0; k--) { // the odometer at row `from`
            idx[k] = q % out[k];
            q /= out[k];
            off += idx[k] * st[k];
        }
        boolean dbl = t.d != null;
        for (int q = from; q < to; q++) {
            if (dbl) for (int j = 0; j < inner; j++) res.d[o++] = t.d[off + j * is];
            else for (int j = 0; j < inner; j++) res.f[o++] = t.f[off + j * is];
            for (int k = r - 2; k >= 0; k--) {
                idx[k]++;
                off += st[k];
                if (idx[k] < out[k]) break;
                off -= st[k] * out[k];
                idx[k] = 0;
            }
        }
    }

    static Tensor slice(Tensor t, int axis, int start, int end) {
        int[] shape = t.shape();
        int a = Shapes.axis("slice", axis, shape.length);
        if (start < 0 || end > shape[a] || start > end) {
            throw new IllegalArgumentException("slice: range [" + start + ", " + end + ") out of bounds for axis " + a
                    + " of shape " + Shapes.str(shape));
        }
        int[] out = shape.clone();
        out[a] = end - start;
        if (Backend.nd4j(t)) return Nd4jLayout.slice(t, a, start, end, out);
        Tensor res = Tensor.zeros(t.dtype(), out);
        int inner = Shapes.numel(Arrays.copyOfRange(shape, a + 1, shape.length));
        int outer = Shapes.numel(Arrays.copyOfRange(shape, 0, a));
        int len = (end - start) * inner;
        for (int q = 0; q < outer; q++) copy(t, (q * shape[a] + start) * inner, res, q * len, len);
        return res;
    }

    /** Zero padding along one axis: {@code before} zeros, the data, {@code after} zeros. VJP of slice. */
    static Tensor pad(Tensor t, int axis, int before, int after) {
        int[] shape = t.shape();
        int a = Shapes.axis("pad", axis, shape.length);
        if (before < 0 || after < 0) {
            throw new IllegalArgumentException("pad: negative padding " + before + ", " + after);
        }
        int[] out = shape.clone();
        out[a] = shape[a] + before + after;
        if (Backend.nd4j(t)) return Nd4jLayout.pad(t, a, before, out);
        Tensor res = Tensor.zeros(t.dtype(), out);
        int inner = Shapes.numel(Arrays.copyOfRange(shape, a + 1, shape.length));
        int outer = Shapes.numel(Arrays.copyOfRange(shape, 0, a));
        int len = shape[a] * inner;
        for (int q = 0; q < outer; q++) copy(t, q * len, res, (q * out[a] + before) * inner, len);
        return res;
    }

    static Tensor concat(int axis, Tensor... parts) {
        if (parts.length == 0) throw new IllegalArgumentException("concat: no tensors");
        int[] first = parts[0].shape();
        int a = Shapes.axis("concat", axis, first.length);
        int total = 0;
        for (Tensor p : parts) {
            int[] s = p.shape();
            Elementwise.requireDtype("concat", parts[0], p);
            boolean ok = s.length == first.length;
            for (int i = 0; ok && i < s.length; i++) ok = i == a || s[i] == first[i];
            if (!ok) {
                throw new IllegalArgumentException("concat: shapes " + Shapes.str(first) + " and " + Shapes.str(s)
                        + " differ outside axis " + a);
            }
            total += s[a];
        }
        int[] out = first.clone();
        out[a] = total;
        if (Backend.nd4j(parts)) return Nd4jLayout.concat(a, parts, out);
        Tensor res = Tensor.zeros(parts[0].dtype(), out);
        int inner = Shapes.numel(Arrays.copyOfRange(first, a + 1, first.length));
        int outer = Shapes.numel(Arrays.copyOfRange(first, 0, a));
        int at = 0;
        for (Tensor p : parts) {
            int len = p.shape()[a] * inner;
            for (int q = 0; q < outer; q++) copy(p, q * len, res, q * total * inner + at, len);
            at += len;
        }
        return res;
    }

    private static void copy(Tensor src, int from, Tensor dst, int to, int len) {
        if (src.d != null) System.arraycopy(src.d, from, dst.d, to, len);
        else System.arraycopy(src.f, from, dst.f, to, len);
    }
}
