package cola4j.autograd;

import cola4j.tensor.Fused;
import cola4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Layer normalization, the one implementation (the models' {@code LayerNorm} module holds γ and β and calls it).
 * The definition is {@link #layerNormComposite}, composed from ops (mean, sub, pow, addScalar, sqrt, div, mul, add)
 * with the chain rule through them as its VJP; the engine runs {@link #layerNorm}, one graph node over the fused
 * kernel {@link Fused#layerNorm}, whose values are bit-identical to the composite's and whose gradients equal them
 * to ≤ 1e-13 relative in float64 (FusedKernelsTest).
 */
public final class Normalization {
    private Normalization() {}

    /**
     * LayerNorm over the last axis, as PyTorch's {@code nn.LayerNorm(C)} (see {@link #layerNormComposite} for the
     * formula), as one node. VJP: ĝ = g ⊙ γ, dx = (ĝ − mean ĝ − x̂ ⊙ mean(ĝ ⊙ x̂)) / √(σ² + eps)
     * per row, dγ = Σ_rows g ⊙ x̂, dβ = Σ_rows g; keeps x̂ [..., C] and √(σ² + eps) [rows].
     */
    public static Var layerNorm(Var x, Var gamma, Var beta, double eps) {
        int c = x.value().dim(-1);
        checkAffine("gamma", gamma, c, x);
        checkAffine("beta", beta, c, x);
        Tensor[] k = Fused.layerNorm(x.value(), gamma == null ? null : gamma.value(),
                beta == null ? null : beta.value(), eps);
        Tensor xhat = k[1], d = k[2], gv = gamma == null ? null : gamma.value();
        List<Var> parents = new ArrayList<>(List.of(x));
        if (gamma != null) parents.add(gamma);
        if (beta != null) parents.add(beta);
        return Var.result(k[0], "layer_norm", g -> {
            if (x.requiresGrad()) x.accumulate(Fused.layerNormBackward(xhat, d, gv, g));
            if (gamma != null && gamma.requiresGrad()) gamma.accumulate(g.mul(xhat).sumTo(gamma.value().shape()));
            if (beta != null && beta.requiresGrad()) beta.accumulate(g.sumTo(beta.value().shape()));
        }, parents.toArray(new Var[0]));
    }

    /**
     * The definition of LayerNorm over the last axis, as PyTorch's {@code nn.LayerNorm(C)}:
     * <pre>
     *   μ = mean(x, -1)          σ² = mean((x - μ)², -1)   (biased variance, divisor C)
     *   y = (x - μ) / √(σ² + eps) ⊙ γ + β
     * </pre>
     *
     * @param x     [..., C]
     * @param gamma [C] scale, or null for none
     * @param beta  [C] shift, or null for none
     * @param eps   added to the variance (PyTorch's default is 1e-5)
     * @return [..., C]
     */
    public static Var layerNormComposite(Var x, Var gamma, Var beta, double eps) {
        int c = x.value().dim(-1);
        checkAffine("gamma", gamma, c, x);
        checkAffine("beta", beta, c, x);
        Var centered = x.sub(x.mean(true, -1));                          // [..., C]
        Var variance = centered.pow(2).mean(true, -1);                   // [..., 1]
        Var y = centered.div(variance.add(eps).sqrt());                  // [..., C]
        if (gamma != null) y = y.mul(gamma);
        if (beta != null) y = y.add(beta);
        return y;
    }

    private static void checkAffine(String what, Var p, int c, Var x) {
        if (p != null && (p.shape().length != 1 || p.shape()[0] != c)) {
            throw new IllegalArgumentException("layerNorm: " + what + " " + Arrays.toString(p.shape()) + " must be ["
                    + c + "] for input " + Arrays.toString(x.shape()));
        }
    }
}
