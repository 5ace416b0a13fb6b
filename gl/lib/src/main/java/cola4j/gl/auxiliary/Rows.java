package cola4j.gl.auxiliary;

import cola4j.autograd.Var;
import java.util.Arrays;

/** Flattening helpers shared by the dense auxiliaries: [..., in] ↔ [rows, in]. */
final class Rows {
    private Rows() {}

    /** Checks x [..., in] and returns it as [rows, in]. */
    static Var flatten(AuxiliaryKind kind, Var x, int in) {
        int[] s = x.shape();
        if (s.length == 0 || s[s.length - 1] != in) {
            throw new IllegalArgumentException(kind + " auxiliary: input " + Arrays.toString(s)
                    + " must have last dimension " + in);
        }
        return s.length == 2 ? x : x.reshape(-1, in); // [..., in] -> [rows, in]
    }

    /** Restores the leading axes of {@code like}: [rows, out] → [..., out]. */
    static Var unflatten(Var y, int[] like, int out) {
        if (like.length == 2) return y;
        int[] s = like.clone();
        s[s.length - 1] = out;
        return y.reshape(s); // [rows, out] -> [..., out]
    }
}
