package cola4j.gl.optim;

import cola4j.autograd.Var;
import cola4j.tensor.Backend;
import cola4j.tensor.DType;
import cola4j.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Adam, PyTorch semantics ({@code torch.optim.Adam}, {@code amsgrad=False, maximize=False}). Per parameter p with
 * gradient g, at that parameter's t-th update:
 *
 * <pre>
 *   g = g + λ·p                       (coupled L2 weight decay, if λ ≠ 0; {@link AdamW} decouples it instead)
 *   m = β₁·m + (1 − β₁)·g             (m, v start at 0)
 *   v = β₂·v + (1 − β₂)·g²
 *   p = p − (η / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
 * </pre>
 *
 * ε sits outside the square root, and the bias corrections are arranged as in PyTorch's single-tensor path, so
 * results agree with PyTorch to rounding. Arithmetic is in double; float32 parameters and state are rounded on store.
 * State slots: {@code step} (scalar), {@code exp_avg} (m), {@code exp_avg_sq} (v).
 */
public class Adam extends AbstractOptimizer {
    private final AdamConfig cfg;
    private final boolean decoupled;

    public Adam(Map<String, Var> params, AdamConfig cfg) {
        this("adam", params, cfg, false);
    }

    Adam(String kind, Map<String, Var> params, AdamConfig cfg, boolean decoupled) {
        super(kind, params, cfg.lr());
        this.cfg = cfg;
        this.decoupled = decoupled;
    }

    public AdamConfig config() {
        return cfg;
    }

    @Override
    protected List<String> slotNames() {
        return List.of("step", "exp_avg", "exp_avg_sq");
    }

    @Override
    protected void update(String name, Var p, Tensor grad, Map<String, Tensor> slots) {
        double lr = lr(), b1 = cfg.beta1(), b2 = cfg.beta2(), eps = cfg.eps(), wd = cfg.weightDecay();
        double[] w = p.value().toDoubleArray();
        double[] g = grad.toDoubleArray();
        double[] m = slots.containsKey("exp_avg") ? slots.get("exp_avg").toDoubleArray() : new double[w.length];
        double[] v = slots.containsKey("exp_avg_sq") ? slots.get("exp_avg_sq").toDoubleArray() : new double[w.length];
        double t = (slots.containsKey("step") ? slots.get("step").item() : 0) + 1;
        if (p.value().backend() == Backend.ND4J) {
            updateTensors(p, grad, slots, t);
            return;
        }
        if (wd != 0) {
            if (decoupled) for (int i = 0; i < w.length; i++) w[i] *= 1 - lr * wd;
            else for (int i = 0; i < w.length; i++) g[i] += wd * w[i];
        }
        double bc1 = 1 - Math.pow(b1, t);
        double sqrtBc2 = Math.sqrt(1 - Math.pow(b2, t));
        double stepSize = lr / bc1;
        for (int i = 0; i < w.length; i++) {
            m[i] = b1 * m[i] + (1 - b1) * g[i];
            v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
            w[i] -= stepSize * m[i] / (Math.sqrt(v[i]) / sqrtBc2 + eps);
        }
        slots.put("step", Tensor.scalar(t));
        slots.put("exp_avg", sameAs(m, p.value()));
        slots.put("exp_avg_sq", sameAs(v, p.value()));
        p.setValue(sameAs(w, p.value()));
    }

    /**
     * The same update as tensor ops in float64 (rounded to the parameter's dtype on store), so that ND4J-backed
     * parameters and state stay in ND4J (on the GPU under -Pcuda) instead of being copied to Java arrays.
     */
    private void updateTensors(Var p, Tensor grad, Map<String, Tensor> slots, double t) {
        double lr = lr(), b1 = cfg.beta1(), b2 = cfg.beta2(), eps = cfg.eps(), wd = cfg.weightDecay();
        DType dt = p.value().dtype();
        Tensor w = p.value().to(DType.FLOAT64), g = grad.to(DType.FLOAT64);
        Tensor m = slots.containsKey("exp_avg") ? slots.get("exp_avg").to(DType.FLOAT64) : Tensor.zerosLike(w);
        Tensor v = slots.containsKey("exp_avg_sq") ? slots.get("exp_avg_sq").to(DType.FLOAT64) : Tensor.zerosLike(w);
        if (wd != 0) {
            if (decoupled) w = w.mul(1 - lr * wd);
            else g = g.add(w.mul(wd));
        }
        double stepSize = lr / (1 - Math.pow(b1, t)), sqrtBc2 = Math.sqrt(1 - Math.pow(b2, t));
        m = m.mul(b1).add(g.mul(1 - b1));
        v = v.mul(b2).add(g.mul(1 - b2).mul(g));
        w = w.sub(m.mul(stepSize).div(v.sqrt().mul(1 / sqrtBc2).add(eps)));
        slots.put("step", Tensor.scalar(t));
        slots.put("exp_avg", m.to(dt));
        slots.put("exp_avg_sq", v.to(dt));
        p.setValue(w.to(dt));
    }
}
