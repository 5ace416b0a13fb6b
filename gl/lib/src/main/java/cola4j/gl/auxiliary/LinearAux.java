package cola4j.gl.auxiliary;

import cola4j.autograd.Var;
import cola4j.tensor.Tensor;
import java.util.LinkedHashMap;

/**
 * A full-rank linear auxiliary (ColA's "Linear"):
 *
 * <pre>
 *   g(x) = x Wᵀ + b        x [..., in], W [out, in], b [out] (optional)
 *   ΔW = W, Δb = b
 * </pre>
 *
 * W and b start at zero. Its GL gradient has the closed form dW = Gᵀ X, db = Σ_rows G for G = dL/dh [rows, out].
 * Parameters: {@code weight}, {@code bias}.
 */
public final class LinearAux implements AuxiliaryModel {
    private final int in, out;
    private final Var w, b;

    public LinearAux(int in, int out, LinearConfig cfg) {
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException("linear auxiliary: in and out must be >= 1, got " + in + ", " + out);
        }
        this.in = in;
        this.out = out;
        this.w = Var.param(Tensor.zeros(cfg.dtype(), out, in)).named("weight");
        this.b = cfg.bias() ? Var.param(Tensor.zeros(cfg.dtype(), out)).named("bias") : null;
    }

    @Override
    public Var apply(Var x) {
        return forward(x, w, b);
    }

    @Override
    public Var applyFrozen(Var x) {
        return forward(x, w.detach(), b == null ? null : b.detach());
    }

    private Var forward(Var x, Var w, Var b) {
        Var y = Rows.flatten(kind(), x, in).matmul(w, false, true); // [rows, in] x [in, out] -> [rows, out]
        if (b != null) y = y.add(b);                                // + [out] broadcast over rows
        return Rows.unflatten(y, x.shape(), out);
    }


    @Override
    public Tensor deltaWeight() {
        return w.value().copy();
    }

    @Override
    public Tensor deltaBias() {
        return b == null ? null : b.value().copy();
    }

    @Override
    public int inFeatures() {
        return in;
    }

    @Override
    public int outFeatures() {
        return out;
    }

    @Override
    public AuxiliaryKind kind() {
        return AuxiliaryKind.LINEAR;
    }

    @Override
    public LinkedHashMap<String, Var> namedParameters() {
        LinkedHashMap<String, Var> m = new LinkedHashMap<>();
        m.put("weight", w);
        if (b != null) m.put("bias", b);
        return m;
    }
}
