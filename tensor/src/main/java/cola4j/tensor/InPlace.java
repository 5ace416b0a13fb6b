package cola4j.tensor;

/**
 * The in-place writes behind {@link Tensor#addInPlace} and {@link Tensor#copyFrom}, used by optimizers and weight
 * merging; every other op returns a new tensor. Each checks that the operands have the same shape and dtype, and
 * bumps {@code storage.version} of the array it writes (through whichever reshape view it was called on), so that
 * {@link MatMul}'s native mirror of that array is refreshed before its next product ({@link Tensor#setFlat} does the
 * same for single elements).
 */
final class InPlace {
    private InPlace() {}

    /** t += alpha·other elementwise; in float32 alpha is rounded to float first. Returns t. */
    static Tensor addScaled(Tensor t, Tensor other, double alpha) {
        Elementwise.requireSame("addInPlace", t, other);
        if (t.nd != null || other.nd != null) return Nd4jKernels.addScaled(t, other, alpha);
        t.storage.version++;
        if (t.d != null) {
            double[] d = t.d, o = other.d;
            Parallel.forRange(d.length, 1, (lo, hi) -> {
                for (int i = lo; i < hi; i++) d[i] += alpha * o[i];
            });
        } else {
            float[] f = t.f, o = other.f;
            float a = (float) alpha;
            Parallel.forRange(f.length, 1, (lo, hi) -> {
                for (int i = lo; i < hi; i++) f[i] += a * o[i];
            });
        }
        return t;
    }

    /** t := other elementwise. Returns t. */
    static Tensor copy(Tensor t, Tensor other) {
        Elementwise.requireSame("copyFrom", t, other);
        if (t.nd != null || other.nd != null) return Nd4jKernels.copy(t, other);
        t.storage.version++;
        if (t.d != null) System.arraycopy(other.d, 0, t.d, 0, t.d.length);
        else System.arraycopy(other.f, 0, t.f, 0, t.f.length);
        return t;
    }
}
