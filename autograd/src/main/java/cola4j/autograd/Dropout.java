package cola4j.autograd;

import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;

/**
 * Inverted dropout, y = x ⊙ m / (1 - p) with m_i ~ Bernoulli(1 - p), the one mask rule of the code base (the
 * models' {@code Dropout} module calls it). The mask is drawn from an explicit seeded {@link Rng}:
 * <pre>
 *   u = rng.uniform(dtype(x), 0, 1, shape(x))     one nextDouble() per element, row-major, stored in x's dtype
 *   m = (u ≥ p) · 1/(1 - p)                         comparison and scale in x's dtype (float32 rounds p and 1/(1-p))
 * </pre>
 * so the same seed gives the same mask, and the draw consumes exactly numel(x) doubles. p = 1 gives zeros (as
 * PyTorch) after the same draw. In evaluation, or when p = 0, y = x (the same Var) and the rng is not touched.
 * The scaled mask is a constant of the graph, so the VJP is that of {@link ElementwiseOps#mul}: g ⊙ m / (1 - p).
 * Shapes: any → same.
 */
public final class Dropout {
    private Dropout() {}

    /**
     * @param x        any shape
     * @param p        drop probability in [0, 1]
     * @param rng      source of the mask (see the class comment); may be null when not training
     * @param training when false, or when p == 0, x is returned unchanged and the rng is not touched
     * @return same shape as x
     */
    public static Var dropout(Var x, double p, Rng rng, boolean training) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("dropout: probability " + p + " is not in [0, 1]");
        if (!training || p == 0) return x;
        return x.mul(Var.constant(mask(x.value(), p, rng)));
    }

    /** The scaled keep-mask m / (1 - p) with {@code like}'s dtype and shape, drawn as in the class comment. */
    public static Tensor mask(Tensor like, double p, Rng rng) {
        Tensor u = rng.uniform(like.dtype(), 0, 1, like.shape());
        if (p == 1) return Tensor.zerosLike(like);
        return u.ge(Tensor.scalar(like.dtype(), p)).mul(1.0 / (1.0 - p));
    }
}
