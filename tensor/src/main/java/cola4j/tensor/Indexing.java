package cola4j.tensor;

import java.util.Arrays;

/** Row gathers (embedding lookup), their scatter-add VJP, and one-hot encoding. */
final class Indexing {
    private Indexing() {}

    /** out[k, ...] = t[idx[k], ...]; t: [n, ...] → [idx.length, ...]. */
    static Tensor gatherRows(Tensor t, int[] idx) {
        int[] shape = t.shape();
        if (shape.length == 0) throw new IllegalArgumentException("gatherRows: scalar tensor has no rows");
        int n = shape[0], row = n == 0 ? 0 : t.numel() / n;
        int[] out = shape.clone();
        out[0] = idx.length;
        if (Backend.nd4j(t)) return Nd4jLayout.gatherRows(t, checked("gatherRows", idx, n), out);
        Tensor res = Tensor.zeros(t.dtype(), out);
        for (int k = 0; k < idx.length; k++) {
            if (idx[k] < 0 || idx[k] >= n) {
                throw new IndexOutOfBoundsException("gatherRows: index " + idx[k] + " out of range [0, " + n + ")");
            }
            if (t.d != null) System.arraycopy(t.d, idx[k] * row, res.d, k * row, row);
            else System.arraycopy(t.f, idx[k] * row, res.f, k * row, row);
        }
        return res;
    }

    /** out = zeros [n, ...]; out[idx[k], ...] += t[k, ...]. Repeated indices accumulate. */
    static Tensor scatterAddRows(Tensor t, int[] idx, int n) {
        int[] shape = t.shape();
        if (shape.length == 0 || shape[0] != idx.length) {
            throw new IllegalArgumentException("scatterAddRows: " + idx.length + " indices for tensor "
                    + Shapes.str(shape));
        }
        int row = idx.length == 0 ? Shapes.numel(Arrays.copyOfRange(shape, 1, shape.length)) : t.numel() / idx.length;
        int[] out = shape.clone();
        out[0] = n;
        if (Backend.nd4j(t)) return Nd4jLayout.scatterAddRows(t, checked("scatterAddRows", idx, n), out);
        Tensor res = Tensor.zeros(t.dtype(), out);
        for (int k = 0; k < idx.length; k++) {
            if (idx[k] < 0 || idx[k] >= n) {
                throw new IndexOutOfBoundsException("scatterAddRows: index " + idx[k] + " out of range [0, " + n + ")");
            }
            int o = idx[k] * row, s = k * row;
            if (t.d != null) for (int j = 0; j < row; j++) res.d[o + j] += t.d[s + j];
            else for (int j = 0; j < row; j++) res.f[o + j] += t.f[s + j];
        }
        return res;
    }

    /** idx, after checking that every index is in [0, n) (the heap loops check as they go). */
    private static int[] checked(String op, int[] idx, int n) {
        for (int i : idx) {
            if (i < 0 || i >= n) {
                throw new IndexOutOfBoundsException(op + ": " + (op.equals("oneHot") ? "label " : "index ") + i
                        + " out of range [0, " + n + ")");
            }
        }
        return idx;
    }

    /** [labels.length, classes] with a 1 at each label. */
    static Tensor oneHot(DType dtype, int[] labels, int classes) {
        if (Backend.current() == Backend.ND4J) return Nd4jLayout.oneHot(dtype, checked("oneHot", labels, classes),
                classes);
        Tensor res = Tensor.zeros(dtype, labels.length, classes);
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IndexOutOfBoundsException("oneHot: label " + labels[i]
                        + " out of range [0, " + classes + ")");
            }
            res.setFlat(i * classes + labels[i], 1.0);
        }
        return res;
    }
}
