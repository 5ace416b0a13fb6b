package cola4j.gl.verify;

import cola4j.autograd.Var;
import cola4j.gl.UserFit;
import cola4j.gl.UserFitConfig;
import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.gl.cola.ColaMode;
import cola4j.gl.cola.ColaServer;
import cola4j.gl.cola.RoutedAuxiliary;
import cola4j.gl.cola.RowRouting;
import cola4j.gl.cola.StaleColaTrainer;
import cola4j.gl.optim.GradClip;
import cola4j.gl.optim.LrSchedule;
import cola4j.gl.optim.Optimizer;
import cola4j.models.DecoderLM;
import cola4j.models.ForwardContext;
import cola4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * <b>P10</b> (stale users): with interval I = 1, ColA in which every user update reaches the server k steps late
 * ({@link StaleColaTrainer}) equals delayed-gradient descent with delay k computed by ordinary backprop:
 *
 * <pre>
 *   w_{t+1} = opt(w_t, clip(∇_w L_t(w_{max(0, t−k)})))
 * </pre>
 *
 * where the reference evaluates ∇_w L_t by one backward through the whole model with a copy of the low-rank
 * adapters set to w_{t−k} (trainable inside the model), moves that gradient onto the current w_t and takes the
 * same optimizer step. Adapters are randomized (no zero factor), so J_w depends on w and the version matters.
 */
public final class StalenessProposition {
    private StalenessProposition() {}

    /** P10 with the user's gradient at the served version (the claim). */
    public static PropositionResult p10(Fixture fx, String optimizer, int k, double tol) {
        return p10(fx, optimizer, k, tol, StaleColaTrainer.Gradient.AT_SERVED);
    }

    /**
     * ColA with staleness {@code k} (users take their gradient {@code where}) against delayed-gradient descent, 12
     * steps; {@code optimizer} is {@code sgd} (Nesterov momentum) or {@code adamw} (warm-up/decay schedule), clip 1.
     */
    public static PropositionResult p10(Fixture fx, String optimizer, int k, double tol,
                                        StaleColaTrainer.Gradient where) {
        int steps = 12;
        boolean adam = optimizer.equals("adamw");
        Function<LinkedHashMap<String, Var>, Optimizer> opt = adam ? Fixture.adamW() : Fixture.sgd();
        DecoderLM m1 = fx.model(), m2 = fx.model();
        LinkedHashMap<String, AuxiliaryModel> a1 = fx.auxiliaries(fx.sites(m1), AuxiliaryKind.LOWRANK, 0, true);
        LinkedHashMap<String, AuxiliaryModel> shadow = fx.auxiliaries(fx.sites(m1), AuxiliaryKind.LOWRANK, 0, true);
        UserFit user = new UserFit(0, a1, opt.apply(UserFit.parameters(a1)), new UserFitConfig(1, 1.0),
                adam ? Fixture.schedule(steps) : null);
        StaleColaTrainer cola = new StaleColaTrainer(new ColaServer(m1, fx.sites(m1)), List.of(user),
                Map.of(0, shadow), ColaMode.UNMERGED, k, where);

        m2.freeze();
        LinkedHashMap<String, AuxiliaryModel> a2 = fx.auxiliaries(fx.sites(m2), AuxiliaryKind.LOWRANK, 0, true);
        LinkedHashMap<String, AuxiliaryModel> old = fx.auxiliaries(fx.sites(m2), AuxiliaryKind.LOWRANK, 0, true);
        LinkedHashMap<String, Var> live = UserFit.parameters(a2), past = UserFit.parameters(old);
        Optimizer o2 = opt.apply(live);
        LrSchedule sch = adam ? Fixture.schedule(steps) : null;
        List<Map<String, Tensor>> history = new ArrayList<>();
        PropositionResult.Diff d = new PropositionResult.Diff();
        RowRouting r = RowRouting.single(0, Fixture.B);
        for (int t = 0; t < steps; t++) {
            cola.step(fx.loss(m1, t), r, null);
            history.add(TrajectoryPropositions.state(a2));
            history.get(Math.max(0, history.size() - 1 - k)).forEach((n, v) -> past.get(n).setValue(v));
            past.values().forEach(Var::zeroGrad);
            ForwardContext ctx = ForwardContext.eval().withInterceptor((site, x, h) -> old.containsKey(site.name())
                    ? h.add(RoutedAuxiliary.output(Map.of(0, old), r, site, x, false)) : h);
            fx.loss(m2, t).loss(ctx).backward();
            o2.zeroGrad();
            live.forEach((n, p) -> p.setGrad(past.get(n).grad()));
            GradClip.clipGlobalNorm(live.values(), 1.0);
            if (sch != null) sch.apply(o2);
            o2.step();
            d.addAll(TrajectoryPropositions.state(a1), TrajectoryPropositions.state(a2));
        }
        String how = where == StaleColaTrainer.Gradient.AT_SERVED ? "" : " (user's gradient at its CURRENT w)";
        return d.result("P10", "ColA with staleness k=" + k + " vs delayed-gradient descent (backprop at w_{t-k}), "
                + steps + " steps " + (adam ? "AdamW + warm-up/decay" : "SGD Nesterov") + ", clip 1.0" + how, tol);
    }
}
