package cola4j.models.layers;

import cola4j.autograd.Normalization;
import cola4j.autograd.Var;
import cola4j.models.Module;
import cola4j.tensor.DType;
import cola4j.tensor.Tensor;
import java.util.LinkedHashMap;

/**
 * Layer normalization over the last axis, as PyTorch {@code nn.LayerNorm(dim, eps)} (ε = 1e-5 unless given):
 * y = (x − μ) / √(σ² + ε) ⊙ γ + β, with μ, σ² the mean and biased variance over the last axis.
 * x [..., dim] → y [..., dim]; γ ({@code weight}) = 1, β ({@code bias}) = 0 at init.
 * This module only holds γ and β: the formula, and with it the gradient (the chain rule through mean, sub, pow,
 * sqrt and div; no hand-written VJP), is {@link Normalization#layerNorm}.
 */
public final class LayerNorm implements Module {
    /** ε added to the variance (PyTorch default). */
    public static final double EPS = 1e-5;

    private final String name;
    private final int dim;
    private final double eps;
    private Var weight, bias;

    public LayerNorm(String name, int dim, DType dtype) {
        this(name, dim, EPS, dtype);
    }

    /** A LayerNorm with its own ε (Hugging Face configs: {@code layer_norm_eps}, {@code layer_norm_epsilon}). */
    public LayerNorm(String name, int dim, double eps, DType dtype) {
        if (!(eps > 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException("LayerNorm " + name + ": eps must be positive and finite, got " + eps);
        }
        this.name = name;
        this.dim = dim;
        this.eps = eps;
        this.weight = Var.param(Tensor.ones(dtype, dim));
        this.bias = Var.param(Tensor.zeros(dtype, dim));
    }

    /** x [..., dim] → [..., dim]. */
    public Var forward(Var x) {
        int[] s = x.shape();
        if (s.length == 0 || s[s.length - 1] != dim) {
            throw new IllegalArgumentException("LayerNorm " + name + ": input " + java.util.Arrays.toString(s)
                    + " needs last dim " + dim);
        }
        return Normalization.layerNorm(x, weight, bias, eps);
    }

    @Override
    public LinkedHashMap<String, Var> namedParameters() {
        LinkedHashMap<String, Var> m = new LinkedHashMap<>();
        m.put("weight", weight);
        m.put("bias", bias);
        return m;
    }

    @Override
    public void setTrainable(boolean trainable) {
        weight = Params.wrap(weight, trainable);
        bias = Params.wrap(bias, trainable);
    }
}
