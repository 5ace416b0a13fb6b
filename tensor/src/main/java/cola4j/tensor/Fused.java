package cola4j.tensor;

/**
 * Fused elementwise kernels: one pass over the data where the readable composite definition takes many (each
 * composite op allocates and writes a full tensor, and its backward as many again). The composite stays the
 * definition (autograd's {@code Activations}); a float64 test asserts that the kernel equals it in values and
 * gradients to ≤ 1e-13 relative (autograd's FusedKernelsTest).
 *
 * <p>Rounding: float64 computes every element in double exactly as written below. float32 computes each element in
 * double and rounds once at the end, where the composite rounds to float after every op; float32 results therefore
 * differ from the composite's in the last bits (≤ a few float ulps), never in float64 beyond 1e-13.
 */
public final class Fused {
    private Fused() {}

    /** √(2/π), the constant of GPT-2's tanh approximation of GELU. */
    public static final double GELU_S = Math.sqrt(2.0 / Math.PI);
    /** The cubic coefficient of GPT-2's GELU. */
    public static final double GELU_C = 0.044715;

    /**
     * GELU (tanh approximation), elementwise: u = S·(x + C·x³), y = ½·x·(1 + tanh u). Shape: any → same.
     * tanh: {@link Math#tanh} in float64; float32 uses the exp form of {@link Elementwise#tanhFloat} (before its
     * rounding), as the composite's float32 tanh does.
     */
    public static Tensor gelu(Tensor x) {
        return geluWithTanh(x)[0];
    }

