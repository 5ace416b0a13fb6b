package cola4j.gl.optim;

import cola4j.autograd.Var;
import java.util.Map;

/**
 * AdamW (Loshchilov &amp; Hutter), PyTorch semantics ({@code torch.optim.AdamW}): Adam without the L2 term in the
 * gradient, and the weight decay applied to the parameter directly before the Adam update,
 *
 * <pre>
 *   p = p · (1 − η·λ)
 *   then the {@link Adam} update with λ = 0
 * </pre>
 *
 * Use {@link AdamConfig#adamW(double)} for PyTorch's defaults (λ = 0.01).
 */
public final class AdamW extends Adam {
    public AdamW(Map<String, Var> params, AdamConfig cfg) {
        super("adamw", params, cfg, true);
    }
}
