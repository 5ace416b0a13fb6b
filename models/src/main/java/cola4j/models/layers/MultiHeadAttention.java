package cola4j.models.layers;

import cola4j.autograd.Activations;
import cola4j.autograd.ElementwiseOps;
import cola4j.autograd.LayoutOps;
import cola4j.autograd.Var;
import cola4j.models.ForwardContext;
import cola4j.models.Module;
import cola4j.models.VirtualTokens;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.LinkedHashMap;

/**
 * Multi-head scaled dot-product attention with four biased Linears {@code query}, {@code key}, {@code value},
 * {@code out} (each [C, C]), C = nh·hs:
 * <pre>
 *   Q = xq·Wqᵀ + bq,  K = xkv·Wkᵀ + bk,  V = xkv·Wvᵀ + bv          split into nh heads of width hs
 *   S = Q·Kᵀ / √hs;   S[i, j] = −1e30 where key j is masked for query i
 *   A = dropout(softmax(S, over keys));   Y = A·V, heads concatenated;   out = Y·Woᵀ + bo
 * </pre>
 * Masks: causal masks keys j &gt; i (self-attention only); the key-padding mask [B][Tk] (1 = real, 0 = pad)
 * masks padded keys for every query. −1e30 (not −∞) keeps a fully masked row finite (it becomes uniform)
 * while exp(−1e30 − max) underflows to exactly 0 in float32 and float64, so masked keys get weight exactly 0
 * and cannot change any output. Self-attention: xkv = xq; cross-attention: xkv = encoder memory.
 * <p>Prefix tuning: when the context holds a {@link VirtualTokens#prefix} (K_p, V_p) [n, C] for this attention's
 * name, K = [K_p; xkv·Wkᵀ + bk] and V = [V_p; xkv·Wvᵀ + bv] ([B, n + Tk, C]); every query sees the n prefix keys
 * (causal: key j is visible to query i iff j &lt; n or j − n ≤ i; a key-padding mask gains n leading ones).
 * dK_p = Σ_b dK[b, :n], dV_p likewise; n = 0 is exactly the attention without a prefix.
 */
public final class MultiHeadAttention implements Module {
    /** Score given to masked (query, key) pairs. */
    public static final double MASKED = -1e30;

    private final String name;
    private final int dModel, heads;
    private final Linear query, key, value, out;
    private final Dropout attnDropout;

    /** Sites are named {@code name + ".query"} etc.; init draws query, key, value, out in that order. */
    public MultiHeadAttention(String name, int dModel, int heads, double dropout, DType dtype, Rng rng) {
        if (heads <= 0 || dModel % heads != 0) {
            throw new IllegalArgumentException("MultiHeadAttention " + name + ": d_model " + dModel
                    + " is not divisible by heads " + heads);
        }
        this.name = name;
        this.dModel = dModel;
        this.heads = heads;
        this.query = new Linear(name + ".query", dModel, dModel, true, dtype, rng);
        this.key = new Linear(name + ".key", dModel, dModel, true, dtype, rng);
        this.value = new Linear(name + ".value", dModel, dModel, true, dtype, rng);
        this.out = new Linear(name + ".out", dModel, dModel, true, dtype, rng);
        this.attnDropout = new Dropout(dropout);
    }

    /**
     * xq [B, Tq, C], xkv [B, Tk, C] → [B, Tq, C].
     *
     * @param causal  mask keys after the query position (requires Tq == Tk)
     * @param keyMask [B][Tk] with 1 = real key, 0 = padding; null = no padding
     */
    public Var forward(Var xq, Var xkv, boolean causal, int[][] keyMask, ForwardContext ctx) {
        int[] sq = xq.shape(), sk = xkv.shape();
        if (sq.length != 3 || sk.length != 3 || sq[2] != dModel || sk[2] != dModel || sq[0] != sk[0]) {
            throw new IllegalArgumentException("MultiHeadAttention: query input " + java.util.Arrays.toString(sq)
                    + " and key/value input " + java.util.Arrays.toString(sk) + " must be [B, T, " + dModel
                    + "] with the same B");
        }
        int b = sq[0], tq = sq[1], tk = sk[1];
        if (causal && tq != tk) {
            throw new IllegalArgumentException("MultiHeadAttention: causal mask needs Tq == Tk, got "
                    + tq + " and " + tk);
        }
        Var q = query.forward(xq, ctx), k = key.forward(xkv, ctx), v = value.forward(xkv, ctx); // sites in this order
        VirtualTokens.KeyValue p = ctx.prefix(name);
        int n = p == null ? 0 : VirtualTokens.rows(p.key(), dModel, "MultiHeadAttention " + name);
        if (n > 0) {
            k = LayoutOps.concat(1, VirtualTokens.perRow(p.key(), b), k);   // [B, n + Tk, C]
            v = LayoutOps.concat(1, VirtualTokens.perRow(p.value(), b), v); // [B, n + Tk, C]
        }
        Var y = attend(q, k, v, heads, causal, n, VirtualTokens.extendMask(keyMask, n),
                attnDropout, ctx);
        return out.forward(y, ctx);
    }

