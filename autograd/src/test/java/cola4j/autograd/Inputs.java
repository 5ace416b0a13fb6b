package cola4j.autograd;

import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;

/** Seeded float64 test inputs for the gradient checks ({@link GradCheck}). */
final class Inputs {
    private Inputs() {}

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
        for (int i = 0; i < t.numel(); i++) {
            t.setFlat(i, (rng.nextDouble() < 0.5 ? -1 : 1) * (0.5 + 1.5 * rng.nextDouble()));
        }
        return t;
    }
}
