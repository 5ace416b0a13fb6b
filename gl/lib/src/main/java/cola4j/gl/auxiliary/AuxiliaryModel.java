package cola4j.gl.auxiliary;

import cola4j.autograd.Var;
import cola4j.models.Module;
import cola4j.tensor.DType;
import cola4j.tensor.Tensor;
import java.util.Arrays;

/**
 * The auxiliary model g_w of one adapted site in ColA. The base layer computes h = f(x); with adaptation the site
 * outputs h + g_w(x). The user who owns g_w never sees the base model: it fits w from the adaptation data
 * (x, dL/dh) alone (see {@link cola4j.gl.GradientLearning}).
 *
 * <p>Shapes: {@link #apply} maps x [..., in] to [..., out]; for an embedding site x holds token ids [...] (integral
 * values in [0, in)) and the output is [..., out]. A mergeable auxiliary is linear in x (plus a bias), so
 * g_w(x) = x·ΔWᵀ + Δb and the site can be folded into the base weights: W ← W + ΔW, b ← b + Δb.
 */
public interface AuxiliaryModel extends Module {
    /** g_w(x): [..., in] → [..., out] (ids [...] → [..., out] for embedding sites), recorded for backward. */
    Var apply(Var x);

    /**
     * g_w(x) with the parameters w held constant: differentiable in x only, and no parameter gradient is formed.
     * The ColA server evaluates a user's auxiliary this way in unmerged mode, so that the gradient of an earlier
     * hidden representation includes the path through this auxiliary's input, exactly as in merged mode where
     * W + ΔW carries it (and as LoRA's backprop does). Same value as {@link #apply}.
     */
    Var applyFrozen(Var x);

    /** True if g_w is linear and {@link #deltaWeight()} exists: decided by its {@link #kind()}. */
    default boolean mergeable() {
        return kind().mergeable();
    }

    /**
     * ΔW such that g_w(x) = x·ΔWᵀ + Δb: shape [out, in] as an {@code nn.Linear} weight; for an embedding site
     * [in = num_embeddings, out = dim] as an {@code nn.Embedding} weight. A fresh tensor (safe to keep).
     *
     * @throws IllegalStateException if the model is not {@link #mergeable()}
     */
    Tensor deltaWeight();

    /** Δb [out], or null when the auxiliary has no bias (or is not mergeable). */
    Tensor deltaBias();

    /** Input features (num_embeddings for an embedding site). */
    int inFeatures();

    /** Output features. */
    int outFeatures();

    /** Which kind of auxiliary this is. */
    AuxiliaryKind kind();

    /** Element type of the parameters. */
    default DType dtype() {
        return namedParameters().values().iterator().next().value().dtype();
    }

    /**
     * The base weight with this auxiliary folded in: W + ΔW (a new tensor; {@code baseWeight} is not modified).
     * For an embedding site {@code baseWeight} is the [num_embeddings, dim] table.
     */
    default Tensor mergedWeight(Tensor baseWeight) {
        Tensor d = deltaWeight();
        if (!Arrays.equals(baseWeight.shape(), d.shape())) {
            throw new IllegalArgumentException(kind() + " auxiliary: cannot merge delta " + Arrays.toString(d.shape())
                    + " into base weight " + Arrays.toString(baseWeight.shape()));
        }
        return baseWeight.add(d);
    }

    /** The base bias with Δb added; {@code baseBias} may be null (then Δb itself, or null if there is none). */
    default Tensor mergedBias(Tensor baseBias) {
        Tensor d = deltaBias();
        if (d == null) return baseBias;
        if (baseBias == null) return d;
        if (!Arrays.equals(baseBias.shape(), d.shape())) {
            throw new IllegalArgumentException(kind() + " auxiliary: cannot merge delta bias "
                    + Arrays.toString(d.shape()) + " into base bias " + Arrays.toString(baseBias.shape()));
        }
        return baseBias.add(d);
    }
}
