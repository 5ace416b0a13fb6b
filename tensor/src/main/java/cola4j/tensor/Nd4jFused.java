package cola4j.tensor;

/**
 * The {@link Backend#ND4J} forms of {@link Fused}'s kernels: the same formulas written as ND4J tensor ops (each
 * op below dispatches to {@link Nd4jKernels}), with the heap kernels' association order so that float64 agrees to
 * rounding. ND4J has no single fused kernel for GPT-2's GELU or for the layer norm VJP; on a GPU these composites
 * run as several device kernels without leaving the device.
 */
final class Nd4jFused {
    private Nd4jFused() {}

    /** {y, t}: u = S·(x + ((C·x)·x)·x), t = tanh u, y = (½x)·(1 + t). */
    static Tensor[] geluWithTanh(Tensor x) {
        Tensor u = x.add(x.mul(Fused.GELU_C).mul(x).mul(x)).mul(Fused.GELU_S);
        Tensor t = u.tanh();
        return new Tensor[] {x.mul(0.5).mul(t.add(1.0)), t};
    }

    /** g ⊙ (½(1 + t) + ((½x)(1 − t²))·S·(1 + ((3C)x)x)). */
    static Tensor geluBackward(Tensor x, Tensor t, Tensor g) {
        Tensor a = t.add(1.0).mul(0.5);
        Tensor b = x.mul(0.5).mul(t.mul(t).neg().add(1.0)).mul(Fused.GELU_S)
                .mul(x.mul(3 * Fused.GELU_C).mul(x).add(1.0));
        return g.mul(a.add(b));
    }

    /** e = exp(x − max), y = e / Σe, per row of the last axis. */
    static Tensor softmaxLastAxis(Tensor x) {
        Tensor e = x.sub(x.max(true, -1)).exp();
        return e.div(e.sum(true, -1));
    }

    /** y ⊙ (g − Σ g⊙y), per row. */
    static Tensor softmaxLastAxisBackward(Tensor y, Tensor g) {
        return y.mul(g.sub(g.mul(y).sum(true, -1)));
    }

    /** {y, x̂, d [rows]}: μ = mean x, c = x − μ, d = √(mean c² + eps), x̂ = c/d, y = x̂⊙γ + β. */
    static Tensor[] layerNorm(Tensor x, Tensor gamma, Tensor beta, double eps) {
        int c = x.dim(-1), rows = c == 0 ? 0 : x.numel() / c;
        Tensor cen = x.sub(x.mean(true, -1));
        Tensor d = cen.mul(cen).mean(true, -1).add(eps).sqrt();
        Tensor xh = cen.div(d);
        Tensor y = xh;
        if (gamma != null) y = y.mul(gamma);
        if (beta != null) y = y.add(beta);
        if (y == xh) y = xh.copy();
        return new Tensor[] {y, xh, d.reshape(rows)};
    }

    /** ĝ = g⊙γ; dx = ((ĝ − mean ĝ) − x̂⊙mean(ĝ⊙x̂)) / d, per row. */
    static Tensor layerNormBackward(Tensor xhat, Tensor d, Tensor gamma, Tensor g) {
        int[] keep = xhat.shape();
        keep[keep.length - 1] = 1;
        Tensor gh = gamma == null ? g : g.mul(gamma);
        Tensor a = gh.mean(true, -1), b = gh.mul(xhat).mean(true, -1);
        return gh.sub(a).sub(xhat.mul(b)).div(d.reshape(keep));
    }
}
