package cola4j.models;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.autograd.GradMode;
import cola4j.autograd.Var;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Central finite differences against backward, in float64: for sampled elements θ_i of each Var,
 * (L(θ + h e_i) − L(θ − h e_i)) / 2h with h = 1e-6, compared to the autograd gradient with
 * |analytic − numeric| ≤ 1e-8 + 1e-6·|numeric| (truncation ~h² ≈ 1e-12, rounding ~ε·|L|/h ≈ 1e-10).
 * The loss supplier must rebuild the graph on each call and be deterministic (dropout from a fresh seeded Rng).
 */
final class FiniteDiff {
    private FiniteDiff() {}

    static final double H = 1e-6;

    /** Returns the number of elements checked; asserts at least one nonzero gradient was seen. */
    static int check(Supplier<Var> loss, Map<String, Var> vars, int perVar, long seed) {
        vars.values().forEach(Var::zeroGrad);
        loss.get().backward();
        Rng rng = new Rng(seed);
        int checked = 0;
        double maxSeen = 0;
        for (Map.Entry<String, Var> e : vars.entrySet()) {
            Var v = e.getValue();
            Tensor grad = v.grad();
            Tensor t = v.value();
            int n = t.numel();
            int count = Math.min(perVar, n);
            for (int k = 0; k < count; k++) {
                int i = count == n ? k : rng.nextInt(n);
                double orig = t.getFlat(i);
                double plus, minus;
                try (var s = GradMode.noGrad()) {
                    t.setFlat(i, orig + H);
                    plus = loss.get().value().item();
                    t.setFlat(i, orig - H);
                    minus = loss.get().value().item();
                } finally {
                    t.setFlat(i, orig);
                }
                double numeric = (plus - minus) / (2 * H);
                double analytic = grad == null ? 0.0 : grad.getFlat(i);
                maxSeen = Math.max(maxSeen, Math.abs(analytic));
                assertThat(Math.abs(analytic - numeric))
                        .as("d loss / d %s[%d]: analytic %s vs numeric %s", e.getKey(), i, analytic, numeric)
                        .isLessThanOrEqualTo(1e-8 + 1e-6 * Math.abs(numeric));
                checked++;
            }
        }
        assertThat(maxSeen).as("some gradient is nonzero").isGreaterThan(1e-6);
        return checked;
    }

    /** L = Σ out ⊙ R for a fixed random R: a scalar whose gradient wrt out is R. */
    static Var project(Var out, long seed) {
        Tensor r = new Rng(seed).normal(out.value().dtype(), 0, 1, out.shape());
        return out.mul(Var.constant(r)).sum(false);
    }
}
