package cola4j.models.data;

import java.util.Arrays;

/**
 * A batch of feature vectors with class labels (e.g. 8x8 digit images flattened row-major).
 *
 * @param x features [B, D]
 * @param y class index per example [B]
 */
public record VectorBatch(double[][] x, int[] y) {
    public VectorBatch {
        if (x.length != y.length)
            throw new IllegalArgumentException("VectorBatch: x has " + x.length + " rows but y has " + y.length);
        for (int i = 1; i < x.length; i++)
            if (x[i].length != x[0].length)
                throw new IllegalArgumentException("VectorBatch: row " + i + " has length " + x[i].length
                        + " != " + x[0].length);
    }

    /** Batch size B. */
    public int size() {
        return y.length;
    }

    /** Feature dimension D. */
    public int dim() {
        return x.length == 0 ? 0 : x[0].length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VectorBatch b && Arrays.deepEquals(x, b.x) && Arrays.equals(y, b.y);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.deepHashCode(x) + Arrays.hashCode(y);
    }

    @Override
    public String toString() {
        return "VectorBatch[B=" + size() + ", D=" + dim() + "]";
    }
}