    /**
     * {@link #gelu} and t = tanh(u) per element (t rounded to the dtype), which {@link #geluBackward} takes so that
     * the backward pass does not evaluate tanh again.
     *
     * @return {y, t}, both of x's shape and dtype
     */
    public static Tensor[] geluWithTanh(Tensor x) {
        if (Backend.nd4j(x)) return Nd4jFused.geluWithTanh(x);
        int n = x.numel();
        if (x.d != null) {
            double[] a = x.d, o = new double[n], th = new double[n];
            Parallel.forRange(n, Parallel.TRANSCENDENTAL, (lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    double v = a[i], t = Math.tanh(GELU_S * (v + GELU_C * v * v * v));
                    th[i] = t;
                    o[i] = 0.5 * v * (1 + t);
                }
            });
            return new Tensor[] {new Tensor(o, x.shape()), new Tensor(th, x.shape())};
        }
        float[] a = x.f, o = new float[n], th = new float[n];
        Parallel.forRange(n, Parallel.TRANSCENDENTAL, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                double v = a[i], t = Elementwise.tanhViaExp(GELU_S * (v + GELU_C * v * v * v));
                th[i] = (float) t;
                o[i] = (float) (0.5 * v * (1 + t));
            }
        });
        return new Tensor[] {new Tensor(o, x.shape()), new Tensor(th, x.shape())};
    }

    /**
     * VJP of {@link #gelu}: dL/dx = g ⊙ (½(1 + t) + ½·x·(1 − t²)·S·(1 + 3C·x²)) with t = tanh(S·(x +
     * C·x³)) as returned by {@link #geluWithTanh} (float64: exactly; float32: t rounded to float). x, t, g: same
     * shape and dtype.
     */
    public static Tensor geluBackward(Tensor x, Tensor tanh, Tensor g) {
        Elementwise.requireSame("geluBackward", x, g);
        Elementwise.requireSame("geluBackward", x, tanh);
        if (Backend.nd4j(x, tanh, g)) return Nd4jFused.geluBackward(x, tanh, g);
        int n = x.numel();
        if (x.d != null) {
            double[] a = x.d, th = tanh.d, gg = g.d, o = new double[n];
            Parallel.forRange(n, 4, (lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    double v = a[i], t = th[i];
                    o[i] = gg[i] * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * GELU_S * (1 + 3 * GELU_C * v * v));
                }
            });
            return new Tensor(o, x.shape());
        }
        float[] a = x.f, th = tanh.f, gg = g.f, o = new float[n];
        Parallel.forRange(n, 4, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                double v = a[i], t = th[i];
                o[i] = (float) (gg[i] * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * GELU_S * (1 + 3 * GELU_C * v * v)));
            }
        });
        return new Tensor(o, x.shape());
    }

    /**
     * softmax over the last axis: y_j = e_j / Σ_k e_k, e_j = exp(x_j − max_k x_k), per row of [..., n]. The values
     * are bit-identical to the composite's (autograd's {@code Activations.softmax}): the same operations in the
     * same order and dtype — x − m and exp rounded to the dtype, the sum accumulated in double in index order and
     * rounded to the dtype, then one division. Shape: any (rank ≥ 1) → same.
     */
    public static Tensor softmaxLastAxis(Tensor x) {
        if (x.rank() == 0) throw new IllegalArgumentException("softmaxLastAxis: needs rank >= 1, got a scalar");
        if (Backend.nd4j(x)) return Nd4jFused.softmaxLastAxis(x);
        int n = x.dim(-1), rows = n == 0 ? 0 : x.numel() / n;
        if (x.d != null) {
            double[] a = x.d, o = new double[a.length];
            Parallel.forRange(rows, n * Parallel.TRANSCENDENTAL, (lo, hi) -> {
                for (int r = lo, off = lo * n; r < hi; r++, off += n) {
                    double m = Double.NEGATIVE_INFINITY, s = 0;
                    for (int j = 0; j < n; j++) m = Math.max(m, a[off + j]);
                    for (int j = 0; j < n; j++) s += (o[off + j] = Math.exp(a[off + j] - m));
                    for (int j = 0; j < n; j++) o[off + j] /= s;
                }
            });
            return new Tensor(o, x.shape());
        }
        float[] a = x.f, o = new float[a.length];
        Parallel.forRange(rows, n * Parallel.TRANSCENDENTAL, (lo, hi) -> {
            for (int r = lo, off = lo * n; r < hi; r++, off += n) {
                double m = Double.NEGATIVE_INFINITY, s = 0;
                for (int j = 0; j < n; j++) m = Math.max(m, a[off + j]);
                float mf = (float) m;
                for (int j = 0; j < n; j++) s += (o[off + j] = (float) Math.exp(a[off + j] - mf));
                float sf = (float) s;
                for (int j = 0; j < n; j++) o[off + j] /= sf;
            }
        });
        return new Tensor(o, x.shape());
    }

    /**
     * VJP of {@link #softmaxLastAxis} from its output y: dL/dx_j = y_j · (g_j − Σ_k g_k y_k) per row, the dot
     * product accumulated in double, each element computed in double and rounded once. y, g: same shape and dtype.
     */
    public static Tensor softmaxLastAxisBackward(Tensor y, Tensor g) {
        Elementwise.requireSame("softmaxLastAxisBackward", y, g);
        if (Backend.nd4j(y, g)) return Nd4jFused.softmaxLastAxisBackward(y, g);
        int n = y.dim(-1), rows = n == 0 ? 0 : y.numel() / n;
        if (y.d != null) {
            double[] a = y.d, gg = g.d, o = new double[a.length];
            Parallel.forRange(rows, 3L * n, (lo, hi) -> {
                for (int r = lo, off = lo * n; r < hi; r++, off += n) {
                    double dot = 0;
                    for (int j = 0; j < n; j++) dot += gg[off + j] * a[off + j];
                    for (int j = 0; j < n; j++) o[off + j] = a[off + j] * (gg[off + j] - dot);
                }
            });
            return new Tensor(o, y.shape());
        }
        float[] a = y.f, gg = g.f, o = new float[a.length];
        Parallel.forRange(rows, 3L * n, (lo, hi) -> {
            for (int r = lo, off = lo * n; r < hi; r++, off += n) {
                double dot = 0;
                for (int j = 0; j < n; j++) dot += (double) gg[off + j] * a[off + j];
                for (int j = 0; j < n; j++) o[off + j] = (float) (a[off + j] * (gg[off + j] - dot));
            }
        });
        return new Tensor(o, y.shape());
    }

    /**
     * Layer norm over the last axis, forward: per row of x [..., C], μ = mean x, c = x − μ, σ² = mean c²,
     * d = √(σ² + eps), x̂ = c / d, y = x̂ ⊙ γ + β (γ, β [C] or null). Every step rounds to the dtype as the
     * composite (autograd's {@code Normalization.layerNormComposite}) does — sums in double in index order, divided
     * by C before rounding — so y is bit-identical to it.
     *
     * @return {y [..., C], x̂ [..., C], d [rows]}: what {@link #layerNormBackward} needs
     */
    public static Tensor[] layerNorm(Tensor x, Tensor gamma, Tensor beta, double eps) {
        if (Backend.nd4j(x, gamma, beta)) return Nd4jFused.layerNorm(x, gamma, beta, eps);
        return FusedLayerNorm.forward(x, gamma, beta, eps);
    }

    /**
     * VJP of {@link #layerNorm} for x: with ĝ = g ⊙ γ (g where γ is null), per row
     * dL/dx = (ĝ − mean ĝ − x̂ ⊙ mean(ĝ ⊙ x̂)) / d, in double, rounded once per element. (γ's and β's
     * gradients are Σ_rows g ⊙ x̂ and Σ_rows g: tensor ops, as in the composite.)
     */
    public static Tensor layerNormBackward(Tensor xhat, Tensor d, Tensor gamma, Tensor g) {
        Elementwise.requireSame("layerNormBackward", xhat, g);
        if (Backend.nd4j(xhat, d, gamma, g)) return Nd4jFused.layerNormBackward(xhat, d, gamma, g);
        return FusedLayerNorm.backward(xhat, d, gamma, g);
    }
}
