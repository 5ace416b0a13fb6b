package cola4j.models.site;

import cola4j.tensor.DType;
import cola4j.tensor.Tensor;
import java.util.Arrays;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An adaptation site: a linear map of the base model, h = f(x; W, b), whose output ColA augments with an
 * auxiliary model, h' = h + g(x). Two kinds exist:
 * <ul>
 *   <li>{@link Kind#LINEAR}: x [..., in] → h = x·Wᵀ + b, W [out, in], b [out] (PyTorch {@code nn.Linear});</li>
 *   <li>{@link Kind#EMBEDDING}: token ids → h = onehot(ids)·W, W [num, dim]; the x handed to a
 *       {@link SiteInterceptor} is that one-hot matrix [B, T, num] (a constant).</li>
 * </ul>
 * A delta has the weight's own shape and orientation: after {@link #addDelta} the site computes
 * x·(W + ΔW)ᵀ + (b + Δb) (Linear) or onehot·(W + ΔW) (Embedding).
 *
 * <p><b>Merge and unmerge.</b> {@link #addDelta} and {@link #subtractDelta} update the live weight in place
 * with one rounding per element: W₁ = fl(W + ΔW), then W₂ = fl(W₁ − ΔW). In floating point W₂ is
 * <em>not</em> always bit-identical to W (e.g. in float64 0.1 + 0.2 − 0.2 = 0.10000000000000003): writing
 * W₁ = W + ΔW + e₁ and W₂ = W₁ − ΔW + e₂ with |e₁| ≤ ulp(W₁)/2, |e₂| ≤ ulp(W₂)/2
 * gives, per element, |W₂ − W| ≤ (ulp(W₁) + ulp(W₂))/2, i.e. at most one ulp of max(|W₁|, |W₂|). We keep
 * no hidden copy (a copy doubles the memory of a large model); a caller who needs an exact restore takes
 * {@code weight().copy()} before merging and later {@code weight().copyFrom(saved)}, which is bit-exact.
 * Both behaviours are asserted in the tests.
 * Never merge between a forward and its backward: the recorded graph refers to the live weight.
 */
public interface Site {
    /** What the site computes; see the class comment. */
    enum Kind { LINEAR, EMBEDDING }

    /** Stable hierarchical name, e.g. {@code encoder.blocks.0.attn.query}; parameters are {@code name + ".weight"}. */
    String name();

    Kind kind();

    /** Linear: input features; Embedding: number of embeddings (the one-hot width). */
    int inFeatures();

    /** Linear: output features; Embedding: embedding dimension. */
    int outFeatures();

    /** The live base weight (Linear [out, in], Embedding [num, dim]); mutate only through add/subtractDelta. */
    Tensor weight();

    /** The live base bias [out], or null when the site has none. */
    Tensor bias();

    default DType dtype() {
        return weight().dtype();
    }

    /**
     * Index of the enclosing block ({@code blocks.N}, {@code layers.N}, or as PEFT's {@code COMMON_LAYERS_PATTERN}
     * also {@code block.N}, {@code layer.N}, {@code h.N} in the name), if any.
     */
    default OptionalInt layerIndex() {
        return layerIndexOf(name());
    }

    /** W += ΔW and b += Δb in place (Δb may be null: bias unchanged). See the class comment. */
    default void addDelta(Tensor deltaWeight, Tensor deltaBiasOrNull) {
        applyDelta(this, deltaWeight, deltaBiasOrNull, 1.0);
    }

    /** W −= ΔW and b −= Δb in place: the arithmetic inverse of {@link #addDelta}, exact to about one ulp. */
    default void subtractDelta(Tensor deltaWeight, Tensor deltaBiasOrNull) {
        applyDelta(this, deltaWeight, deltaBiasOrNull, -1.0);
    }

    private static void applyDelta(Site s, Tensor dw, Tensor db, double sign) {
        Tensor w = s.weight();
        if (dw == null || !Arrays.equals(dw.shape(), w.shape()) || dw.dtype() != w.dtype()) {
            throw new IllegalArgumentException("site " + s.name() + ": delta weight " + describe(dw)
                    + " must match the weight " + describe(w));
        }
        if (db != null) {
            Tensor b = s.bias();
            if (b == null) {
                throw new IllegalArgumentException("site " + s.name()
                        + ": has no bias, got delta bias " + describe(db));
            }
            if (!Arrays.equals(db.shape(), b.shape()) || db.dtype() != b.dtype()) {
                throw new IllegalArgumentException("site " + s.name() + ": delta bias " + describe(db)
                        + " must match the bias " + describe(b));
            }
            b.addInPlace(db, sign);
        }
        w.addInPlace(dw, sign);
    }

    private static String describe(Tensor t) {
        return t == null ? "null" : t.dtype() + " " + Arrays.toString(t.shape());
    }

    /** The block index in a name: the N of the last {@code blocks|layers|block|layer|h.N} segment. */
    static OptionalInt layerIndexOf(String name) {
        Matcher m = LAYER.matcher(name);
        Integer found = null;
        while (m.find()) found = Integer.parseInt(m.group(1));
        return found == null ? OptionalInt.empty() : OptionalInt.of(found);
    }

    Pattern LAYER = Pattern.compile("(?:^|\\.)(?:blocks|layers|block|layer|h)\\.(\\d+)(?=\\.|$)");
}
