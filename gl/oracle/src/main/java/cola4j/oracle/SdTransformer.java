package cola4j.oracle;

import cola4j.autograd.Var;
import cola4j.tensor.DType;
import cola4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.autodiff.loss.LossReduce;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * cola4j's transformer layers rebuilt in SameDiff from the formulas in {@code docs/models.md}, not from our
 * code: every named parameter of a cola4j module becomes a trainable SameDiff variable of the same name
 * and value (float64 in the equivalence tests, float32 in {@code cola bench samediff}) ({@link Tensor#toINDArray()}),
 * and each layer is written with SameDiff primitives (mmul, reshape, permute, softmax, tanh, mean, sqrt) so the
 * gradients come from libnd4j's own *_bp kernels.
 *
 * <p>Sequence activations are kept as 2-D [B·T, C] row-major (row b·T + t), which is the same memory as
 * [B, T, C]; attention reshapes to heads explicitly. Eval mode only: dropout is the identity.
 */
public final class SdTransformer {
    private final SameDiffOracle o;
    private final int heads;
    private final Map<String, SDVariable> p = new LinkedHashMap<>();
    private int constants;

    /** Declares every entry of {@code params} as a SameDiff parameter of the same name and value. */
    public SdTransformer(SameDiffOracle o, Map<String, Var> params, int heads) {
        this.o = o;
        this.heads = heads;
        params.forEach((name, v) -> p.put(name, o.param(name, v.value())));
    }

    public SameDiffOracle oracle() {
        return o;
    }

    /** The SameDiff variable of parameter {@code prefix.rest} (or {@code rest} when the prefix is empty). */
    public SDVariable w(String prefix, String rest) {
        String name = prefix.isEmpty() ? rest : prefix + "." + rest;
        SDVariable v = p.get(name);
        if (v == null) throw new IllegalArgumentException("SdTransformer: no parameter " + name + " in " + p.keySet());
        return v;
    }

    /** A constant of the oracle's dtype with a fresh name. */
    public SDVariable constant(Tensor t) {
        return o.constant("const" + (constants++), t);
    }

    /** h = x·Wᵀ (+ b): x [N, in], W [out, in] → [N, out]. */
    public SDVariable linear(String site, SDVariable x, boolean bias) {
        SDVariable h = o.sd().mmul(x, w(site, "weight"), false, true, false);
        return bias ? h.add(w(site, "bias")) : h;
    }

    /** LayerNorm over the last axis of [N, C], eps 1e-5, biased variance. */
    public SDVariable layerNorm(String ln, SDVariable x) {
        return o.layerNorm(x, w(ln, "weight"), w(ln, "bias"), 1e-5, 1);
    }

    /**
     * Multi-head attention, xq [B·Tq, C], xkv [B·Tk, C] → [B·Tq, C]. Masked (query, key) scores become exactly
     * −1e30 as in docs/models.md: S ⊙ allowed + (allowed − 1)·1e30 (allowed = 1 leaves S bit-identical,
     * allowed = 0 gives −1e30 and a zero gradient, like our where()).
     *
     * @param allowed [B, Tq, Tk] with 1 = may attend, 0 = masked; null = nothing masked
     */
    public SDVariable attention(String a, SDVariable xq, SDVariable xkv, int b, int tq, int tk, int c,
            double[][][] allowed) {
        int hs = c / heads;
        SDVariable q = splitHeads(linear(a + ".query", xq, true), b, tq, c); // [B·nh, Tq, hs]
        SDVariable k = splitHeads(linear(a + ".key", xkv, true), b, tk, c);  // [B·nh, Tk, hs]
        SDVariable v = splitHeads(linear(a + ".value", xkv, true), b, tk, c); // [B·nh, Tk, hs]
        SDVariable s = o.sd().mmul(q, k, false, true, false).mul(1.0 / Math.sqrt(hs)); // [B·nh, Tq, Tk]
        if (allowed != null) {
            Tensor keep = Tensor.zeros(o.dtype(), b * heads, tq, tk), fill = Tensor.zeros(o.dtype(), b * heads, tq, tk);
            for (int n = 0; n < b; n++) {
                for (int h = 0; h < heads; h++) {
                    for (int i = 0; i < tq; i++) {
                        for (int j = 0; j < tk; j++) {
                            int at = ((n * heads + h) * tq + i) * tk + j;
                            keep.setFlat(at, allowed[n][i][j]);
                            fill.setFlat(at, allowed[n][i][j] == 0 ? -1e30 : 0.0);
                        }
                    }
                }
            }
            s = s.mul(constant(keep)).add(constant(fill));
        }
        SDVariable att = softmaxOverKeys(s, allowed);                            // [B·nh, Tq, Tk]
        SDVariable y = o.sd().mmul(att, v, false, false, false);                 // [B·nh, Tq, hs]
        // [B, nh, Tq, hs] -> [B, Tq, nh, hs] -> [B·Tq, C]
        y = y.reshape(b, heads, tq, hs).permute(0, 2, 1, 3).reshape(b * tq, c);
        return linear(a + ".out", y, true);
    }

    /**
     * softmax over the last axis of [B·nh, Tq, Tk]. SameDiff's fused softmax where every query sees at least one
     * key; where some query sees none (a row of −1e30) from primitives, exp(S − max S) / Σ exp(S − max S),
     * because libnd4j 1.0.0-M2.1's softmax returns NaN for a row whose entries are all −1e30 (checked: softmax of
     * [−1e30, −1e30, −1e30] is [NaN, NaN, NaN]) whereas docs/models.md specifies a uniform row.
     */
    private SDVariable softmaxOverKeys(SDVariable s, double[][][] allowed) {
        if (!hasEmptyRow(allowed)) return o.sd().nn().softmax(s, 2);
        SDVariable e = o.sd().math().exp(s.sub(s.max(true, 2)));
        return e.div(e.sum(true, 2));
    }

    private static boolean hasEmptyRow(double[][][] allowed) {
        if (allowed == null) return false;
        for (double[][] rows : allowed) {
            for (double[] row : rows) {
                if (java.util.Arrays.stream(row).allMatch(v -> v == 0)) return true;
            }
        }
        return false;
    }

    /** [B·T, C] -> [B, T, nh, hs] -> [B, nh, T, hs] -> [B·nh, T, hs]. */
    private SDVariable splitHeads(SDVariable x, int b, int t, int c) {
        int hs = c / heads;
        return x.reshape(b, t, heads, hs).permute(0, 2, 1, 3).reshape(b * heads, t, hs);
    }

    /** Which (query, key) pairs may attend, from the documented rule: (!causal or j ≤ i) and keyMask[b][j] ≠ 0. */
    public static double[][][] allowed(int b, int tq, int tk, boolean causal, int[][] keyMask) {
        if (!causal && keyMask == null) return null;
        double[][][] m = new double[b][tq][tk];
        for (int n = 0; n < b; n++) {
            for (int i = 0; i < tq; i++) {
                for (int j = 0; j < tk; j++) {
                    m[n][i][j] = (!causal || j <= i) && (keyMask == null || keyMask[n][j] != 0) ? 1 : 0;
                }
            }
        }
        return m;
    }

    /** GELU MLP: fc2(gelu(fc1(x))). */
    public SDVariable mlp(String m, SDVariable x) {
        return linear(m + ".fc2", o.gelu(linear(m + ".fc1", x, true)), true);
    }

    /**
     * Pre-LN block on x [B·T, C]: x += attn(ln1 x); [x += cross_attn(ln_cross x, memory)]; x += mlp(ln2 x).
     *
     * @param memory [B·S, C] or null (no cross-attention)
     */
    public SDVariable block(String blk, SDVariable x, int b, int t, int c, boolean causal, int[][] keyMask,
                     SDVariable memory, int s, int[][] memoryMask) {
        SDVariable a = layerNorm(join(blk, "ln1"), x);
        x = x.add(attention(join(blk, "attn"), a, a, b, t, t, c, allowed(b, t, t, causal, keyMask)));
        if (memory != null) {
            SDVariable lc = layerNorm(join(blk, "ln_cross"), x);
            x = x.add(attention(join(blk, "cross_attn"), lc, memory, b, t, s, c, allowed(b, t, s, false, memoryMask)));
        }
        return x.add(mlp(join(blk, "mlp"), layerNorm(join(blk, "ln2"), x)));
    }

    /**
     * Embeddings, N blocks, ln_f: ids [B][T] → [B·T, C]. Both tables are read as one-hot matmuls,
     * onehot(ids) [B·T, V]·E and onehot(t) [B·T, maxLen]·P, whose gradient onehotᵀ·dh sums repeated ids.
     * Not {@code sd.gather}: in ND4J 1.0.0-M2.1 its gradient is wrong (checked: gather(W, [0, 2, 0, 0]) with
     * upstream rows u0..u3 gives dW[0] = u0, dW[2] = u2 instead of u0 + u2 + u3 and u1), and a second gather
     * in one graph fails to differentiate ("Unable to replace samediff namespace").
     */
    public SDVariable stack(String prefix, int[][] ids, int[][] mask, int layers, int c, int maxLen, boolean causal,
                     SDVariable memory, int s, int[][] memoryMask) {
        int b = ids.length, t = ids[0].length;
        int[] flat = new int[b * t], pos = new int[b * t];
        for (int n = 0; n < b; n++) {
            for (int i = 0; i < t; i++) {
                flat[n * t + i] = ids[n][i];
                pos[n * t + i] = i;
            }
        }
        int vocab = (int) w(prefix, "embed.token.weight").getArr().size(0);
        // [B·T, C]
        SDVariable tok = constant(Tensor.oneHot(o.dtype(), flat, vocab)).mmul(w(prefix, "embed.token.weight"));
        // [B·T, C]
        SDVariable posE = constant(Tensor.oneHot(o.dtype(), pos, maxLen)).mmul(w(prefix, "embed.position.weight"));
        SDVariable x = tok.add(posE);
        for (int l = 0; l < layers; l++) {
            x = block(join(prefix, "blocks." + l), x, b, t, c, causal, mask, memory, s, memoryMask);
        }
        return layerNorm(join(prefix, "ln_f"), x);
    }

    /**
     * SameDiff's fused softmax cross-entropy over rows of logits [N, K], targets −100 ignored: one-hot labels,
     * row weight 0 for ignored rows, mean over rows with non-zero weight.
     */
    public SDVariable crossEntropy(SDVariable logits, int[] targets, int k) {
        Tensor oneHot = Tensor.zeros(o.dtype(), targets.length, k), weights = Tensor.zeros(o.dtype(), targets.length);
        for (int i = 0; i < targets.length; i++) {
            if (targets[i] == -100) continue;
            oneHot.setFlat(i * k + targets[i], 1);
            weights.setFlat(i, 1);
        }
        return o.sd().loss().softmaxCrossEntropy("ce" + (constants++), constant(oneHot), logits, constant(weights),
                LossReduce.MEAN_BY_NONZERO_WEIGHT_COUNT, 0.0);
    }

    public static String join(String prefix, String rest) {
        return prefix.isEmpty() ? rest : prefix + "." + rest;
    }
}
