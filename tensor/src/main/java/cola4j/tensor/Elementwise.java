package cola4j.tensor;

import java.util.Arrays;

/**
 * Elementwise kernels: binary ops with NumPy broadcasting, unary ops, {@code where}.
 * Same-shape operands take a flat loop; anything else takes the strided broadcast loop.
 */
final class Elementwise {
    private Elementwise() {}

    /** Binary ops. Comparisons return 1.0 / 0.0 in the operands' dtype. */
    enum Bin {
        ADD("add"), SUB("sub"), MUL("mul"), DIV("div"), MAX("maximum"), GT("gt"), GE("ge"), EQ("eq");

        /** the name of the public {@link Tensor} method, used in error messages */
        final String opName;

        Bin(String opName) {
            this.opName = opName;
        }
    }

    /** Unary ops; POW takes a scalar exponent. */
    enum Un { NEG, EXP, LOG, SQRT, TANH, ABS, POW }

    static double apply(Bin op, double x, double y) {
        switch (op) {
            case ADD: return x + y;
            case SUB: return x - y;
            case MUL: return x * y;
            case DIV: return x / y;
            case MAX: return Math.max(x, y);
            case GT: return x > y ? 1 : 0;
            case GE: return x >= y ? 1 : 0;
            default: return x == y ? 1 : 0;
        }
    }

    static double apply(Un op, double x, double p) {
        switch (op) {
            case NEG: return -x;
            case EXP: return Math.exp(x);
            case LOG: return Math.log(x);
            case SQRT: return Math.sqrt(x);
            case TANH: return Math.tanh(x);
            case ABS: return Math.abs(x);
            default: return p == 2.0 ? x * x : Math.pow(x, p);
        }
    }

