package cola4j.models.layers;

import cola4j.autograd.Var;
import cola4j.models.ForwardContext;

/**
 * Dropout with a fixed probability p in [0, 1): {@link cola4j.autograd.Dropout#dropout} with the context's training
 * flag and {@link cola4j.tensor.Rng}. In training y = x ⊙ m / (1 − p), the mask drawn as documented there (one
 * uniform per element in row-major order, kept if u ≥ p); in evaluation, or when p = 0, y = x (the same Var).
 * Gradient: dx = dy ⊙ m / (1 − p).
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
        return cola4j.autograd.Dropout.dropout(x, p, ctx.rng(), ctx.training());
    }
}
