package cola4j.autograd;

import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

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
 * <p>Two forms share this arithmetic and error measure: {@link #check} differentiates a function of input tensors
 * (every element), {@link #checkParams} a scalar loss with respect to named parameter Vars of a model (all or a
 * seeded sample of entries, perturbed in place and restored bit-exactly). {@link Result#require} turns either
 * into an assertion with a message naming the worst element; {@link #TOL} is the tolerance for O(1) data.
 *
 * <p>Both tensor backends ({@code cola4j.tensor.Backend}) are supported; the finite differences live in
 * {@link FiniteDifferences}, the error bookkeeping in {@link GradCompare}.
 *
 * <p>Inputs must be float64; f must be deterministic (draw any randomness from a freshly seeded {@link Rng}
 * inside f). Cost: two evaluations of f per checked element, so keep the checked tensors small.
 */
public final class GradCheck {
    private GradCheck() {}

    /** Relative tolerance for O(1) float64 data with {@link Config#DEFAULT} (margins in the class comment). */
    public static final double TOL = 1e-7;
    /** Tolerance with {@link Config#MODEL}: rounding ε·|L|/h grows tenfold; measured worst 3.5e-7 on model layers. */
    public static final double MODEL_TOL = 1e-6;

    /**
     * @param h              finite-difference step (absolute, applied to each element)
     * @param floor          lower bound of the denominator of the relative error
     * @param projectionSeed seed of the random projection w used when the output is not a scalar
     */
    public record Config(double h, double floor, long projectionSeed) {
        /** h = 1e-5, floor = 1e-2, seed 20240417 (see the class comment for why). */
        public static final Config DEFAULT = new Config(1e-5, 1e-2, 20240417L);
        /**
         * h = 1e-6 for whole-model losses (use with {@link #MODEL_TOL}): their third derivatives are larger, and at
         * h = 1e-5 truncation reached 1.2e-8 absolute (3e-7 relative) on position embeddings of the tiny presets.
         */
        public static final Config MODEL = new Config(1e-6, 1e-2, 20240417L);
    }

    /**
     * Outcome of a check.
     *
     * @param maxAbsError    largest |a - n| over all checked elements
     * @param maxRelError    largest |a - n| / max(|a|, |n|, floor)
     * @param worstInput     index of the input (or parameter, in map order) holding the largest relative error
     * @param worstName      its name: the parameter's, or "input i"
     * @param worstIndex     flat index of that element
     * @param analytic       analytic gradient at that element
     * @param numeric        finite-difference gradient at that element
     * @param maxAbsAnalytic largest |a| over the checked elements (0 means the check proved nothing)
     * @param checked        number of elements compared
     */
    public record Result(double maxAbsError, double maxRelError, int worstInput, String worstName, int worstIndex,
                         double analytic, double numeric, double maxAbsAnalytic, int checked) {
        /** True when the largest relative error is at most {@code tol}. */
        public boolean pass(double tol) {
            return maxRelError <= tol;
        }

        /**
         * Returns this if it passes {@code tol}; otherwise throws an {@link AssertionError} naming {@code what}, the
         * worst element and both gradients. Also throws if nothing was checked or every checked analytic gradient is
         * at most 1e-6 in magnitude (a check of zeros proves nothing).
         */
        public Result require(String what, double tol) {
            if (checked == 0) throw new AssertionError("GradCheck " + what + ": no element was checked");
            if (!(maxAbsAnalytic > 1e-6)) {
                throw new AssertionError("GradCheck " + what + ": every checked analytic gradient is at most 1e-6 (max "
                        + maxAbsAnalytic + " over " + checked + " elements); nothing was tested");
            }
            if (!pass(tol)) {
                throw new AssertionError(String.format("GradCheck %s: rel error %.3e > tol %.1e at %s[%d]: %s", what,
                        maxRelError, tol, worstName, worstIndex, this));
            }
            return this;
        }

        @Override
        public String toString() {
            return String.format("GradCheck(maxAbs=%.3e, maxRel=%.3e, worst %s element %d: analytic %.12g vs "
                    + "numeric %.12g, %d elements)", maxAbsError, maxRelError, worstName, worstIndex, analytic, numeric,
                    checked);
        }
    }

    /** {@link #check(Function, List, Config)} with {@link Config#DEFAULT}. */
    public static Result check(Function<List<Var>, Var> f, List<Tensor> inputs) {
        return check(f, inputs, Config.DEFAULT);
    }

    /** {@link #check(Function, List)} of the inputs, then {@link Result#require}({@code what}, {@link #TOL}). */
    public static Result require(String what, Function<List<Var>, Var> f, Tensor... inputs) {
        return check(f, List.of(inputs)).require(what, TOL);
    }

    /**
     * Compares the analytic gradient of every input element with its central finite difference.
     *
     * @param f      builds the output from the inputs (each passed as a {@link Var#param} leaf)
     * @param inputs float64 tensors (not modified)
     */
    public static Result check(Function<List<Var>, Var> f, List<Tensor> inputs, Config cfg) {
        for (int i = 0; i < inputs.size(); i++) requireFloat64("input " + i, inputs.get(i));
        List<Var> params = new ArrayList<>();
        for (Tensor t : inputs) params.add(Var.param(t.copy()));
        Var y = f.apply(params);
        Tensor w = projection(y.value(), cfg.projectionSeed());
        y.backward(w);
        List<Tensor> numeric = numericGradients(f, inputs, w, cfg.h());
        GradCompare c = new GradCompare(cfg.floor());
        for (int i = 0; i < inputs.size(); i++) {
            Tensor ga = params.get(i).grad();
            double[] a = ga == null ? null : ga.toDoubleArray(), n = numeric.get(i).toDoubleArray();
            for (int e = 0; e < n.length; e++) c.add(i, "input " + i, e, a == null ? 0.0 : a[e], n[e]);
        }
        return c.result();
    }

    /** {@link #checkParams(Supplier, Map, Map, int, long, Config)} with the analytic gradients from backward. */
    public static Result checkParams(Supplier<Var> loss, Map<String, Var> params, int perParam, long sampleSeed,
                                     Config cfg) {
        params.values().forEach(Var::zeroGrad);
        loss.get().backward();
        Map<String, Tensor> analytic = new HashMap<>();
        params.forEach((n, v) -> analytic.put(n, v.grad()));
        return checkParams(loss, params, analytic, perParam, sampleSeed, cfg);
    }

    /**
     * Compares given analytic gradients dL/dθ (null = zero) of a scalar loss with central differences
     * (L(θ + h·e_i) − L(θ − h·e_i)) / 2h, for {@code min(perParam, numel)} entries of each parameter: all of
     * them in order when perParam ≥ numel (pass {@link Integer#MAX_VALUE} for all), else indices drawn with
     * replacement by {@code nextInt(numel)} from one {@link Rng}(sampleSeed), parameter by parameter in map order.
     *
     * @param loss   rebuilds the graph on each call and is deterministic (dropout from a freshly seeded Rng)
     * @param params float64 leaves; each value is perturbed in place and restored bit-exactly
     */
    public static Result checkParams(Supplier<Var> loss, Map<String, Var> params, Map<String, Tensor> analytic,
                                     int perParam, long sampleSeed, Config cfg) {
        params.forEach((n, v) -> requireFloat64(n, v.value()));
        Rng rng = new Rng(sampleSeed);
        GradCompare c = new GradCompare(cfg.floor());
        int p = 0;
        for (Map.Entry<String, Var> e : params.entrySet()) {
            Tensor ga = analytic.get(e.getKey()), t = e.getValue().value();
            double[] a = ga == null ? null : ga.toDoubleArray();
            int n = t.numel(), count = Math.min(perParam, n);
            for (int k = 0; k < count; k++) {
                int i = count == n ? k : rng.nextInt(n);
                c.add(p, e.getKey(), i, a == null ? 0.0 : a[i], FiniteDifferences.at(loss, t, i, cfg.h()));
            }
            p++;
        }
        return c.result();
    }

    /** L = Σ out ⊙ w with w = {@link #projection}(out, seed): a scalar whose gradient with respect to out is w. */
    public static Var project(Var out, long seed) {
        return out.mul(Var.constant(projection(out.value(), seed))).sum(false);
    }

    /**
     * Central-difference gradients of L = Σ w ⊙ f(inputs) with respect to each input, in float64.
     * f is evaluated under {@link GradMode#noGrad()} on perturbed copies; the inputs are not modified.
     *
     * @param w projection with f's output shape (a ones scalar for a scalar output)
     */
    public static List<Tensor> numericGradients(Function<List<Var>, Var> f, List<Tensor> inputs, Tensor w, double h) {
        return FiniteDifferences.gradients(f, inputs, w, h);
    }

    /** The fixed projection for an output value: 1 for a scalar, else seeded N(0, 1) of the same shape. */
    public static Tensor projection(Tensor y, long seed) {
        if (y.numel() == 1) return Tensor.onesLike(y);
        return new Rng(seed).normal(y.dtype(), 0.0, 1.0, y.shape());
    }

    private static void requireFloat64(String what, Tensor t) {
        if (t.dtype() == DType.FLOAT64) return;
        throw new IllegalArgumentException("GradCheck: " + what + " is " + t.dtype() + "; finite differences need "
                + "float64");
    }
}
