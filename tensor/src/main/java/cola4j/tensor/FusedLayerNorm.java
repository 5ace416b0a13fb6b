package cola4j.tensor;

/**
 * The loops behind {@link Fused#layerNorm} and {@link Fused#layerNormBackward}, one typed loop per dtype (float32
 * rounds to float exactly where the composite does; float64 rounds nowhere), split over rows ({@link Parallel}).
 * The formulas, shapes and rounding contract are on those two methods; γ and β (length C, or null) are read as
 * doubles, which every float is exactly.
 */
final class FusedLayerNorm {
    private FusedLayerNorm() {}

    /** Cheap element operations per element of a row, forward and backward (for the split threshold). */
    private static final long COST = 8;

    /** {y, x̂, d} of {@link Fused#layerNorm}. */
    static Tensor[] forward(Tensor x, Tensor gamma, Tensor beta, double eps) {
        int c = x.dim(-1), rows = c == 0 ? 0 : x.numel() / c;
        double[] gm = gamma == null ? null : gamma.toDoubleArray(), bt = beta == null ? null : beta.toDoubleArray();
        if (x.f != null) {
            float[] a = x.f, y = new float[a.length], xh = new float[a.length], d = new float[rows];
            double epsF = (float) eps;
            Parallel.forRange(rows, COST * c, (lo, hi) -> {
                for (int r = lo, off = lo * c; r < hi; r++, off += c) {
                    double s = 0;
                    for (int j = 0; j < c; j++) s += a[off + j];
                    double mu = (float) (s / c), q = 0;
                    for (int j = 0; j < c; j++) {
                        float cj = (float) (a[off + j] - mu);
                        xh[off + j] = cj;
                        q += (float) ((double) cj * cj);
                    }
                    double dr = (float) Math.sqrt((float) ((float) (q / c) + epsF));
                    d[r] = (float) dr;
                    for (int j = 0; j < c; j++) {
                        double h = (float) (xh[off + j] / dr);
                        xh[off + j] = (float) h;
                        if (gm != null) h = (float) (h * gm[j]);
                        if (bt != null) h = (float) (h + bt[j]);
                        y[off + j] = (float) h;
                    }
                }
            });
            return new Tensor[] {new Tensor(y, x.shape()), new Tensor(xh, x.shape()), new Tensor(d, new int[] {rows})};
        }
        double[] a = x.d, y = new double[a.length], xh = new double[a.length], d = new double[rows];
        Parallel.forRange(rows, COST * c, (lo, hi) -> {
            for (int r = lo, off = lo * c; r < hi; r++, off += c) {
                double s = 0;
                for (int j = 0; j < c; j++) s += a[off + j];
                double mu = s / c, q = 0;
                for (int j = 0; j < c; j++) {
                    double cj = a[off + j] - mu;
                    xh[off + j] = cj;
                    q += cj * cj;
                }
                double dr = Math.sqrt(q / c + eps);
                d[r] = dr;
                for (int j = 0; j < c; j++) {
                    double h = xh[off + j] / dr;
                    xh[off + j] = h;
                    if (gm != null) h = h * gm[j];
                    if (bt != null) h = h + bt[j];
                    y[off + j] = h;
                }
            }
        });
        return new Tensor[] {new Tensor(y, x.shape()), new Tensor(xh, x.shape()), new Tensor(d, new int[] {rows})};
    }

    /** dL/dx of {@link Fused#layerNormBackward}. */
    static Tensor backward(Tensor xhat, Tensor d, Tensor gamma, Tensor g) {
        int c = xhat.dim(-1), rows = c == 0 ? 0 : xhat.numel() / c;
        double[] gm = gamma == null ? null : gamma.toDoubleArray(), dd = d.toDoubleArray();
        boolean f32 = xhat.f != null;
        float[] xf = xhat.f, gf = g.f, of = f32 ? new float[xf.length] : null;
        double[] xd = xhat.d, gd = g.d, od = f32 ? null : new double[xd.length];
        Parallel.forRange(rows, COST * c, (lo, hi) -> {
            double[] gh = new double[c], xr = new double[c];
            for (int r = lo, off = lo * c; r < hi; r++, off += c) {
                if (f32) {
                    for (int j = 0; j < c; j++) {
                        xr[j] = xf[off + j];
                        gh[j] = gf[off + j];
                    }
                } else {
                    System.arraycopy(xd, off, xr, 0, c);
                    System.arraycopy(gd, off, gh, 0, c);
                }
                double a = 0, b = 0;
                for (int j = 0; j < c; j++) {
                    if (gm != null) gh[j] *= gm[j];
                    a += gh[j];
                    b += gh[j] * xr[j];
                }
                a /= c;
                b /= c;
                double dr = dd[r];
                if (f32) for (int j = 0; j < c; j++) of[off + j] = (float) ((gh[j] - a - xr[j] * b) / dr);
                else for (int j = 0; j < c; j++) od[off + j] = (gh[j] - a - xr[j] * b) / dr;
            }
        });
        return f32 ? new Tensor(of, xhat.shape()) : new Tensor(od, xhat.shape());
    }
}
