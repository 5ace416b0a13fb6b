package cola4j.models.layers;

import cola4j.autograd.Var;
import cola4j.models.ForwardContext;
import cola4j.tensor.Tensor;

/**
 * Inverted dropout: in training y = x ⊙ m / (1 − p), m_i ~ Bernoulli(1 − p) drawn from the context's
 * {@link cola4j.tensor.Rng} (one uniform per element, in row-major order; kept if u ≥ p); in evaluation,
 * or when p = 0, y = x (the same Var). Gradient: dx = dy ⊙ m / (1 − p).
 */
public final class Dropout {
    private final double p;

    public Dropout(double p) {
        if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("Dropout: probability " + p + " outside [0, 1)");
        this.p = p;
    }

    public double p() {
        return p;
    }

    public Var forward(Var x, ForwardContext ctx) {
        if (!ctx.training() || p == 0) return x;
        Tensor u = ctx.rng().uniform(x.value().dtype(), 0, 1, x.shape());
        Tensor mask = u.ge(Tensor.scalar(x.value().dtype(), p)).mul(1.0 / (1.0 - p));
        return x.mul(Var.constant(mask));
    }
}
