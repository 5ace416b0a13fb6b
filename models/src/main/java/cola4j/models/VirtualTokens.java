package cola4j.models;

import cola4j.autograd.Var;

/**
 * Trainable inputs that are not a function of the tokens, supplied to one forward pass through its
 * {@link ForwardContext}: prompt tuning's virtual token embeddings and prefix tuning's key/value prefixes
 * ({@code cola4j.models.prompt}). The layers ask for them by name; null (the defaults) means "none here".
 * <pre>
 *   prompt(stack)       P [n, C]: TransformerStack {@code stack} ("" decoder/encoder, "encoder", "decoder") embeds
 *                       x = [P; E[ids] + pos[0..T−1]] and runs its blocks over n + T positions
 *   prefix(attention)   (K_p, V_p) [n, C] each: MultiHeadAttention {@code attention} (e.g. blocks.0.attn,
 *                       decoder.blocks.1.cross_attn) attends over [K_p; K] and [V_p; V], every query sees K_p
 * </pre>
 * A provider is built per forward pass (a prefix reparameterisation is evaluated once and shared by every layer).
 */
public interface VirtualTokens {
    /** The prompt embeddings [n, C] to prepend to the input embeddings of stack {@code stack}, or null. */
    default Var prompt(String stack) {
        return null;
    }

    /** The key and value prefixes of attention {@code attention}, or null. */
    default KeyValue prefix(String attention) {
        return null;
    }

    /**
     * Key and value prefixes of one attention, [n, C] each (after the key/value projections, heads split as the
     * keys are: column block h·hs..(h+1)·hs is head h).
     */
    record KeyValue(Var key, Var value) {
        public KeyValue {
            if (key == null || value == null || key.shape().length != 2
                    || !java.util.Arrays.equals(key.shape(), value.shape())) {
                throw new IllegalArgumentException("VirtualTokens.KeyValue: key and value must both be [n, C]");
            }
        }

        /** n, the number of prefix positions. */
        public int length() {
            return key.shape()[0];
        }
    }

    /** n ≥ 0 rows of an [n, C] tensor with C = {@code dModel}; IllegalArgumentException naming {@code what}. */
    static int rows(Var v, int dModel, String what) {
        int[] s = v.shape();
        if (s.length != 2 || s[1] != dModel) {
            throw new IllegalArgumentException(what + ": virtual tokens " + java.util.Arrays.toString(s)
                    + " must be [n, " + dModel + "]");
        }
        return s[0];
    }

    /** [B, n, C]: the [n, C] rows repeated for each of the {@code b} rows of a batch. */
    static Var perRow(Var v, int b) {
        int n = v.shape()[0], c = v.shape()[1];
        return v.reshape(1, n, c).expand(b, n, c);
    }

    /** A padding mask [B][T] (1 real, 0 pad) with n leading ones: [B][n + T]; null stays null (no padding). */
    static int[][] extendMask(int[][] mask, int n) {
        if (n < 0) throw new IllegalArgumentException("VirtualTokens: " + n + " virtual positions");
        if (mask == null || n == 0) return mask;
        int[][] m = new int[mask.length][];
        for (int i = 0; i < mask.length; i++) {
            m[i] = new int[n + mask[i].length];
            java.util.Arrays.fill(m[i], 0, n, 1);
            System.arraycopy(mask[i], 0, m[i], n, mask[i].length);
        }
        return m;
    }
}
