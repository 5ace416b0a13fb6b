package cola4j.autograd;

import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Checks analytic gradients (reverse mode, {@link Var#backward}) against central finite differences in float64.
 *
 * <p>For a function f of input tensors x_1..x_k with output y, the checked scalar is L = Σ w ⊙ y, where
 * w = 1 if y is a scalar and otherwise a fixed random projection (N(0, 1), seeded by
 * {@link Config#projectionSeed}), so that every output element takes part. Per input element e:
 * <pre>
 *   analytic  a = dL/dx[e]  from y.backward(w)
 *   numeric   n = (L(x + h·e) - L(x - h·e)) / 2h          (f evaluated under {@link GradMode#noGrad()})
 *   abs error = |a - n|,   rel error = |a - n| / max(|a|, |n|, floor)
 * </pre>
 *
 * <p><b>Choice of h.</b> The central difference has truncation error ≈ h²·|L'''|/6 and rounding error
 * ≈ ε·|y|/h per output element the perturbation reaches (ε = 2.2e-16). The optimum is near ε^(1/3) ≈ 6e-6;
 * we use h = 1e-5: truncation ~1e-11 and rounding ~1e-11 for O(1) data. (h = 1e-6 was measured to give
 * rounding noise up to ~4e-10 absolute on small matmuls, ten times more.) To keep the rounding at the
 * level of the outputs the perturbation actually changes, the numeric gradient is formed as
 * Σ_k w_k·(y⁺_k − y⁻_k) / 2h, differencing each output element before projecting: untouched outputs cancel
 * exactly instead of adding the rounding noise of the whole sum.
 *
 * <p><b>Floor.</b> Where both gradients are near zero the relative error is meaningless (noise ~1e-11 over a
 * true 0); dividing by at least {@code floor} = 1e-2 turns elements with |gradient| below 1e-2 into an
 * absolute check at tol·1e-2. A correct VJP then shows relative errors of ~1e-9 on O(1) data, a wrong one
 * O(1); in our tests the worst relative error of a correct VJP was 4.6e-9, so a tolerance of 1e-7 leaves a
 * margin of ~20 on the noise side and ~10⁶ on the bug side.
 *
 * <p>Inputs must be float64; f must be deterministic (draw any randomness from a freshly seeded {@link Rng}
 * inside f). Cost: two evaluations of f per input element, so keep the checked tensors small.
 */
public final class GradCheck {
    private GradCheck() {}

    /**
     * @param h              finite-difference step (absolute, applied to each element)
     * @param floor          lower bound of the denominator of the relative error
     * @param projectionSeed seed of the random projection w used when the output is not a scalar
     */
    public record Config(double h, double floor, long projectionSeed) {
        /** h = 1e-5, floor = 1e-2, seed 20240417 (see the class comment for why). */
        public static final Config DEFAULT = new Config(1e-5, 1e-2, 20240417L);
    }

    /**
     * Outcome of a check.
     *
     * @param maxAbsError largest |a - n| over all checked elements
     * @param maxRelError largest |a - n| / max(|a|, |n|, floor)
     * @param worstInput  index of the input holding the element with the largest relative error
     * @param worstIndex  flat index of that element
     * @param analytic    analytic gradient at that element
     * @param numeric     finite-difference gradient at that element
     * @param checked     number of elements compared
     */
    public record Result(double maxAbsError, double maxRelError, int worstInput, int worstIndex, double analytic,
                         double numeric, int checked) {
        /** True when the largest relative error is at most {@code tol}. */
        public boolean pass(double tol) {
            return maxRelError <= tol;
        }

        @Override
        public String toString() {
            return String.format("GradCheck(maxAbs=%.3e, maxRel=%.3e, worst input %d element %d: analytic %.12g vs numeric %.12g, %d elements)",
                    maxAbsError, maxRelError, worstInput, worstIndex, analytic, numeric, checked);
        }
    }

    /** {@link #check(Function, List, Config)} with {@link Config#DEFAULT}. */
    public static Result check(Function<List<Var>, Var> f, List<Tensor> inputs) {
        return check(f, inputs, Config.DEFAULT);
    }

    /**
     * Compares the analytic gradient of every input element with its central finite difference.
     *
     * @param f      builds the output from the inputs (each passed as a {@link Var#param} leaf)
     * @param inputs float64 tensors (not modified)
     */
    public static Result check(Function<List<Var>, Var> f, List<Tensor> inputs, Config cfg) {
        for (int i = 0; i < inputs.size(); i++) {
            if (inputs.get(i).dtype() != DType.FLOAT64) {
                throw new IllegalArgumentException("GradCheck: input " + i + " is " + inputs.get(i).dtype() + "; finite differences need float64");
            }
        }
        List<Var> params = new ArrayList<>();
        for (Tensor t : inputs) params.add(Var.param(t.copy()));
        Var y = f.apply(params);
        Tensor w = projection(y.value(), cfg.projectionSeed());
        y.backward(w);
        List<Tensor> numeric = numericGradients(f, inputs, w, cfg.h());

        double maxAbs = 0, maxRel = -1, worstA = 0, worstN = 0;
        int worstInput = -1, worstIndex = -1, checked = 0;
        for (int i = 0; i < inputs.size(); i++) {
            Tensor ga = params.get(i).grad();
            Tensor gn = numeric.get(i);
            for (int e = 0; e < gn.numel(); e++) {
                double a = ga == null ? 0.0 : ga.getFlat(e), n = gn.getFlat(e);
                double abs = Math.abs(a - n);
                double rel = abs / Math.max(Math.max(Math.abs(a), Math.abs(n)), cfg.floor());
                if (Double.isNaN(abs)) rel = abs = Double.POSITIVE_INFINITY;
                maxAbs = Math.max(maxAbs, abs);
                if (rel > maxRel) {
                    maxRel = rel;
                    worstInput = i;
                    worstIndex = e;
                    worstA = a;
                    worstN = n;
                }
                checked++;
            }
        }
        return new Result(maxAbs, Math.max(maxRel, 0), worstInput, worstIndex, worstA, worstN, checked);
    }

    /**
     * Central-difference gradients of L = Σ w ⊙ f(inputs) with respect to each input, in float64.
     * f is evaluated under {@link GradMode#noGrad()} on perturbed copies; the inputs are not modified.
     *
     * @param w projection with f's output shape (a ones scalar for a scalar output)
     */
    public static List<Tensor> numericGradients(Function<List<Var>, Var> f, List<Tensor> inputs, Tensor w, double h) {
        List<Tensor> work = new ArrayList<>();
        for (Tensor t : inputs) work.add(t.copy());
        List<Tensor> grads = new ArrayList<>();
        try (var scope = GradMode.noGrad()) {
            for (int i = 0; i < work.size(); i++) {
                Tensor x = work.get(i);
                Tensor g = Tensor.zerosLike(x);
                for (int e = 0; e < x.numel(); e++) {
                    double orig = x.getFlat(e);
                    x.setFlat(e, orig + h);
                    Tensor plus = evaluate(f, work, w);
                    x.setFlat(e, orig - h);
                    Tensor minus = evaluate(f, work, w);
                    x.setFlat(e, orig);
                    // Σ_k w_k (y⁺_k - y⁻_k): differencing per output element first, outputs that the
                    // perturbation does not reach cancel exactly instead of adding rounding noise of |L|.
                    double s = 0;
                    for (int k = 0; k < w.numel(); k++) s += w.getFlat(k) * (plus.getFlat(k) - minus.getFlat(k));
                    g.setFlat(e, s / (2 * h));
                }
                grads.add(g);
            }
        }
        return grads;
    }

    /** The fixed projection for an output value: 1 for a scalar, else seeded N(0, 1) of the same shape. */
    public static Tensor projection(Tensor y, long seed) {
        if (y.numel() == 1) return Tensor.onesLike(y);
        return new Rng(seed).normal(y.dtype(), 0.0, 1.0, y.shape());
    }

    private static Tensor evaluate(Function<List<Var>, Var> f, List<Tensor> xs, Tensor w) {
        List<Var> vars = new ArrayList<>();
        for (Tensor t : xs) vars.add(Var.param(t));
        Tensor y = f.apply(vars).value().copy(); // copy: y may share storage with a perturbed input (reshape)
        if (!Arrays.equals(y.shape(), w.shape())) {
            throw new IllegalStateException("GradCheck: f changed its output shape from " + Arrays.toString(w.shape())
                    + " to " + Arrays.toString(y.shape()));
        }
        return y;
    }
}
