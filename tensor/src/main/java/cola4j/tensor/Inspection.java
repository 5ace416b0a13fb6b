package cola4j.tensor;

import java.util.Arrays;

/**
 * Read-only inspection of a tensor's values, behind {@link Tensor}'s methods of the same names: finiteness
 * (NaN/±Inf guards before checkpoints and updates), the largest absolute value and difference, the Euclidean norm,
 * and bitwise equality (tests and gradient checks). All accumulate in double and leave the tensor unchanged.
 */
final class Inspection {
    private Inspection() {}

    /** True if every element is finite (no NaN, no ±Inf). */
    static boolean isFinite(Tensor t) {
        if (t.nd != null) return Nd4jKernels.isFinite(t);
        if (t.d != null) {
            for (double v : t.d) if (!Double.isFinite(v)) return false;
        } else {
            for (float v : t.f) if (!Float.isFinite(v)) return false;
        }
        return true;
    }

    /**
     * Throws {@link IllegalArgumentException} naming {@code what}, the first bad value and its flat index;
     * else returns t.
     */
    static Tensor requireFinite(Tensor t, String what) {
        if (!isFinite(t)) {
            for (int i = 0; i < t.numel(); i++) {
                double v = t.getFlat(i);
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException(what + ": non-finite value " + v + " at flat index " + i
                            + " of tensor " + Shapes.str(t.shape()));
                }
            }
        }
        return t;
    }

    /** max_i |a_i - b_i| (shapes must match; dtypes may differ, both widened to double). */
    static double maxAbsDiff(Tensor a, Tensor b) {
        Elementwise.requireSameShape("maxAbsDiff", a, b);
        if (a.nd != null || b.nd != null) return Nd4jKernels.maxAbsDiff(a, b);
        double m = 0;
        for (int i = 0; i < a.numel(); i++) m = Math.max(m, Math.abs(a.getFlat(i) - b.getFlat(i)));
        return m;
    }

    /** max_i |x_i| (0 for an empty tensor). */
    static double maxAbs(Tensor t) {
        if (t.nd != null) return Nd4jKernels.maxAbs(t);
        double m = 0;
        for (int i = 0; i < t.numel(); i++) m = Math.max(m, Math.abs(t.getFlat(i)));
        return m;
    }

    /** sqrt(Σ_i x_i²), accumulated in double in flat order. */
    static double norm(Tensor t) {
        if (t.nd != null) return Nd4jKernels.norm(t);
        double s = 0;
        for (int i = 0; i < t.numel(); i++) s += t.getFlat(i) * t.getFlat(i);
        return Math.sqrt(s);
    }

    /** Same dtype, same shape and bitwise-equal elements (NaN payloads and the sign of zero included). */
    static boolean bitEquals(Tensor a, Tensor b) {
        if (a.dtype() != b.dtype() || !Arrays.equals(a.shape(), b.shape())) return false;
        if (a.nd != null || b.nd != null) { // two counted downloads (tests and checks, not the hot path)
            return a.d != null || a.dtype() == DType.FLOAT64 ? Arrays.equals(a.toDoubleArray(), b.toDoubleArray())
                    : Arrays.equals(a.toFloatArray(), b.toFloatArray());
        }
        return a.d != null ? Arrays.equals(a.d, b.d) : Arrays.equals(a.f, b.f);
    }
}
