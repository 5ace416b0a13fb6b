package cola4j.gl.optim;

/**
 * Hyper-parameters of {@link Adam} and {@link AdamW} (PyTorch's names and defaults).
 *
 * @param lr          learning rate η (PyTorch default 1e-3)
 * @param beta1       decay β₁ in [0, 1) of the first-moment average (default 0.9)
 * @param beta2       decay β₂ in [0, 1) of the second-moment average (default 0.999)
 * @param eps         ε > 0 added to √v̂ outside the square root (default 1e-8)
 * @param weightDecay λ >= 0: L2 added to the gradient for Adam (default 0); decoupled p ← p(1 − ηλ) for AdamW
 *                    (default 0.01)
 */
public record AdamConfig(double lr, double beta1, double beta2, double eps, double weightDecay) {
    public AdamConfig {
        if (!(lr >= 0) || !Double.isFinite(lr)) throw fail("lr must be finite and >= 0, got " + lr);
        if (!(beta1 >= 0 && beta1 < 1)) throw fail("beta1 must be in [0, 1), got " + beta1);
        if (!(beta2 >= 0 && beta2 < 1)) throw fail("beta2 must be in [0, 1), got " + beta2);
        if (!(eps > 0) || !Double.isFinite(eps)) throw fail("eps must be finite and > 0, got " + eps);
        if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
            throw fail("weightDecay must be finite and >= 0, got " + weightDecay);
        }
    }

    /** The validation error "adam: what". */
    private static IllegalArgumentException fail(String what) {
        return new IllegalArgumentException("adam: " + what);
    }

    /** PyTorch's Adam defaults with the given learning rate (betas 0.9, 0.999; eps 1e-8; no weight decay). */
    public static AdamConfig adam(double lr) {
        return new AdamConfig(lr, 0.9, 0.999, 1e-8, 0);
    }

    /** PyTorch's AdamW defaults with the given learning rate (weight decay 0.01). */
    public static AdamConfig adamW(double lr) {
        return new AdamConfig(lr, 0.9, 0.999, 1e-8, 0.01);
    }
}
