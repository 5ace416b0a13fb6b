package cola4j.gl.app.ftaas;

import cola4j.autograd.Var;
import cola4j.gl.app.workload.Batch;
import cola4j.gl.app.workload.Workload;
import cola4j.models.ForwardContext;
import cola4j.models.Model;
import cola4j.models.data.ClassificationFamily;
import cola4j.models.data.LmFamily;
import cola4j.models.data.Seq2SeqFamily;
import cola4j.models.data.Task;
import cola4j.models.data.TaskFamily;
import cola4j.models.site.Site;
import cola4j.models.site.SiteSelector;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Any {@link Workload} family ({@code encoder}, {@code decoder}, {@code seq2seq}) as an FTaaS tenant workload. User
 * u's task is downstream task {@code names[u mod n]} of the family in u's own variant ({@code tasks().downstream(name,
 * u)}: e.g. the decoder's {@code shift}, {@code cipher}, {@code rotate} with a per-user key), so K users need K
 * different adaptations. Adapted sites: those the {@link SiteSelector} picks (the CLI default is
 * {@code attn.query,attn.value}).
 *
 * <p>Loss and metric are the workload's: the grouped cross-entropy over scored positions ({@link Workload#loss(Batch,
 * ForwardContext, int[])}), and the task's metric (accuracy, exact match of the teacher-forced answer, token accuracy)
 * on {@code evalExamples} held-out examples drawn from {@code Rng(EVAL_SEED + u)} — the same examples at every
 * evaluation of user u, so learning curves compare like with like.
 *
 * <p>Rows on the wire. Every batch of every family is padded to one fixed length T (decoder: 2·maxLen + 3; encoder:
 * maxLen + 2; seq2seq: source S = target T = maxLen + 1), and the server sends the adaptation data of <b>every</b>
 * position, <b>padded positions included</b> (the site sees the whole [B, T, C] activation; cutting padding out
 * would need the mask on the wire). So a site sees rows = B × T token rows, and the down payload of a user's step is
 * Σ_sites B·T·(in + out)·e exactly ({@link #positionsPerRow()} = T).
 */
public final class WorkloadTenants implements TenantWorkload<Batch> {
    /** Seed of the held-out evaluation draws (user u uses EVAL_SEED + u). */
    public static final long EVAL_SEED = cola4j.gl.app.workload.Pretrainer.EVAL_SEED;

    private final Workload base;
    private final Supplier<Workload> fresh;
    private final SiteSelector sites;
    private final int evalExamples;
    private final int positions;
    private final Map<Model, Workload> byModel = new IdentityHashMap<>();
    private final Map<Integer, Task<?>> tasks = new LinkedHashMap<>();

    /**
     * @param base         the pretrained workload (its model is the server's base)
     * @param fresh        builds a new workload of the same family and preset (for {@link #copyOfBase()}); its weights
     *                     are overwritten
     * @param sites        which sites are adapted
     * @param evalExamples held-out examples per evaluation (≥ 1)
     */
    public WorkloadTenants(Workload base, Supplier<Workload> fresh, SiteSelector sites, int evalExamples) {
        if (evalExamples < 1) {
            throw new IllegalArgumentException("WorkloadTenants: evalExamples must be >= 1, got " + evalExamples);
        }
        this.base = base;
        this.fresh = fresh;
        this.sites = sites;
        this.evalExamples = evalExamples;
        this.positions = positions(base.tasks());
        // fail early (listing the names) if the selection matches nothing
        base.model().sites(sites);
        byModel.put(base.model(), base);
    }

    /**
     * T of a family (see the class comment); IllegalArgumentException for a family whose rows are not one fixed length.
     */
    static int positions(TaskFamily<?> f) {
        if (f instanceof LmFamily lm) return lm.seqLen();
        if (f instanceof ClassificationFamily c) return c.seqLen();
        if (f instanceof Seq2SeqFamily s) {
            if (s.srcLen() != s.tgtLen()) {
                throw new IllegalArgumentException("WorkloadTenants: seq2seq source length "
                        + s.srcLen() + " != target length " + s.tgtLen()
                        + "; the per-step byte formula assumes one T for every site");
            }
            return s.tgtLen();
        }
        throw new IllegalArgumentException("WorkloadTenants: no fixed sequence length for task family "
                + f.getClass().getSimpleName() + " (use DigitsTenants for the digits MLP)");
    }

    /** User u's task: downstream {@code names[u mod n]}, variant u. */
    public Task<?> task(int user) {
        return tasks.computeIfAbsent(user, u -> {
            List<String> names = base.downstreamNames();
            return base.downstream(names.get(u % names.size()), u);
        });
    }

    /** The underlying pretrained workload. */
    public Workload workload() {
        return base;
    }

    @Override
    public Model base() {
        return base.model();
    }

    @Override
    public Model copyOfBase() {
        Workload w = fresh.get();
        if (w.model().getClass() != base.model().getClass()) {
            throw new IllegalStateException("WorkloadTenants: the fresh workload's model is a "
                    + w.model().getClass().getSimpleName() + ", the base is a "
                    + base.model().getClass().getSimpleName());
        }
        LinkedHashMap<String, Var> src = base.model().namedParameters();
        w.model().namedParameters().forEach((n, p) -> p.value().copyFrom(src.get(n).value()));
        byModel.put(w.model(), w);
        return w.model();
    }

    @Override
    public List<Site> adaptedSites(Model model) {
        return model.sites(sites);
    }

    @Override
    public String taskName(int user) {
        return task(user).name();
    }

    @Override
    public int positionsPerRow() {
        return positions;
    }

    @Override
    public String metricName() {
        return task(0).metric().id();
    }

    @Override
    public Batch sample(int user, int rows, Rng rng) {
        return base.sample(task(user), rows, rng);
    }

    /** The wire form of a batch ({@link SequenceBatches}). */
    @Override
    public LinkedHashMap<String, Tensor> encode(Batch batch) {
        return SequenceBatches.encode(batch);
    }

    /** A checked batch from the wire ({@link SequenceBatches#decode}). */
    @Override
    public Batch decode(Map<String, Tensor> tensors, int maxRows) {
        return SequenceBatches.decode(tensors, maxRows, base.tasks());
    }

    /**
     * What a user device holds of a transformer session: the family's task generators in a workload of the same
     * family and preset ({@code fresh}: its model is never used, the user never sees the base), user u's task being
     * downstream name u mod n in variant u, as on the server.
     */
    public static TenantData<Batch> userData(Workload fresh) {
        return new TenantData<>() {
            private final Map<Integer, Task<?>> tasks = new LinkedHashMap<>();

            private synchronized Task<?> task(int u) {
                return tasks.computeIfAbsent(u, k -> {
                    List<String> names = fresh.downstreamNames();
                    return fresh.downstream(names.get(k % names.size()), k);
                });
            }

            @Override
            public String taskName(int user) {
                return task(user).name();
            }

            @Override
            public Batch sample(int user, int rows, Rng rng) {
                return fresh.sample(task(user), rows, rng);
            }

            @Override
            public LinkedHashMap<String, Tensor> encode(Batch batch) {
                return SequenceBatches.encode(batch);
            }
        };
    }

    @Override
    public Batch concat(List<Batch> parts) {
        return base.concatRows(parts);
    }

    @Override
    public int rows(Batch batch) {
        return batch.rows();
    }

    /** Token ids are integers: a sequence batch cannot hold a non-finite value; a vector batch is checked. */
    @Override
    public void requireFinite(Batch batch, String what) {
        if (!(batch instanceof Batch.Vectors v)) return;
        double[][] x = v.data().x();
        for (int r = 0; r < x.length; r++) {
            for (int j = 0; j < x[r].length; j++) {
                if (!Double.isFinite(x[r][j])) {
                    throw new IllegalArgumentException(what + ": non-finite input " + x[r][j] + " at row " + r
                            + ", feature " + j);
                }
            }
        }
    }

    @Override
    public Var loss(Model model, Batch batch, int[] rowGroup, ForwardContext ctx) {
        return of(model).loss(batch, ctx, rowGroup);
    }

    @Override
    public double evaluate(Model model, int user, ForwardContext ctx) {
        return of(model).evaluate(task(user), evalExamples, new Rng(EVAL_SEED + user), ctx);
    }

    /** The workload whose model is {@code model} (the base or a copy made by {@link #copyOfBase()}). */
    private Workload of(Model model) {
        Workload w = byModel.get(model);
        if (w == null) {
            throw new IllegalArgumentException("WorkloadTenants: model " + model.getClass().getSimpleName()
                    + " is neither the base nor a copy of it");
        }
        return w;
    }
}