    static void requireDtype(String op, Tensor a, Tensor b) {
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException(op + ": dtype mismatch " + a.dtype() + " " + Shapes.str(a.shape())
                    + " vs " + b.dtype() + " " + Shapes.str(b.shape()) + " (convert explicitly with to())");
        }
    }

    static void requireSameShape(String op, Tensor a, Tensor b) {
        if (!Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalArgumentException(op + ": shapes " + Shapes.str(a.shape()) + " and "
                    + Shapes.str(b.shape()) + " differ");
        }
    }

    static void requireSame(String op, Tensor a, Tensor b) {
        requireDtype(op, a, b);
        requireSameShape(op, a, b);
    }

    static Tensor binary(Bin op, Tensor a, Tensor b) {
        String name = op.opName;
        requireDtype(name, a, b);
        int[] sa = a.shape(), sb = b.shape();
        if (Arrays.equals(sa, sb)) return Backend.nd4j(a, b) ? Nd4jKernels.binary(op, a, b, sa) : sameShape(op, a, b);
        int[] out = Shapes.broadcast(name, sa, sb);
        if (Backend.nd4j(a, b)) return Nd4jKernels.binary(op, a, b, out);
        if (b.numel() == 1 && Arrays.equals(out, sa)) return scalar(op, a, b.getFlat(0));
        return broadcast(op, a, b, out);
    }

    private static Tensor sameShape(Bin op, Tensor a, Tensor b) {
        int n = a.numel();
        if (a.d != null) {
            double[] x = a.d, y = b.d, o = new double[n];
            Parallel.forRange(n, 1, (lo, hi) -> {
                switch (op) {
                    case ADD: for (int i = lo; i < hi; i++) o[i] = x[i] + y[i]; break;
                    case SUB: for (int i = lo; i < hi; i++) o[i] = x[i] - y[i]; break;
                    case MUL: for (int i = lo; i < hi; i++) o[i] = x[i] * y[i]; break;
                    case DIV: for (int i = lo; i < hi; i++) o[i] = x[i] / y[i]; break;
                    default: for (int i = lo; i < hi; i++) o[i] = apply(op, x[i], y[i]);
                }
            });
            return new Tensor(o, a.shape());
        }
        float[] x = a.f, y = b.f, o = new float[n];
        Parallel.forRange(n, 1, (lo, hi) -> {
            switch (op) {
                case ADD: for (int i = lo; i < hi; i++) o[i] = x[i] + y[i]; break;
                case SUB: for (int i = lo; i < hi; i++) o[i] = x[i] - y[i]; break;
                case MUL: for (int i = lo; i < hi; i++) o[i] = x[i] * y[i]; break;
                case DIV: for (int i = lo; i < hi; i++) o[i] = x[i] / y[i]; break;
                default: for (int i = lo; i < hi; i++) o[i] = (float) apply(op, x[i], y[i]);
            }
        });
        return new Tensor(o, a.shape());
    }

    /** a (op) s for a scalar s; float32 rounds s to float first, as a float32 scalar tensor would. */
    static Tensor scalar(Bin op, Tensor a, double s) {
        if (Backend.nd4j(a)) return Nd4jKernels.scalar(op, a, s);
        int n = a.numel();
        if (a.d != null) {
            double[] x = a.d, o = new double[n];
            Parallel.forRange(n, 1, (lo, hi) -> {
                switch (op) {
                    case ADD: for (int i = lo; i < hi; i++) o[i] = x[i] + s; break;
                    case MUL: for (int i = lo; i < hi; i++) o[i] = x[i] * s; break;
                    default: for (int i = lo; i < hi; i++) o[i] = apply(op, x[i], s);
                }
            });
            return new Tensor(o, a.shape());
        }
        float[] x = a.f, o = new float[n];
        float sf = (float) s;
        Parallel.forRange(n, 1, (lo, hi) -> {
            switch (op) {
                case ADD: for (int i = lo; i < hi; i++) o[i] = x[i] + sf; break;
                case MUL: for (int i = lo; i < hi; i++) o[i] = x[i] * sf; break;
                default: for (int i = lo; i < hi; i++) o[i] = (float) apply(op, x[i], sf);
            }
        });
        return new Tensor(o, a.shape());
    }

    /**
     * General strided loop: the last axis runs innermost, the others advance an odometer. Rows of the output are
     * independent, so large calls split over them ({@link Parallel}).
     */
    private static Tensor broadcast(Bin op, Tensor a, Tensor b, int[] out) {
        Tensor res = Tensor.zeros(a.dtype(), out);
        int r = out.length;
        int[] sa = Shapes.broadcastStrides(a.shape(), out), sb = Shapes.broadcastStrides(b.shape(), out);
        int inner = out[r - 1];
        int outer = res.numel() / Math.max(inner, 1);
        if (outer == 0) return res;
        Parallel.forRange(outer, inner, (lo, hi) -> broadcastRows(op, a, b, res, out, sa, sb, lo, hi));
        return res;
    }

    /** Output rows [from, to) of {@link #broadcast}; sa, sb: the operands' broadcast strides over out. */
    private static void broadcastRows(Bin op, Tensor a, Tensor b, Tensor res, int[] out, int[] sa, int[] sb, int from,
            int to) {
        int r = out.length, inner = out[r - 1], ia = sa[r - 1], ib = sb[r - 1];
        int[] idx = new int[r];
        int offA = 0, offB = 0, o = from * inner;
        for (int k = r - 2, q = from; k >= 0; k--) { // the odometer at row `from`
            idx[k] = q % out[k];
            q /= out[k];
            offA += idx[k] * sa[k];
            offB += idx[k] * sb[k];
        }
        for (int q = from; q < to; q++) {
            if (res.f != null) floatRow(op, a.f, offA, ia, b.f, offB, ib, res.f, o, inner);
            else doubleRow(op, a.d, offA, ia, b.d, offB, ib, res.d, o, inner);
            o += inner;
            for (int k = r - 2; k >= 0; k--) {
                idx[k]++;
                offA += sa[k];
                offB += sb[k];
                if (idx[k] < out[k]) break;
                offA -= sa[k] * out[k];
                offB -= sb[k] * out[k];
                idx[k] = 0;
            }
        }
    }

    /** One innermost row of {@link #broadcast}, float32: o[oo + j] = x[ox + j·sx] (op) y[oy + j·sy]. */
    private static void floatRow(Bin op, float[] x, int ox, int sx, float[] y, int oy, int sy, float[] o, int oo,
            int n) {
        switch (op) {
            case ADD: for (int j = 0; j < n; j++) o[oo + j] = x[ox + j * sx] + y[oy + j * sy]; break;
            case SUB: for (int j = 0; j < n; j++) o[oo + j] = x[ox + j * sx] - y[oy + j * sy]; break;
            case MUL: for (int j = 0; j < n; j++) o[oo + j] = x[ox + j * sx] * y[oy + j * sy]; break;
            case DIV: for (int j = 0; j < n; j++) o[oo + j] = x[ox + j * sx] / y[oy + j * sy]; break;
            default: for (int j = 0; j < n; j++) o[oo + j] = (float) apply(op, x[ox + j * sx], y[oy + j * sy]);
        }
    }

    /** {@link #floatRow} for float64. */
    private static void doubleRow(Bin op, double[] x, int ox, int sx, double[] y, int oy, int sy, double[] o, int oo,
            int n) {
        switch (op) {
            case ADD: for (int j = 0; j < n; j++) o[oo + j] = x[ox + j * sx] + y[oy + j * sy]; break;
            case SUB: for (int j = 0; j < n; j++) o[oo + j] = x[ox + j * sx] - y[oy + j * sy]; break;
            case MUL: for (int j = 0; j < n; j++) o[oo + j] = x[ox + j * sx] * y[oy + j * sy]; break;
            case DIV: for (int j = 0; j < n; j++) o[oo + j] = x[ox + j * sx] / y[oy + j * sy]; break;
            default: for (int j = 0; j < n; j++) o[oo + j] = apply(op, x[ox + j * sx], y[oy + j * sy]);
        }
    }

    /**
     * tanh for a float32 result, from {@link Math#exp} (a JIT intrinsic) instead of {@link Math#tanh} (a native call
     * in JDK 17, which dominated a GELU MLP's time). Computed in double: |x| < 1e-4: x(1 − x²/3) (truncation
     * ≤ 2x⁴/15 ≈ 1e-17 relative); |x| > 20: ±1 (tanh(20) = 1 − 8e-18); otherwise 1 − 2/(e^{2|x|} + 1), whose
     * absolute error ≲ 3e-16 is ≤ 3e-12 relative for |x| ≥ 1e-4. Rounded to float this equals
     * {@code (float) Math.tanh(x)} except where tanh(x) lies within that error of a float rounding boundary (1 ulp).
     * NaN stays NaN, ±∞ gives ±1, −0 gives −0. Float64 keeps {@link Math#tanh}.
     */
    static float tanhFloat(double x) {
        return (float) tanhViaExp(x);
    }

    /** The double that {@link #tanhFloat} rounds (for float32 kernels that round once at the end). */
    static double tanhViaExp(double x) {
        double ax = Math.abs(x);
        double t;
        if (ax < 1e-4) t = ax * (1 - ax * ax / 3);
        else if (ax > 20) t = 1.0;
        else t = 1 - 2 / (Math.exp(2 * ax) + 1);
        return Math.copySign(t, x);
    }

    static Tensor unary(Un op, Tensor a, double p) {
        if (Backend.nd4j(a)) return Nd4jKernels.unary(op, a, p);
        int n = a.numel();
        // pow(x, 1) = x exactly ({@link Math#pow}'s contract), so it is a copy (pow's VJP at p = 2 asks for it)
        if (op == Un.POW && p == 1.0) return a.d != null ? new Tensor(a.d.clone(), a.shape())
                : new Tensor(a.f.clone(), a.shape());
        long cost = op == Un.NEG || op == Un.ABS || (op == Un.POW && (p == 2.0 || p == 3.0)) ? 1
                : Parallel.TRANSCENDENTAL;
        if (a.d != null) {
            double[] x = a.d, o = new double[n];
            Parallel.forRange(n, cost, (lo, hi) -> {
                if (op == Un.NEG) for (int i = lo; i < hi; i++) o[i] = -x[i];
                else if (op == Un.POW && p == 2.0) for (int i = lo; i < hi; i++) o[i] = x[i] * x[i]; // as apply
                else for (int i = lo; i < hi; i++) o[i] = apply(op, x[i], p);
            });
            return new Tensor(o, a.shape());
        }
        float[] x = a.f, o = new float[n];
        Parallel.forRange(n, cost, (lo, hi) -> {
            if (op == Un.NEG) for (int i = lo; i < hi; i++) o[i] = -x[i];
            else if (op == Un.POW && p == 2.0) for (int i = lo; i < hi; i++) o[i] = (float) ((double) x[i] * x[i]);
            else if (op == Un.TANH) for (int i = lo; i < hi; i++) o[i] = tanhFloat(x[i]);
            // x·x is exact in double for a float x, so (x·x)·x is x³ correctly rounded to double
            // (Math.pow: within 1 ulp)
            else if (op == Un.POW && p == 3.0) {
                for (int i = lo; i < hi; i++) o[i] = (float) ((double) x[i] * x[i] * x[i]);
            } else for (int i = lo; i < hi; i++) o[i] = (float) apply(op, x[i], p);
        });
        return new Tensor(o, a.shape());
    }

    /** mask ? a : b with three-way broadcasting; the result has a's dtype. */
    static Tensor where(Tensor mask, Tensor a, Tensor b) {
        requireDtype("where", a, b);
        int[] out = Shapes.broadcast("where", Shapes.broadcast("where", mask.shape(), a.shape()), b.shape());
        if (Backend.nd4j(mask, a, b)) return Nd4jKernels.where(mask, a, b, out);
        if (periodic(mask, out) && periodic(a, out) && periodic(b, out)) return wherePeriodic(mask, a, b, out);
        Tensor m = mask.expand(out), x = a.expand(out), y = b.expand(out);
        Tensor res = Tensor.zeros(a.dtype(), out);
        for (int i = 0; i < res.numel(); i++) res.setFlat(i, m.getFlat(i) != 0 ? x.getFlat(i) : y.getFlat(i));
        return res;
    }

    /**
     * True when t broadcast to {@code out} repeats t's flat storage: t is a scalar or its shape, without leading 1s,
     * is a suffix of out's. Element i of the broadcast is then t's element i mod numel(t)
     * (counted with wrapping indices, no division).
     */
    private static boolean periodic(Tensor t, int[] out) {
        int[] s = t.shape();
        int lead = 0;
        while (lead < s.length && s[lead] == 1) lead++;
        int k = s.length - lead;
        if (k > out.length) return false;
        for (int j = 0; j < k; j++) if (s[lead + j] != out[out.length - k + j]) return false;
        return true;
    }

    /** {@link #where} for {@link #periodic} operands: flat loops over the arrays, the same selections. */
    private static Tensor wherePeriodic(Tensor mask, Tensor a, Tensor b, int[] out) {
        Tensor res = Tensor.zeros(a.dtype(), out);
        int n = res.numel(), nm = mask.numel(), na = a.numel(), nb = b.numel();
        if (n == 0) return res;
        double[] m = mask.toDoubleArray();
        Parallel.forRange(n, 1, (lo, hi) -> {
            if (res.f != null) {
                float[] x = a.f, y = b.f, o = res.f;
                for (int i = lo, im = lo % nm, ia = lo % na, ib = lo % nb; i < hi; i++) {
                    o[i] = m[im] != 0 ? x[ia] : y[ib];
                    if (++im == nm) im = 0;
                    if (++ia == na) ia = 0;
                    if (++ib == nb) ib = 0;
                }
            } else {
                double[] x = a.d, y = b.d, o = res.d;
                for (int i = lo, im = lo % nm, ia = lo % na, ib = lo % nb; i < hi; i++) {
                    o[i] = m[im] != 0 ? x[ia] : y[ib];
                    if (++im == nm) im = 0;
                    if (++ia == na) ia = 0;
                    if (++ib == nb) ib = 0;
                }
            }
        });
        return res;
    }
}
