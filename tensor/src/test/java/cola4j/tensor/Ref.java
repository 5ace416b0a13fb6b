package cola4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;

/**
 * Naive reference helpers for the engine tests: index arithmetic written out longhand (no strides shared
 * with the engine), random inputs, and closeness assertions.
 */
final class Ref {
    private Ref() {}

    /** Multi-index of a flat row-major position. */
    static int[] unravel(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int i = shape.length - 1; i >= 0; i--) {
            idx[i] = flat % shape[i];
            flat /= shape[i];
        }
        return idx;
    }

    /** Flat row-major position of a multi-index. */
    static int ravel(int[] idx, int[] shape) {
        int flat = 0;
        for (int i = 0; i < shape.length; i++) flat = flat * shape[i] + idx[i];
        return flat;
    }

    /**
     * Flat position in a tensor of {@code shape} that NumPy broadcasting reads for output index {@code outIdx}:
     * right-align the shapes, use index 0 where the operand's dimension is 1.
     */
    static int broadcastFlat(int[] outIdx, int[] shape) {
        int off = outIdx.length - shape.length;
        int[] idx = new int[shape.length];
        for (int i = 0; i < shape.length; i++) idx[i] = shape[i] == 1 ? 0 : outIdx[i + off];
        return ravel(idx, shape);
    }

    /** Numel without the engine's Shapes helper. */
    static int numel(int[] shape) {
        int n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    /** A tensor with distinct, non-trivial values (includes negatives; no exact zeros). */
    static Tensor rand(Rng rng, DType dtype, int... shape) {
        Tensor t = rng.uniform(dtype, -2, 2, shape);
        for (int i = 0; i < t.numel(); i++) if (t.getFlat(i) == 0) t.setFlat(i, 0.5);
        return t;
    }

    /** A tensor of {@code dtype} holding {@code values} (rounded to float for float32). */
    static Tensor tensor(DType dtype, double[] values, int... shape) {
        Tensor t = Tensor.of(values.clone(), shape);
        return dtype == DType.FLOAT64 ? t : t.to(DType.FLOAT32);
    }

    /** Rounds a double reference value the way a tensor of {@code dtype} stores it. */
    static double round(DType dtype, double v) {
        return dtype == DType.FLOAT64 ? v : (double) (float) v;
    }

    /** Exact equality of dtype, shape and every element (NaN equals NaN). */
    static void assertExact(Tensor actual, DType dtype, int[] shape, double[] expected) {
        assertThat(actual.dtype()).isEqualTo(dtype);
        assertThat(actual.shape()).containsExactly(shape);
        double[] got = actual.toDoubleArray();
        for (int i = 0; i < expected.length; i++) expected[i] = round(dtype, expected[i]);
        assertThat(got).as("elements").containsExactly(expected);
    }

    /** Relative closeness: |a - e| <= tol * max(1, |e|) for every element, plus dtype and shape. */
    static void assertClose(Tensor actual, DType dtype, int[] shape, double[] expected, double tol) {
        assertThat(actual.dtype()).isEqualTo(dtype);
        assertThat(actual.shape()).containsExactly(shape);
        assertThat(actual.numel()).isEqualTo(expected.length);
        for (int i = 0; i < expected.length; i++) {
            double a = actual.getFlat(i), e = expected[i];
            if (Math.abs(a - e) > tol * Math.max(1, Math.abs(e))) {
                throw new AssertionError("element " + i + " of " + Arrays.toString(shape) + ": got " + a + ", expected "
                        + e + " (tol " + tol + ")");
            }
        }
    }

    /** Tolerance for results accumulated in double then stored in {@code dtype}. */
    static double tol(DType dtype) {
        return dtype == DType.FLOAT64 ? 1e-12 : 1e-6;
    }
}
