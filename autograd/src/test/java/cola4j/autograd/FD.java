package cola4j.autograd;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.List;
import java.util.function.Function;

/**
 * Test helpers for finite-difference checks.
 *
 * <p>Tolerance: {@link #TOL} = 1e-7 relative (absolute 1e-9 below the 1e-2 floor of {@link GradCheck}).
 * With h = 1e-5 the central difference of a correct VJP agrees to ~1e-11 absolute / ≤ 5e-9 relative on these
 * O(1) inputs (truncation h²·L'''/6 and rounding ε·|y|/h are both ~1e-11), while a wrong VJP term is off by
 * O(1): 1e-7 keeps a margin of ~20 over the measured noise and ~10⁶ under a bug.
 */
final class FD {
    private FD() {}

    static final double TOL = 1e-7;

    static GradCheck.Result check(String what, Function<List<Var>, Var> f, Tensor... inputs) {
        GradCheck.Result r = GradCheck.check(f, List.of(inputs));
        System.out.printf("FD %-40s maxAbs %.2e maxRel %.2e (%d elements)%n", what, r.maxAbsError(), r.maxRelError(), r.checked());
        assertThat(r.checked()).as(what + ": elements checked").isPositive();
        assertThat(r.pass(TOL)).as(what + ": " + r).isTrue();
        return r;
    }

    static Tensor randn(long seed, int... shape) {
        return new Rng(seed).normal(DType.FLOAT64, 0.0, 1.0, shape);
    }

    static Tensor uniform(long seed, double lo, double hi, int... shape) {
        return new Rng(seed).uniform(DType.FLOAT64, lo, hi, shape);
    }

    /** Values with |v| in [0.5, 2] and random sign: safe divisors. */
    static Tensor awayFromZero(long seed, int... shape) {
        Rng rng = new Rng(seed);
        Tensor t = Tensor.zeros(DType.FLOAT64, shape);
        for (int i = 0; i < t.numel(); i++) t.setFlat(i, (rng.nextDouble() < 0.5 ? -1 : 1) * (0.5 + 1.5 * rng.nextDouble()));
        return t;
    }
}
