package cola4j.autograd;

import java.util.Arrays;

/**
 * Layer normalization, the one implementation (the models' {@code LayerNorm} module holds γ and β and calls it).
 * Composed from ops (mean, sub, pow, addScalar, sqrt, div, mul, add); its vector-Jacobian product is the chain rule
 * through them, no hand-written backward.
 */
public final class Normalization {
    private Normalization() {}

    /**
     * LayerNorm over the last axis, as PyTorch's {@code nn.LayerNorm(C)}:
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
    public static Var layerNorm(Var x, Var gamma, Var beta, double eps) {
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
