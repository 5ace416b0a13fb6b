package cola4j.autograd;

import cola4j.tensor.Fused;
import cola4j.tensor.Tensor;

/**
 * Activation functions composed from the primitive ops ({@link ElementwiseOps}, {@link ReduceOps}).
 * Except {@link #gelu} (a fused kernel checked against its composite definition {@link #geluComposite}),
 * none has backward code of its own: each vector-Jacobian product is the chain rule through the primitives
 * it is built from, so these functions are exactly as correct as the primitives' VJPs (checked by finite
 * differences in the tests). All keep the input's shape and dtype unless stated.
 */
public final class Activations {
    private Activations() {}

    /** √(2/π), the constant of GPT-2's tanh approximation of GELU. */
    static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);

    /**
     * σ(x) = 1 / (1 + e^(-x)), computed as the identical 0.5·(1 + tanh(x/2)), which neither overflows nor
     * produces 0·∞ in its gradient for large |x|. Shape: any → same.
     */
    public static Var sigmoid(Var x) {
        return x.mul(0.5).tanh().add(1.0).mul(0.5);
    }

    /**
     * relu(x) = x where x &gt; 0, else 0. The mask (x &gt; 0) is a constant of the graph, so the gradient is
     * g where x &gt; 0 and 0 elsewhere, including at x = 0 exactly (as PyTorch). Shape: any → same.
     */
    public static Var relu(Var x) {
        Tensor zero = Tensor.zeros(x.value().dtype());
        Tensor positive = x.value().gt(zero);
        return ElementwiseOps.where(positive, x, Var.constant(zero));
    }

    /**
     * GELU with GPT-2's tanh approximation, as one graph node running the fused kernel {@link Fused#geluWithTanh}
     * (VJP {@link Fused#geluBackward}, which keeps x and tanh(u)): the same function as {@link #geluComposite}, the
     * definition, to ≤ 1e-13 relative in float64 values and gradients (FusedKernelsTest); in float32 the kernel
     * rounds once per element where the composite rounds after every op, so the last bits differ. Shape: any → same.
     */
    public static Var gelu(Var x) {
        Tensor v = x.value();
        Tensor[] yt = Fused.geluWithTanh(v);
        return Var.result(yt[0], "gelu", g -> x.accumulate(Fused.geluBackward(v, yt[1], g)), x);
    }

    /**
     * The definition of GELU with GPT-2's tanh approximation, composed from primitives (its VJP is the chain rule
     * through them): gelu(x) = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). Shape: any → same. The engine runs
     * {@link #gelu}; this is what it is checked against.
     */
    public static Var geluComposite(Var x) {
        Var inner = x.add(x.pow(3).mul(0.044715)).mul(SQRT_2_OVER_PI); // √(2/π)·(x + 0.044715·x³)
        return x.mul(0.5).mul(inner.tanh().add(1.0));
    }

    /**
     * GELU with the exact normal CDF, as PyTorch's {@code gelu} (approximate = "none"), which Hugging Face's
     * {@code "gelu"} (BERT, RoBERTa, BART) is: gelu(x) = x·0.5·(1 + erf(x/√2)) = x·Φ(x), from {@link
     * SpecialOps#erf}. Its gradient, by the chain rule, is Φ(x) + x·φ(x). Shape: any → same.
     */
    public static Var geluErf(Var x) {
        return x.mul(0.5).mul(SpecialOps.erf(x.mul(1.0 / Math.sqrt(2.0))).add(1.0));
    }

    /**
     * softmax(x)_i = e^(x_i - m) / Σ_j e^(x_j - m) along {@code axis}, with m = max_j x_j detached from the
     * graph (the result does not depend on m, so its gradient contribution is zero; detaching it only
     * avoids routing a zero through the max). Shape: any → same; {@code axis} may be negative.
     */
    public static Var softmax(Var x, int axis) {
        int rank = x.shape().length;
        if (rank > 0 && (axis == -1 || axis == rank - 1)) {
            // the last axis (attention's keys): one node running the fused kernel, whose values are bit-identical
            // to the composite's and whose VJP y ⊙ (g − Σ g ⊙ y) equals the composite's chain rule to ≤ 1e-13
            // relative in float64 (FusedKernelsTest); it keeps only y
            Tensor y = Fused.softmaxLastAxis(x.value());
            return Var.result(y, "softmax", g -> x.accumulate(Fused.softmaxLastAxisBackward(y, g)), x);
        }
        return softmaxComposite(x, axis);
    }

    /**
     * The definition of {@link #softmax}, composed from primitives: e = exp(x − m), e / Σ e (m detached). The engine
     * runs a fused kernel for the last axis; this is what it is checked against.
     */
    public static Var softmaxComposite(Var x, int axis) {
        Var e = shiftedByMax(x, axis).exp();
        return e.div(e.sum(true, axis));
    }

    /**
     * logSoftmax(x)_i = (x_i - m) - ln Σ_j e^(x_j - m) along {@code axis}, m = detached max as in
     * {@link #softmax}. Finite for any finite input. Shape: any → same.
     */
    public static Var logSoftmax(Var x, int axis) {
        Var z = shiftedByMax(x, axis);
        return z.sub(z.exp().sum(true, axis).log());
    }

    /** x - max(x, axis) with the max detached (kept dims, broadcast back). */
    private static Var shiftedByMax(Var x, int axis) {
        Tensor m = x.value().max(true, axis);
        return x.sub(Var.constant(m));
    }
}
