package cola4j.gl.ftaas;

import cola4j.models.MlpClassifier;
import cola4j.models.data.DigitsFamily;
import cola4j.models.data.VectorBatch;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import java.util.List;

/** Small settings for the FTaaS tests: a digits MLP 64 → 16 → 10 pretrained for a few steps. */
final class FtaasFixtures {
    private FtaasFixtures() {}

    private static DigitsFamily family;

    static synchronized DigitsFamily family() {
        if (family == null) family = new DigitsFamily();
        return family;
    }

    static DigitsTenants digits(DType dtype) {
        MlpClassifier base = DigitsPretraining.pretrain(family(), new int[] {16}, dtype, 20, 2e-3, 3, null);
        return new DigitsTenants(base, family());
    }

    static SessionConfig config(int steps, cola4j.gl.cola.ColaMode mode, TransferDtype t) {
        return new SessionConfig(steps, 4, mode, t, steps, 7, 2e-3);
    }

    static List<UserSpec> users(int k, String pattern, int interval) {
        return UserSpec.cycle(k, pattern, 2, 5, interval, "adamw", 0.01, 11);
    }

    /** The digits workload, except that user {@code bad}'s batches carry a NaN pixel. */
    static final class PoisonedDigits extends Delegating {
        private final int bad;

        PoisonedDigits(DigitsTenants inner, int bad) {
            super(inner);
            this.bad = bad;
        }

        @Override
        public VectorBatch sample(int user, int rows, Rng rng) {
            VectorBatch b = inner.sample(user, rows, rng);
            if (user == bad) b.x()[rows - 1][5] = Double.NaN;
            return b;
        }
    }

    /** Forwards everything to a {@link DigitsTenants}. */
    static class Delegating implements TenantWorkload<VectorBatch> {
        final DigitsTenants inner;

        Delegating(DigitsTenants inner) {
            this.inner = inner;
        }

        @Override public cola4j.models.Model base() { return inner.base(); }
        @Override public cola4j.models.Model copyOfBase() { return inner.copyOfBase(); }
        @Override public List<cola4j.models.site.Site> adaptedSites(cola4j.models.Model m) { return inner.adaptedSites(m); }
        @Override public String taskName(int user) { return inner.taskName(user); }
        @Override public String metricName() { return inner.metricName(); }
        @Override public VectorBatch sample(int user, int rows, Rng rng) { return inner.sample(user, rows, rng); }
        @Override public VectorBatch concat(List<VectorBatch> parts) { return inner.concat(parts); }
        @Override public int rows(VectorBatch b) { return inner.rows(b); }
        @Override public void requireFinite(VectorBatch b, String what) { inner.requireFinite(b, what); }
        @Override public cola4j.autograd.Var loss(cola4j.models.Model m, VectorBatch b, int[] g, cola4j.models.ForwardContext ctx) { return inner.loss(m, b, g, ctx); }
        @Override public double evaluate(cola4j.models.Model m, int user, cola4j.models.ForwardContext ctx) { return inner.evaluate(m, user, ctx); }
    }
}
