package cola4j.autograd;

import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;

/**
 * Inverted dropout: y = x ⊙ m / (1 - p) with m_i ~ Bernoulli(1 - p) drawn from an explicit seeded {@link Rng}.
 * The scaled mask is a constant of the graph, so the VJP is that of {@link ElementwiseOps#mul}: g ⊙ m / (1 - p).
 */
public final class Dropout {
    private Dropout() {}

    /**
     * @param x        any shape
     * @param p        drop probability in [0, 1]; p = 1 gives zeros (as PyTorch)
     * @param rng      source of the mask; one {@code nextDouble()} per element in row-major order, element i dropped
     *                 when it is &lt; p (so the same seed gives the same mask)
     * @param training when false, or when p == 0, x is returned unchanged and the rng is not touched
     * @return same shape as x
     */
    public static Var dropout(Var x, double p, Rng rng, boolean training) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("dropout: probability " + p + " is not in [0, 1]");
        if (!training || p == 0) return x;
        return x.mul(Var.constant(mask(x.value(), p, rng)));
    }

    /** The scaled keep-mask m / (1 - p) with x's dtype and shape (0 everywhere if p == 1). */
    public static Tensor mask(Tensor like, double p, Rng rng) {
        Tensor m = Tensor.zerosLike(like);
        double scale = p < 1 ? 1.0 / (1.0 - p) : 0.0;
        for (int i = 0; i < m.numel(); i++) m.setFlat(i, rng.nextDouble() < p ? 0.0 : scale);
        return m;
    }
}
