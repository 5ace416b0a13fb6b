package cola4j.gl.app.ftaas;

import cola4j.autograd.GradMode;
import cola4j.autograd.LinalgOps;
import cola4j.autograd.Losses;
import cola4j.autograd.Var;
import cola4j.models.ForwardContext;
import cola4j.models.MlpClassifier;
import cola4j.models.Model;
import cola4j.models.data.DigitShift;
import cola4j.models.data.DigitsFamily;
import cola4j.models.data.DigitsTask;
import cola4j.models.data.Metrics;
import cola4j.models.data.VectorBatch;
import cola4j.models.site.Site;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The digits family as an FTaaS workload: an {@link MlpClassifier} (x [B, 64] → logits [B, 10]) pretrained on the
 * unshifted images; user u's task is kinds[u mod |kinds|] in u's variant ({@link DigitShift#forUser}; by default the
 * kinds are {@link DigitShift#KINDS}: {@code rotate} (quarter turn), {@code flip} (diagonal mirror), {@code invert},
 * {@code mixed} (quarter turn or diagonal mirror plus a label permutation)), so every user needs a different
 * adaptation. Every Linear site ({@code layers.i}, {@code head}) is adapted. Metric: accuracy on the user's shifted
 * test split (359 images).
 *
 * <p>Loss: ℓ_r = −log softmax(z_r)[y_r], grouped as in {@link TenantWorkload} (per group: rows gathered, then the
 * model's mean cross-entropy, summed over groups).
 */
public final class DigitsTenants implements TenantWorkload<VectorBatch> {
    private final MlpClassifier base;
    private final DigitsData data;

    /** Users cycle over every kind of {@link DigitShift#KINDS} (user 2 mod 4 gets {@code invert}). */
    public DigitsTenants(MlpClassifier base, DigitsFamily family) {
        this(base, family, DigitShift.KINDS);
    }

    /**
     * @param base  the pretrained base model (kept as is; the session freezes it)
     * @param family the data
     * @param kinds shift kinds cycled over users (user u gets kinds[u mod |kinds|]); IllegalArgumentException if empty
     *              or unknown
     */
    public DigitsTenants(MlpClassifier base, DigitsFamily family, List<String> kinds) {
        this.data = new DigitsData(family, kinds);
        this.base = base;
    }

    /** User u's task: shift kind kinds[u mod |kinds|], variant u. */
    public DigitsTask task(int user) {
        return data.task(user);
    }

    @Override
    public void choose(int user, String task) {
        data.choose(user, task);
    }

    /** The users' data alone (what a user device holds). */
    public DigitsData data() {
        return data;
    }

    @Override
    public LinkedHashMap<String, Tensor> encode(VectorBatch batch) {
        return data.encode(batch);
    }

    @Override
    public VectorBatch decode(Map<String, Tensor> tensors, int maxRows) {
        return DigitsData.decode(tensors, maxRows);
    }

    @Override
    public MlpClassifier base() {
        return base;
    }

    @Override
    public Model copyOfBase() {
        MlpClassifier m = new MlpClassifier(base.config(), new Rng(0));
        LinkedHashMap<String, Var> src = base.namedParameters();
        m.namedParameters().forEach((n, p) -> p.value().copyFrom(src.get(n).value()));
        return m;
    }

    @Override
    public List<Site> adaptedSites(Model model) {
        return new ArrayList<>(model.sites().values());
    }

    @Override
    public String taskName(int user) {
        return task(user).name();
    }

    @Override
    public String metricName() {
        return "accuracy";
    }

    @Override
    public VectorBatch sample(int user, int rows, Rng rng) {
        return task(user).batch(rows, rng);
    }

    @Override
    public VectorBatch concat(List<VectorBatch> parts) {
        List<double[]> x = new ArrayList<>();
        List<Integer> y = new ArrayList<>();
        for (VectorBatch p : parts) {
            x.addAll(Arrays.asList(p.x()));
            for (int v : p.y()) y.add(v);
        }
        return new VectorBatch(x.toArray(double[][]::new), y.stream().mapToInt(Integer::intValue).toArray());
    }

    @Override
    public int rows(VectorBatch batch) {
        return batch.size();
    }

    @Override
    public void requireFinite(VectorBatch batch, String what) {
        for (int r = 0; r < batch.size(); r++) {
            for (int j = 0; j < batch.dim(); j++) {
                double v = batch.x()[r][j];
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException(what + ": non-finite input " + v + " at row " + r
                            + ", feature " + j);
                }
            }
        }
    }

    /** x [B][D] as a tensor [B, D] of the model's dtype. */
    private static Tensor input(Model model, VectorBatch b) {
        double[] flat = new double[b.size() * b.dim()];
        for (int i = 0; i < b.size(); i++) System.arraycopy(b.x()[i], 0, flat, i * b.dim(), b.dim());
        return Tensor.of(flat, b.size(), b.dim()).to(model.dtype());
    }

    @Override
    public Var loss(Model model, VectorBatch batch, int[] rowGroup, ForwardContext ctx) {
        if (rowGroup.length != batch.size()) {
            throw new IllegalArgumentException("digits loss: " + rowGroup.length + " row groups for "
                    + batch.size() + " rows");
        }
        Var logits = ((MlpClassifier) model).forward(input(model, batch), ctx);          // [B, 10]
        Map<Integer, List<Integer>> groups = new LinkedHashMap<>();
        for (int r = 0; r < rowGroup.length; r++) groups.computeIfAbsent(rowGroup[r], g -> new ArrayList<>()).add(r);
        if (groups.size() == 1) return Losses.crossEntropy(logits, batch.y());
        Var total = null;
        for (List<Integer> rows : groups.values()) {
            int[] idx = rows.stream().mapToInt(Integer::intValue).toArray();
            int[] y = Arrays.stream(idx).map(r -> batch.y()[r]).toArray();
            Var l = Losses.crossEntropy(LinalgOps.gatherRows(logits, idx), y);      // [b_g, 10] -> mean over the group
            total = total == null ? l : total.add(l);
        }
        return total;
    }

    @Override
    public double evaluate(Model model, int user, ForwardContext ctx) {
        VectorBatch test = task(user).testSet();
        try (var s = GradMode.noGrad()) {
            Var logits = ((MlpClassifier) model).forward(input(model, test), ctx);      // [N, 10]
            return Metrics.accuracy(Metrics.argmaxRows(logits.value()), test.y());
        }
    }
}
