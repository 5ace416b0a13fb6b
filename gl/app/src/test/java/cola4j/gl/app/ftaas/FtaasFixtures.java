package cola4j.gl.app.ftaas;

import cola4j.models.MlpClassifier;
import cola4j.models.data.DigitsFamily;
import cola4j.models.data.VectorBatch;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import java.util.List;

/** Small settings for the FTaaS tests: a digits MLP 64 → 16 → 10 pretrained for a few steps. */
public final class FtaasFixtures {
    private FtaasFixtures() {}

    private static DigitsFamily family;

    public static synchronized DigitsFamily family() {
        if (family == null) family = new DigitsFamily();
        return family;
    }

    public static DigitsTenants digits(DType dtype) {
        MlpClassifier base = DigitsPretraining.pretrain(family(), new int[] {16}, dtype, 20, 2e-3, 3, null);
        return new DigitsTenants(base, family());
    }

    public static SessionConfig config(int steps, cola4j.gl.cola.ColaMode mode, TransferDtype t) {
        return new SessionConfig(steps, 4, mode, t, steps, 7, 2e-3);
    }

    public static List<UserSpec> users(int k, String pattern, int interval) {
        return UserSpec.cycle(k, pattern, 2, 5, interval, "adamw", 0.01, 11);
    }

    /**
     * The digits workload, except that user {@code bad}'s batches carry a NaN pixel from its {@code from}-th
     * batch on (0-based).
     */
    static final class PoisonedDigits extends Delegating {
        private final int bad, from;
        private int drawn;

        PoisonedDigits(DigitsTenants inner, int bad) {
            this(inner, bad, 0);
        }

        PoisonedDigits(DigitsTenants inner, int bad, int from) {
            super(inner);
            this.bad = bad;
            this.from = from;
        }

        @Override
        public VectorBatch sample(int user, int rows, Rng rng) {
            VectorBatch b = inner.sample(user, rows, rng);
            if (user == bad && drawn++ >= from) b.x()[rows - 1][5] = Double.NaN;
            return b;
        }
    }

    /**
     * A transport whose uploads from user {@code bad} arrive corrupted from its {@code from}-th upload on (0-based,
     * setup uploads included): a user whose training diverged, or a corrupted message. NaN sets the first element of
     * the first tensor; a finite {@code value} fills every tensor with it.
     */
    static final class CorruptUploads implements Transport {
        private final Transport inner;
        private final int bad, from;
        private final double value;
        private int uploads;

        CorruptUploads(Transport inner, int bad, int from) {
            this(inner, bad, from, Double.NaN);
        }

        CorruptUploads(Transport inner, int bad, int from, double value) {
            this.inner = inner;
            this.bad = bad;
            this.from = from;
            this.value = value;
        }

        @Override
        public List<cola4j.gl.AdaptationData> down(int user, List<cola4j.gl.AdaptationData> data) {
            return inner.down(user, data);
        }

        @Override
        public java.util.LinkedHashMap<String, cola4j.tensor.Tensor> up(int user,
                java.util.LinkedHashMap<String, cola4j.tensor.Tensor> tensors) {
            java.util.LinkedHashMap<String, cola4j.tensor.Tensor> got = inner.up(user, tensors);
            if (user == bad && uploads++ >= from) {
                if (Double.isNaN(value)) got.values().iterator().next().setFlat(0, value);
                else for (cola4j.tensor.Tensor t : got.values()) for (int i = 0; i < t.numel(); i++) t.setFlat(i,
                        value);
            }
            return got;
        }

        @Override
        public TransferStats stats() {
            return inner.stats();
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
        @Override public List<cola4j.models.site.Site> adaptedSites(
                cola4j.models.Model m) { return inner.adaptedSites(m); }
        @Override public String taskName(int user) { return inner.taskName(user); }
        @Override public String metricName() { return inner.metricName(); }
        @Override public VectorBatch sample(int user, int rows, Rng rng) { return inner.sample(user, rows, rng); }
        @Override public VectorBatch concat(List<VectorBatch> parts) { return inner.concat(parts); }
        @Override public java.util.LinkedHashMap<String, cola4j.tensor.Tensor> encode(
                VectorBatch b) { return inner.encode(b); }
        @Override public VectorBatch decode(java.util.Map<String, cola4j.tensor.Tensor> t, int max) {
            return inner.decode(t, max);
        }
        @Override public int rows(VectorBatch b) { return inner.rows(b); }
        @Override public void requireFinite(VectorBatch b, String what) { inner.requireFinite(b, what); }
        @Override public cola4j.autograd.Var loss(cola4j.models.Model m, VectorBatch b, int[] g,
                cola4j.models.ForwardContext ctx) { return inner.loss(m, b, g, ctx); }
        @Override public double evaluate(cola4j.models.Model m, int user,
                cola4j.models.ForwardContext ctx) { return inner.evaluate(m, user, ctx); }
    }
}
