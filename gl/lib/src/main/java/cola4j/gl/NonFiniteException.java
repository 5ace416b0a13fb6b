package cola4j.gl;

/**
 * Training diverged: a loss, a hidden-representation gradient (adaptation data) or a trained parameter holds NaN or
 * ±Inf. The message names the quantity without a prefix ({@code "loss is NaN"}, {@code "adaptation data at site S is
 * non-finite: ..."}), so that a training loop can add the step: {@code "step 12: loss is NaN"}. Thrown before anything
 * is updated with the bad value (the server checks the loss before backward and dL/dh before it ships it).
 */
public final class NonFiniteException extends IllegalStateException {
    public NonFiniteException(String message) {
        super(message);
    }

    /**
     * "NaN at flat index i (row r)" for the first non-finite element of a [rows, ...] tensor, or null if all are
     * finite.
     */
    public static String firstNonFinite(cola4j.tensor.Tensor t) {
        if (t.isFinite()) return null;
        int perRow = t.rank() == 0 ? 1 : t.numel() / Math.max(1, t.dim(0));
        for (int i = 0; i < t.numel(); i++) {
            double v = t.getFlat(i);
            if (!Double.isFinite(v)) return v + " at flat index " + i + " (row " + i / Math.max(1, perRow) + ")";
        }
        return null;
    }
}
