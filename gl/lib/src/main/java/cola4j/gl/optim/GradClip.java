package cola4j.gl.optim;

import cola4j.autograd.Var;
import cola4j.tensor.Tensor;
import java.util.Collection;

/**
 * Global-norm gradient clipping, PyTorch's {@code torch.nn.utils.clip_grad_norm_} with the 2-norm:
 *
 * <pre>
 *   N = √( Σ_p ‖∇p‖² )            (over all parameters with a gradient)
 *   c = maxNorm / (N + 1e-6)
 *   ∇p ← c · ∇p                    for every p, only if c &lt; 1
 * </pre>
 *
 * Gradients are replaced ({@link Var#setGrad}), never scaled in place, because gradients may share storage.
 */
public final class GradClip {
    private GradClip() {}

    /**
     * Clips the gradients of {@code params} to global 2-norm {@code maxNorm} and returns the norm N measured
     * before clipping. {@code maxNorm = +∞} measures without clipping.
     *
     * @throws IllegalArgumentException if maxNorm is not > 0, or the gradient norm is NaN or infinite (naming the
     *                                  first parameter with a non-finite gradient)
     */
    public static double clipGlobalNorm(Collection<Var> params, double maxNorm) {
        if (!(maxNorm > 0)) throw new IllegalArgumentException("clipGlobalNorm: maxNorm must be > 0, got " + maxNorm);
        double sq = 0;
        for (Var p : params) {
            Tensor g = p.grad();
            if (g == null) continue;
            double n = g.norm();
            if (!Double.isFinite(n)) {
                throw new IllegalArgumentException("clipGlobalNorm: non-finite gradient norm " + n + " for parameter "
                        + (p.name() != null ? "'" + p.name() + "'"
                                : "of shape " + java.util.Arrays.toString(p.shape())));
            }
            sq += n * n;
        }
        double total = Math.sqrt(sq);
        double coef = maxNorm / (total + 1e-6);
        if (coef < 1) {
            for (Var p : params) if (p.grad() != null) p.setGrad(p.grad().mul(coef));
        }
        return total;
    }
}
