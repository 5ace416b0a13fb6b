package cola4j.autograd;

import cola4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The central differences of {@link GradCheck} (formulas and the choice of h in its class comment). Perturbations
 * are single-element writes ({@link Tensor#setFlat}); outputs and projections are read as whole arrays, so on the
 * ND4J backend a check costs two counted downloads per perturbation instead of one element read per output.
 */
final class FiniteDifferences {
    private FiniteDifferences() {}

    /** (L(t[i] + h) − L(t[i] − h)) / 2h with L evaluated under noGrad; t[i] is restored to its exact value. */
    static double at(Supplier<Var> loss, Tensor t, int i, double h) {
        double orig = t.getFlat(i), plus, minus;
        try (var s = GradMode.noGrad()) {
            t.setFlat(i, orig + h);
            plus = scalar(loss.get());
            t.setFlat(i, orig - h);
            minus = scalar(loss.get());
        } finally {
            t.setFlat(i, orig);
        }
        return (plus - minus) / (2 * h);
    }

    private static double scalar(Var l) {
        if (l.value().numel() != 1) {
            throw new IllegalArgumentException("GradCheck: the loss has shape " + Arrays.toString(l.shape())
                    + "; a scalar is needed (reduce it, e.g. with GradCheck.project)");
        }
        return l.value().item();
    }

    /**
     * Central-difference gradients of L = Σ w ⊙ f(inputs) with respect to each input (see
     * {@link GradCheck#numericGradients}); the inputs are not modified.
     */
    static List<Tensor> gradients(Function<List<Var>, Var> f, List<Tensor> inputs, Tensor w, double h) {
        List<Tensor> work = new ArrayList<>();
        for (Tensor t : inputs) work.add(t.copy());
        List<Tensor> grads = new ArrayList<>();
        try (var scope = GradMode.noGrad()) {
            for (int i = 0; i < work.size(); i++) {
                Tensor x = work.get(i);
                double[] g = new double[x.numel()], wk = w.toDoubleArray();
                for (int e = 0; e < g.length; e++) {
                    double orig = x.getFlat(e);
                    x.setFlat(e, orig + h);
                    double[] plus = evaluate(f, work, w).toDoubleArray();
                    x.setFlat(e, orig - h);
                    double[] minus = evaluate(f, work, w).toDoubleArray();
                    x.setFlat(e, orig);
                    // Σ_k w_k (y⁺_k - y⁻_k): differencing per output element first, outputs that the
                    // perturbation does not reach cancel exactly instead of adding rounding noise of |L|.
                    double s = 0;
                    for (int k = 0; k < wk.length; k++) s += wk[k] * (plus[k] - minus[k]);
                    g[e] = s / (2 * h);
                }
                grads.add(Tensor.of(g, x.shape()));
            }
        }
        return grads;
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
