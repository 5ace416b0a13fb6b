package cola4j.tensor;

import java.util.Arrays;

/** Shape arithmetic shared by the kernels: element counts, row-major strides, NumPy broadcasting. */
public final class Shapes {
    private Shapes() {}

    /**
     * Product of the dimensions; 1 for a scalar shape {@code []}, 0 when any dimension is 0. Throws if any dimension
     * is negative or the count overflows int.
     */
    public static int numel(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + str(shape));
            if (d == 0) n = 0;
        }
        // the bound applies to the whole product: a zero anywhere ([65536, 65536, 0]) makes an empty tensor
        for (int i = 0; i < shape.length && n > 0; i++) {
            n *= shape[i];
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("shape " + str(shape) + " has more than 2^31-1 elements");
            }
        }
        return (int) n;
    }

    /** Row-major (C-order) strides in elements: stride[i] = prod(shape[i+1..]). */
    public static int[] strides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    /**
     * NumPy broadcasting: align shapes on the right; each pair of dimensions must be equal or one of them 1.
     *
     * @throws IllegalArgumentException naming {@code op} and both shapes when they do not broadcast
     */
    public static int[] broadcast(String op, int[] a, int[] b) {
        int r = Math.max(a.length, b.length);
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int da = i < r - a.length ? 1 : a[i - (r - a.length)];
            int db = i < r - b.length ? 1 : b[i - (r - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": shapes " + str(a) + " and " + str(b)
                        + " do not broadcast (dimension " + da + " vs " + db + ")");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /**
     * Strides of {@code shape} viewed inside the broadcast shape {@code out} (right-aligned):
     * a broadcast dimension (size 1 or absent) gets stride 0.
     */
    public static int[] broadcastStrides(int[] shape, int[] out) {
        int[] st = strides(shape);
        int[] res = new int[out.length];
        int off = out.length - shape.length;
        for (int i = 0; i < shape.length; i++) res[i + off] = shape[i] == 1 ? 0 : st[i];
        return res;
    }

    /** Normalizes a possibly negative axis for a tensor of the given rank. */
    public static int axis(String op, int axis, int rank) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new IllegalArgumentException(op + ": axis " + axis + " out of range for rank " + rank);
        }
        return a;
    }

    /** Formats a shape as {@code [2, 3]}. */
    public static String str(int[] shape) {
        return Arrays.toString(shape);
    }
}
