package cola4j.models.layers;

import cola4j.autograd.Var;

/** Re-wraps a parameter's tensor as trainable ({@link Var#param}) or frozen ({@link Var#constant}). */
final class Params {
    private Params() {}

    static Var wrap(Var v, boolean trainable) {
        if (v == null || v.requiresGrad() == trainable) return v;
        return trainable ? Var.param(v.value()) : Var.constant(v.value());
    }
}
