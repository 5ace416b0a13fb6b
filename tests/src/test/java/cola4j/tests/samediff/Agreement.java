package cola4j.tests.samediff;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.autograd.Var;
import cola4j.oracle.SameDiffOracle;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.Map;

/**
 * Assertions shared by the SameDiff model cross-checks: values and gradients compared in max-norm relative
 * error ({@link SameDiffOracle#relError}), with the worst error per check recorded and printed.
 *
 * <p>One gradient is zero in exact arithmetic and is judged differently: the key bias of every attention
 * ({@code *attn.key.bias}). Adding bk to every key adds q_i·bk to all scores of query i, and softmax is
 * invariant to a per-row shift (masked scores are overwritten with −1e30 either way), so dL/dbk = 0 and both
 * sides hold only rounding noise. There we require both gradients to be ≤ {@link #ZERO_TOL} × the largest
 * gradient entry of the whole model, which any misplaced key bias would violate by orders of magnitude.
 */
final class Agreement {
    /** Roundoff-level bound for analytically zero gradients, relative to the model's largest gradient entry. */
    static final double ZERO_TOL = 1e-12;

    private final String what;
    private final double tol;
    double maxValueErr, maxGradErr, maxZeroGrad;

    /** @param tol max-norm relative tolerance for values and gradients */
    Agreement(String what, double tol) {
        this.what = what;
        this.tol = tol;
    }

    /** A forward value (logits, block output) or the loss. */
    void values(String name, Tensor ours, Tensor ref) {
        double err = SameDiffOracle.relError(ours, ref);
        maxValueErr = Math.max(maxValueErr, err);
        System.out.printf("SameDiff %-22s %-34s value rel %.2e (max|ref| %.3g)%n", what, name, err, ref.maxAbs());
        assertThat(ref.maxAbs()).as(what + " " + name + ": non-trivial reference value").isGreaterThan(1e-6);
        assertThat(err).as(what + " " + name + " value").isLessThanOrEqualTo(tol);
    }

    void loss(Var ours, double ref) {
        values("loss", ours.value(), Tensor.scalar(DType.FLOAT64, ref));
    }

    /** Every entry of {@code ours} (name → leaf after backward) against the oracle's gradient of that name. */
    void grads(Map<String, Var> ours, Map<String, Tensor> ref) {
        assertThat(ref.keySet()).as(what + ": oracle gradients").containsAll(ours.keySet());
        double scale = 0;
        for (String n : ours.keySet()) scale = Math.max(scale, ref.get(n).maxAbs());
        assertThat(scale).as(what + ": gradient scale").isGreaterThan(1e-6);
        for (var e : ours.entrySet()) {
            String n = e.getKey();
            Tensor g = e.getValue().grad(), r = ref.get(n);
            assertThat(g).as(what + " grad " + n + " missing").isNotNull();
            if (n.endsWith("attn.key.bias")) {
                double z = Math.max(g.maxAbs(), r.maxAbs()) / scale;
                maxZeroGrad = Math.max(maxZeroGrad, z);
                System.out.printf("SameDiff %-22s %-34s grad  = 0 analytically: max|g|/scale ours %.2e ref %.2e%n",
                        what, n, g.maxAbs() / scale, r.maxAbs() / scale);
                assertThat(z).as(what + " grad " + n + " (zero by softmax shift invariance)")
                        .isLessThanOrEqualTo(ZERO_TOL);
                continue;
            }
            double err = SameDiffOracle.relError(g, r);
            maxGradErr = Math.max(maxGradErr, err);
            System.out.printf("SameDiff %-22s %-34s grad  rel %.2e (max|g| %.3g)%n", what, n, err, r.maxAbs());
            assertThat(r.maxAbs()).as(what + " grad " + n + ": non-trivial reference gradient").isGreaterThan(1e-8);
            assertThat(err).as(what + " grad " + n).isLessThanOrEqualTo(tol);
        }
    }

    /** One summary line for the report. */
    void summary() {
        System.out.printf("SameDiff %-22s SUMMARY max value rel %.2e, max grad rel %.2e, "
                + "max analytically-zero grad %.2e%n", what, maxValueErr, maxGradErr, maxZeroGrad);
    }

    /**
     * Moves every parameter off its init by N(0, sigma²) noise (in place, seeded), so LayerNorm γ = 1, β = 0
     * and small embeddings do not hide a swapped or missing parameter.
     */
    static void perturb(Map<String, Var> params, long seed, double sigma) {
        Rng rng = new Rng(seed);
        for (Var v : params.values()) {
            v.value().addInPlace(rng.normal(v.value().dtype(), 0, sigma, v.value().shape()), 1.0);
        }
    }
}