    /**
     * The attention core shared with the Hugging Face layouts (before the output projection): q [B, Tq, C],
     * k and v [B, Tk, C] are split into nh heads of width hs = C / nh; S = Q·Kᵀ / √hs, masked pairs set to
     * {@link #MASKED}, A = dropout(softmax(S)), Y = A·V with the heads concatenated → [B, Tq, C].
     *
     * @param causal  mask keys after the query position (requires Tq == Tk)
     * @param keyMask [B][Tk] with 1 = real key, 0 = padding; null = no padding
     */
    public static Var attend(Var q, Var k, Var v, int heads, boolean causal, int[][] keyMask, Dropout attnDropout,
                             ForwardContext ctx) {
        return attend(q, k, v, heads, causal, 0, keyMask, attnDropout, ctx);
    }

    /**
     * {@link #attend(Var, Var, Var, int, boolean, int[][], Dropout, ForwardContext)} whose first {@code prefix} keys
     * are visible to every query (prefix tuning): causal then masks key j for query i iff j − prefix &gt; i, and
     * needs Tk = prefix + Tq; keyMask covers all Tk keys.
     */
    public static Var attend(Var q, Var k, Var v, int heads, boolean causal, int prefix, int[][] keyMask,
                             Dropout attnDropout, ForwardContext ctx) {
        int b = q.shape()[0], tq = q.shape()[1], tk = k.shape()[1], c = q.shape()[2], hs = c / heads;
        if (causal && tq + prefix != tk) {
            throw new IllegalArgumentException("MultiHeadAttention: causal mask needs Tq == Tk, got " + tq + " and "
                    + tk);
        }
        Var qh = heads(q, b, tq, heads, hs); // [B, nh, Tq, hs]
        Var kh = heads(k, b, tk, heads, hs); // [B, nh, Tk, hs]
        Var vh = heads(v, b, tk, heads, hs); // [B, nh, Tk, hs]
        Var scores = qh.matmul(kh, false, true).mul(1.0 / Math.sqrt(hs)); // [B, nh, Tq, Tk]
        Tensor allowed = allowed(b, tq, tk, causal, prefix, keyMask, q.value().dtype()); // [B or 1, 1, Tq, Tk]
        if (allowed != null) {
            scores = ElementwiseOps.where(allowed, scores, Var.constant(Tensor.scalar(scores.value().dtype(), MASKED)));
        }
        Var att = attnDropout.forward(Activations.softmax(scores, -1), ctx); // [B, nh, Tq, Tk]
        return att.matmul(vh)                 // [B, nh, Tq, hs]
                .permute(0, 2, 1, 3)          // [B, Tq, nh, hs]
                .reshape(b, tq, c);           // [B, Tq, C]
    }

    /** [B, T, C] -> [B, T, nh, hs] -> [B, nh, T, hs]. */
    private static Var heads(Var x, int b, int t, int heads, int hs) {
        return x.reshape(b, t, heads, hs).permute(0, 2, 1, 3);
    }

    /**
     * 1 where query i may attend key j (causal: j &lt; prefix or j − prefix ≤ i); null when nothing is masked.
     * Shape [B, 1, Tq, Tk] or [1, 1, Tq, Tk].
     */
    static Tensor allowed(int b, int tq, int tk, boolean causal, int prefix, int[][] keyMask, DType dtype) {
        if (!causal && keyMask == null) return null;
        if (keyMask != null && (keyMask.length != b || Tokens.width(keyMask, "key mask") != tk)) {
            throw new IllegalArgumentException("MultiHeadAttention: key mask [" + keyMask.length + "]["
                    + keyMask[0].length + "] must be [" + b + "][" + tk + "]");
        }
        int nb = keyMask == null ? 1 : b;
        double[] m = new double[nb * tq * tk]; // built in Java, one upload on the ND4J backend
        for (int n = 0; n < nb; n++) {
            for (int i = 0; i < tq; i++) {
                for (int j = 0; j < tk; j++) {
                    boolean ok = (!causal || j - prefix <= i) && (keyMask == null || keyMask[n][j] != 0);
                    if (ok) m[((n * tq) + i) * tk + j] = 1.0;
                }
            }
        }
        return Tensor.of(dtype, m, nb, 1, tq, tk);
    }

    @Override
    public LinkedHashMap<String, Var> namedParameters() {
        LinkedHashMap<String, Var> m = new LinkedHashMap<>();
        Module.addChild(m, "query", query);
        Module.addChild(m, "key", key);
        Module.addChild(m, "value", value);
        Module.addChild(m, "out", out);
        return m;
    }

    @Override
    public void setTrainable(boolean trainable) {
        for (Linear l : linears()) l.setTrainable(trainable);
    }

    /** query, key, value, out. */
    public java.util.List<Linear> linears() {
        return java.util.List.of(query, key, value, out);
    }
}
