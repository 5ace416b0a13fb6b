package cola4j.gl.cola;

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
        this.model = model;
        model.freeze();
        this.sites = new java.util.LinkedHashSet<>(adapted.stream().map(Site::name).toList());
        auxByUser.forEach((u, m) -> {
            this.auxByUser.put(u, new LinkedHashMap<>(m));
            steps.put(u, new BackpropStep(optimizerFor.apply(ColaUser.parameters(m)), schedule, interval, maxGradNorm));
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

    public Map<Integer, Map<String, AuxiliaryModel>> adapters() {
        return auxByUser;
    }

    @Override
    public double step(LossFunction loss, RowRouting routing, Rng dropoutRng) {
        SiteInterceptor icpt = (site, x, h) -> sites.contains(site.name())
                ? h.add(RoutedAuxiliary.output(auxByUser, routing, site, x, false)) : h;
        ForwardContext ctx = (dropoutRng == null ? ForwardContext.eval() : ForwardContext.train(dropoutRng)).withInterceptor(icpt);
        var l = loss.loss(ctx);
        double v = l.value().item();
        if (!Double.isFinite(v)) throw new IllegalStateException("LoRA: training loss is " + v);
        // one backward fills every user's adapter gradients; each user then steps its own optimizer
        Map<Integer, int[]> users = routing.rowsByUser();
        if (users.size() == 1) return steps.get(users.keySet().iterator().next()).apply(l);
        for (int u : users.keySet()) steps.get(u).begin();
        l.backward();
        for (int u : users.keySet()) steps.get(u).end();
        return v;
    }
}
