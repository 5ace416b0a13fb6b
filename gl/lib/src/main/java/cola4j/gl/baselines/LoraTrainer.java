package cola4j.gl.baselines;

import cola4j.gl.UserFit;
import cola4j.gl.cola.LossFunction;
import cola4j.gl.cola.RoutedAuxiliary;
import cola4j.gl.cola.RowRouting;
import cola4j.gl.cola.Trainer;

import cola4j.gl.NonFiniteException;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.gl.optim.LrSchedule;
import cola4j.gl.optim.Optimizer;
import cola4j.models.ForwardContext;
import cola4j.models.Model;
import cola4j.models.site.Site;
import cola4j.models.site.SiteInterceptor;
import cola4j.tensor.Rng;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.IntUnaryOperator;

/**
 * The LoRA baseline: adapters live on the server and are trained by ordinary backprop through the whole model,
 * out = h + g_w(x) with w trainable. With low-rank auxiliaries this is LoRA; with any other auxiliary type it is
 * that adapter trained by backprop (the reference for P8). Several users' adapters can share the server
 * (multi-tenant LoRA): each row goes through its owner's adapter, and the server holds every adapter, its
 * gradients and its optimizer state.
 */
public final class LoraTrainer implements Trainer {
    private final Model model;
    private final Set<String> sites;
    private final Map<Integer, Map<String, AuxiliaryModel>> auxByUser = new LinkedHashMap<>();
    private final Map<Integer, BackpropStep> steps = new LinkedHashMap<>();

    /**
     * @param model        the base model (frozen here)
     * @param adapted      adapted sites
     * @param auxByUser    user → site → adapter
     * @param optimizerFor builds a user's optimizer over its adapter parameters (named {@code site/param})
     * @param schedule     learning-rate schedule or null
     * @param interval     gradient accumulation interval
     * @param maxGradNorm  global-norm clip per user (+∞: none)
     */
    public LoraTrainer(Model model, List<Site> adapted, Map<Integer, ? extends Map<String, AuxiliaryModel>> auxByUser,
                       Function<LinkedHashMap<String, cola4j.autograd.Var>, Optimizer> optimizerFor,
                       LrSchedule schedule, int interval, double maxGradNorm) {
        this(model, adapted, auxByUser, optimizerFor, schedule, u -> interval, maxGradNorm);
    }

    /**
     * Multi-tenant LoRA where every user accumulates over its own interval: user u steps its optimizer after
     * {@code intervalOf(u)} batches that held rows of u (gradient accumulation per user; one backward per mixed batch
     * fills every user's adapter gradients, each user clears its own at the start of its interval).
     *
     * @param intervalOf user id → its accumulation interval (≥ 1)
     */
    public LoraTrainer(Model model, List<Site> adapted, Map<Integer, ? extends Map<String, AuxiliaryModel>> auxByUser,
                       Function<LinkedHashMap<String, cola4j.autograd.Var>, Optimizer> optimizerFor,
                       LrSchedule schedule, IntUnaryOperator intervalOf, double maxGradNorm) {
        this.model = model;
        model.freeze();
        this.sites = new java.util.LinkedHashSet<>(adapted.stream().map(Site::name).toList());
        auxByUser.forEach((u, m) -> {
            this.auxByUser.put(u, new LinkedHashMap<>(m));
            steps.put(u, new BackpropStep(optimizerFor.apply(UserFit.parameters(m)), schedule,
                    intervalOf.applyAsInt(u), maxGradNorm));
        });
    }

    @Override
    public String method() {
        return "lora";
    }

    /** A user's optimizer (its parameters are the user's adapters). */
    public Optimizer optimizer(int user) {
        return steps.get(user).optimizer();
    }

    public Map<Integer, Map<String, AuxiliaryModel>> auxiliaries() {
        return auxByUser;
    }

    @Override
    public double step(LossFunction loss, RowRouting routing, Rng dropoutRng) {
        return step(loss, routing, dropoutRng, null);
    }

    /**
     * A step in which only {@code activeSites} are adapted (CopRA's progressive activation): an inactive site
     * outputs its base h, so its adapter is not in the graph, gets no gradient (null after the optimizer's
     * zeroGrad) and is skipped by the optimizer — its parameters and optimizer state stay unchanged. With an
     * accumulation interval I &gt; 1 an adapter is updated if it was active in any batch of the interval.
     *
     * @param activeSites adapted sites active this step; null = all
     * @throws IllegalArgumentException if an active name is not an adapted site
     */
    public double step(LossFunction loss, RowRouting routing, Rng dropoutRng, Set<String> activeSites) {
        if (activeSites != null) {
            for (String n : activeSites) {
                if (!sites.contains(n)) {
                    throw new IllegalArgumentException("LoRA: active site " + n + " is not adapted; adapted: " + sites);
                }
            }
        }
        SiteInterceptor icpt = (site, x, h) -> sites.contains(site.name())
                && (activeSites == null || activeSites.contains(site.name()))
                ? h.add(RoutedAuxiliary.output(auxByUser, routing, site, x, false)) : h;
        ForwardContext ctx = (dropoutRng == null ? ForwardContext.eval() : ForwardContext.train(dropoutRng))
                .withInterceptor(icpt);
        var l = loss.loss(ctx);
        double v = l.value().item();
        if (!Double.isFinite(v)) throw new NonFiniteException("loss is " + v);
        // one backward fills every user's adapter gradients; each user then steps its own optimizer
        Map<Integer, int[]> users = routing.rowsByUser();
        if (users.size() == 1) return steps.get(users.keySet().iterator().next()).apply(l);
        for (int u : users.keySet()) steps.get(u).begin();
        l.backward();
        for (int u : users.keySet()) steps.get(u).end();
        return v;
    }
}
