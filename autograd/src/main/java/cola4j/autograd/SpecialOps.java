package cola4j.autograd;

import cola4j.tensor.Tensor;

/**
 * Special functions as primitive ops with their own VJPs.
 *
 * <p>erf(x) = 2/√π ∫₀ˣ e^(−t²) dt, VJP: ga = g ⊙ 2/√π·e^(−a²). The scalar {@link #erf(double)} is
 * evaluated in float64 by two converging expansions, both with positive terms only (no cancellation):
 * <ul>
 *   <li>|x| ≤ 2: erf(x) = 2/√π·e^(−x²)·Σₙ 2ⁿ x^(2n+1) / (1·3·…·(2n+1)) (A&amp;S 7.1.6);</li>
 *   <li>|x| &gt; 2: erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …))))) (A&amp;S 7.1.14),
 *       evaluated by the modified Lentz method, and erf = 1 − erfc;</li>
 * </ul>
 * erf(−x) = −erf(x). Accuracy: within 8 ulp of glibc's erf at the points of SpecialOpsTest.
 */
public final class SpecialOps {
    private SpecialOps() {}

    /** 2/√π. */
    static final double TWO_OVER_SQRT_PI = 2.0 / Math.sqrt(Math.PI);

    /** z = erf(a), elementwise, same shape and dtype. VJP: ga = g ⊙ 2/√π·e^(−a²). Primitive. */
    public static Var erf(Var a) {
        Tensor x = a.value();
        Tensor z = map(x, false);
        return Var.result(z, "erf", g -> a.accumulate(g.mul(map(x, true))), a);
    }

    /** erf(x) (derivative = false) or erf'(x) = 2/√π·e^(−x²) (derivative = true) of every element. */
    private static Tensor map(Tensor x, boolean derivative) {
        double[] z = x.toDoubleArray(); // ND4J has no erf of this accuracy: one download, one upload (Transfers)
        for (int i = 0; i < z.length; i++) {
            double v = z[i];
            z[i] = derivative ? TWO_OVER_SQRT_PI * Math.exp(-v * v) : erf(v);
        }
        return Tensor.of(x.dtype(), z, x.shape());
    }

    /** The error function in float64; NaN stays NaN, ±∞ gives ±1. */
    public static double erf(double x) {
        if (Double.isNaN(x)) return x;
        double ax = Math.abs(x);
        double r;
        if (ax <= 2.0) {
            double term = ax, sum = ax, twoX2 = 2 * ax * ax;
            for (int n = 1; n < 200 && term > 1e-17 * sum; n++) {
                term *= twoX2 / (2 * n + 1);
                sum += term;
            }
            r = TWO_OVER_SQRT_PI * Math.exp(-ax * ax) * sum;
        } else {
            r = ax > 6.5 ? 1.0 : 1.0 - erfcContinuedFraction(ax);
        }
        return x < 0 ? -r : r;
    }

    /** erfc(x) for x &gt; 2 by A&amp;S 7.1.14: partial numerators k/2 (k = 1, 2, …), denominators x. */
    private static double erfcContinuedFraction(double x) {
        final double tiny = 1e-300;
        double f = x, c = x, d = 0;
        for (int k = 1; k < 500; k++) {
            double an = k / 2.0;
            d = x + an * d;
            if (d == 0) d = tiny;
            c = x + an / c;
            if (c == 0) c = tiny;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1) < 1e-17) break;
        }
        return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
    }
}
