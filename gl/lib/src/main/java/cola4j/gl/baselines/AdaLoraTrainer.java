package cola4j.gl.baselines;

import cola4j.autograd.Var;
import cola4j.gl.cola.LossFunction;
import cola4j.gl.cola.RowRouting;
import cola4j.gl.cola.Trainer;
import cola4j.gl.optim.LrSchedule;
import cola4j.gl.optim.Optimizer;
import cola4j.models.ForwardContext;
import cola4j.models.Model;
import cola4j.models.site.Site;
import cola4j.models.site.SiteInterceptor;
import cola4j.tensor.Rng;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The AdaLoRA baseline (Zhang et al. 2023, as PEFT's {@code AdaLoraModel}), one user, trained by backprop on the
 * server: every adapted linear site outputs h + g(x) with the SVD-shaped {@link AdaLoraAdapter}, the loss is
 * <pre>
 *   L_total = L + γ · (1 / 2n) Σ_sites (‖AAᵀ − I‖_F + ‖BᵀB − I‖_F)    γ = orth_reg_weight, n sites
 * </pre>
 * and after each optimizer update (every {@code interval} batches; gradients still in place) the
 * {@link RankAllocator} updates the importance scores and masks triplets to the budget of that step. The optimizer
 * step index t = 0, 1, … is the allocator's global step. {@link #step} returns L_total, the loss PEFT reports.
 */
public final class AdaLoraTrainer implements Trainer {
    private final LinkedHashMap<String, AdaLoraAdapter> adapters = new LinkedHashMap<>();
    private final RankAllocator allocator;
    private final BackpropStep step;
    private RankAllocator.Budget lastBudget;

    /**
     * @param model        the base model (frozen here)
     * @param sites        adapted linear sites
     * @param cfg          AdaLoRA's settings (total_step = the run's optimizer steps)
     * @param alpha        lora_alpha (scale α / (init_r + 1e-5))
     * @param seedOf       site index → adapter init seed
     * @param optimizerFor builds the optimizer over the parameters, named {@code <site>.lora_A|lora_E|lora_B}
     * @param schedule     learning-rate schedule or null
     * @param interval     gradient accumulation interval
     * @param maxGradNorm  global-norm clip (+∞: none)
     */
    public AdaLoraTrainer(Model model, List<Site> sites, AdaLoraConfig cfg, double alpha,
                          java.util.function.IntToLongFunction seedOf,
                          Function<LinkedHashMap<String, Var>, Optimizer> optimizerFor, LrSchedule schedule,
                          int interval, double maxGradNorm) {
        model.freeze();
        for (int i = 0; i < sites.size(); i++) {
            Site s = sites.get(i);
            if (s.kind() != Site.Kind.LINEAR) {
                throw new IllegalArgumentException("adalora: site " + s.name() + " is not linear");
            }
            adapters.put(s.name(), AdaLoraAdapter.initial(s.inFeatures(), s.outFeatures(), cfg.initR(), alpha,
                    s.dtype(), seedOf.applyAsLong(i)));
        }
        this.allocator = new RankAllocator(cfg, adapters);
        this.step = new BackpropStep(optimizerFor.apply(parameters()), schedule, interval, maxGradNorm);
    }

    @Override
    public String method() {
        return "adalora";
    }

    /** Every parameter as {@code <site>.lora_A|lora_E|lora_B}, site order. */
    public LinkedHashMap<String, Var> parameters() {
        LinkedHashMap<String, Var> m = new LinkedHashMap<>();
        adapters.forEach((s, a) -> a.namedParameters().forEach((n, v) -> m.put(s + "." + n, v)));
        return m;
    }

    public LinkedHashMap<String, AdaLoraAdapter> adapters() {
        return adapters;
    }

    public RankAllocator allocator() {
        return allocator;
    }

    public Optimizer optimizer() {
        return step.optimizer();
    }

    /** The budget the last update applied (null before the first update of this process). */
    public RankAllocator.Budget lastBudget() {
        return lastBudget;
    }

    /** γ · mean over the 2n matrices of their ‖·−I‖_F (PEFT's regu_loss times orth_reg_weight). */
    public Var orthogonalityPenalty() {
        return orthogonalityPenalty(null);
    }

    /** The penalty over the adapters of {@code active} (null: all): γ · mean over their 2·|active| matrices. */
    private Var orthogonalityPenalty(Set<String> active) {
        Var sum = null;
        int n = 0;
        for (var e : adapters.entrySet()) {
            if (active != null && !active.contains(e.getKey())) continue;
            Var r = e.getValue().orthogonality();
            sum = sum == null ? r : sum.add(r);
            n++;
        }
        return sum.mul(allocator.config().orthRegWeight() / (2.0 * n));
    }

    @Override
    public double step(LossFunction loss, RowRouting routing, Rng dropoutRng) {
        return step(loss, routing, dropoutRng, null);
    }

    /**
     * A step in which only {@code activeSites} are adapted (CopRA's progressive activation, as
     * {@code LoraTrainer.step(..., activeSites)}): an inactive site outputs its base h, is left out of the
     * orthogonality penalty (the mean runs over the active sites' 2·|active| matrices), gets no gradient and so no
     * optimizer update, and keeps its importance EMAs ({@link RankAllocator#updateAndAllocate(int, Set)}); the mask
     * of the step is still global. With every site active this is {@link #step(LossFunction, RowRouting, Rng)}.
     *
     * @param activeSites adapted sites active this step (at least one); null = all
     */
    public double step(LossFunction loss, RowRouting routing, Rng dropoutRng, Set<String> activeSites) {
        if (!routing.isSingleUser()) {
            throw new IllegalArgumentException("AdaLoRA baseline trains one user: mixed batches are not supported");
        }
        if (activeSites != null && (activeSites.isEmpty() || !adapters.keySet().containsAll(activeSites))) {
            throw new IllegalArgumentException("AdaLoRA: active sites " + activeSites + " must be a non-empty subset"
                    + " of the adapted " + adapters.keySet());
        }
        ForwardContext ctx = (dropoutRng == null ? ForwardContext.eval() : ForwardContext.train(dropoutRng))
                .withInterceptor(interceptor(activeSites));
        Var total = loss.loss(ctx).add(orthogonalityPenalty(activeSites));
        long before = step.optimizer().stepCount();
        double v = step.apply(total);
        long after = step.optimizer().stepCount();
        if (after != before) lastBudget = allocator.updateAndAllocate((int) (after - 1), activeSites);
        return v;
    }

    /** h + g(x) on the adapted sites (training, and evaluation of the adapted model). */
    public SiteInterceptor interceptor() {
        return interceptor(null);
    }

    private SiteInterceptor interceptor(Set<String> active) {
        return (site, x, h) -> {
            AdaLoraAdapter a = adapters.get(site.name());
            return a == null || (active != null && !active.contains(site.name())) ? h : h.add(a.apply(x));
        };
    }
}
