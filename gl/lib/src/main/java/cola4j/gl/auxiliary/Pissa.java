package cola4j.gl.auxiliary;

import cola4j.tensor.Tensor;

/**
 * PiSSA initialization (Meng et al. 2024; PEFT's {@code init_lora_weights="pissa"}, {@code LoraLayer.pissa_init}):
 * the principal singular directions of the base weight move into the adapter and the residual stays in the base.
 * With W0 = U Σ Vᵀ [out, in] (thin SVD, {@link Svd}), the first r triplets and the adapter's scale s:
 *
 * <pre>
 *   A   = diag(√(Σ_r / s)) · V_rᵀ          [r, in]     (PEFT: diag(sqrt(Sr)) @ Uhr, Sr /= scaling)
 *   B   = U_r · diag(√(Σ_r / s))           [out, r]    (PEFT: lora_B = Vr @ diag(sqrt(Sr)))
 *   s·B·A = U_r Σ_r V_rᵀ                   the best rank-r approximation of W0 (Eckart–Young)
 *   W_res = W0 − s·B·A                     the base weight the model keeps
 * </pre>
 *
 * So at initialization W_res + s·B·A = W0 (up to rounding): the model's function is unchanged. The auxiliary is
 * then an ordinary {@link LowRankAux} g(x) = s·x Aᵀ Bᵀ (with s = α/r, or α/√r with rsLoRA), so Gradient
 * Learning gives dL/dA, dL/dB exactly; only the base weight the server holds changes (to W_res). Signs of singular
 * vector pairs are not unique (u, v → −u, −v), so A and B agree with PyTorch's up to a sign per rank component,
 * while s·B·A and W_res do not depend on that choice (for distinct singular values).
 *
 * @param aux      the adapter with the PiSSA factors
 * @param residual W_res [out, in], in the adapter's dtype
 */
public record Pissa(LowRankAux aux, Tensor residual) {
    /**
     * @param w0    the base weight [out, in]
     * @param cfg   rank r ≤ min(out, in), α, dtype
     * @param scale s (α/r, or {@link RsLora#scale} for rsLoRA)
     */
    public static Pissa init(Tensor w0, LowRankConfig cfg, double scale) {
        if (w0.rank() != 2) throw new IllegalArgumentException("PiSSA: base weight must be a matrix");
        int out = w0.shape()[0], in = w0.shape()[1], r = cfg.rank();
        if (r > Math.min(out, in)) {
            throw new IllegalArgumentException("PiSSA: rank " + r + " exceeds min(out, in) = " + Math.min(out, in));
        }
        Svd svd = Svd.of(w0);
        double[] a = new double[r * in], b = new double[out * r];
        for (int k = 0; k < r; k++) {
            double root = Math.sqrt(svd.sigma()[k] / scale);
            for (int j = 0; j < in; j++) a[k * in + j] = root * svd.v()[j][k];
            for (int i = 0; i < out; i++) b[i * r + k] = svd.u()[i][k] * root;
        }
        Tensor ta = Tensor.of(a, r, in).to(cfg.dtype()), tb = Tensor.of(b, out, r).to(cfg.dtype());
        LowRankAux aux = new LowRankAux(in, out, cfg, scale, ta, tb);
        Tensor residual = w0.to(cfg.dtype()).sub(aux.deltaWeight());
        return new Pissa(aux, residual);
    }

    /** PiSSA with LoRA's scale α/r. */
    public static Pissa init(Tensor w0, LowRankConfig cfg) {
        return init(w0, cfg, cfg.scale());
    }

}
