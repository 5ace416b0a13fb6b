package cola4j.gl.optim;

import cola4j.autograd.Var;
import cola4j.tensor.Backend;
import cola4j.tensor.DType;
import cola4j.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent with momentum, PyTorch semantics ({@code torch.optim.SGD}, {@code maximize=False}).
 * Per parameter p with gradient g, at step t:
 *
 * <pre>
 *   d = g + λ·p                                   (weight decay, if λ ≠ 0)
 *   b = d                          if t = 1       (momentum buffer, if μ ≠ 0)
 *   b = μ·b + (1 − τ)·d            otherwise
 *   d = d + μ·b   (Nesterov)   or   d = b
 *   p = p − η·d
 * </pre>
 *
 * State slot: {@code momentum_buffer} (only when μ ≠ 0).
 */
public final class Sgd extends AbstractOptimizer {
    private final SgdConfig cfg;

    public Sgd(Map<String, Var> params, SgdConfig cfg) {
        super("sgd", params, cfg.lr());
        this.cfg = cfg;
    }

    public SgdConfig config() {
        return cfg;
    }

    @Override
    protected List<String> slotNames() {
        return List.of("momentum_buffer");
    }

    @Override
    protected void update(String name, Var p, Tensor grad, Map<String, Tensor> slots) {
        if (p.value().backend() == Backend.ND4J) {
            updateTensors(p, grad, slots);
            return;
        }
        double[] w = p.value().toDoubleArray();
        double[] d = grad.toDoubleArray();
        double lr = lr(), mu = cfg.momentum(), tau = cfg.dampening(), wd = cfg.weightDecay();
        if (wd != 0) for (int i = 0; i < d.length; i++) d[i] += wd * w[i];
        if (mu != 0) {
            Tensor old = slots.get("momentum_buffer");
            double[] b;
            if (old == null) {
                b = d.clone();
            } else {
                b = old.toDoubleArray();
                for (int i = 0; i < b.length; i++) b[i] = mu * b[i] + (1 - tau) * d[i];
            }
            slots.put("momentum_buffer", sameAs(b, p.value()));
            if (cfg.nesterov()) for (int i = 0; i < d.length; i++) d[i] += mu * b[i];
            else d = b;
        }
        for (int i = 0; i < w.length; i++) w[i] -= lr * d[i];
        p.setValue(sameAs(w, p.value()));
    }

    /** The same update as float64 tensor ops, for ND4J-backed parameters (no copies to Java arrays). */
    private void updateTensors(Var p, Tensor grad, Map<String, Tensor> slots) {
        double lr = lr(), mu = cfg.momentum(), tau = cfg.dampening(), wd = cfg.weightDecay();
        DType dt = p.value().dtype();
        Tensor w = p.value().to(DType.FLOAT64), d = grad.to(DType.FLOAT64);
        if (wd != 0) d = d.add(w.mul(wd));
        if (mu != 0) {
            Tensor old = slots.get("momentum_buffer");
            Tensor b = old == null ? d : old.to(DType.FLOAT64).mul(mu).add(d.mul(1 - tau));
            slots.put("momentum_buffer", b.to(dt));
            d = cfg.nesterov() ? d.add(b.mul(mu)) : b;
        }
        p.setValue(w.sub(d.mul(lr)).to(dt));
    }
}
