package cola4j.gl.verify;

import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.autograd.Var;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.gl.cola.ColaMode;
import cola4j.gl.cola.ColaServer;
import cola4j.gl.cola.ColaTrainer;
import cola4j.gl.UserFit;
import cola4j.gl.UserFitConfig;
import cola4j.gl.baselines.FullFineTuneTrainer;
import cola4j.gl.baselines.LoraTrainer;
import cola4j.gl.cola.RowRouting;
import cola4j.gl.cola.Trainer;
import cola4j.gl.optim.AdamConfig;
import cola4j.gl.optim.Adam;
import cola4j.gl.optim.LrSchedule;
import cola4j.gl.optim.Optimizer;
import cola4j.gl.optim.Sgd;
import cola4j.gl.optim.SgdConfig;
import cola4j.models.DecoderLM;
import cola4j.models.site.Site;
import cola4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Whole training trajectories compared step by step (every parameter after every step).
 *
 * <ul>
 *   <li><b>P3</b>: ColA (interval 1, unmerged) follows the LoRA trajectory from the same initialization.</li>
 *   <li><b>P4</b>: merged and unmerged ColA follow the same trajectory, and the base weights are bit-exactly the
 *       pretrained ones after every merged step.</li>
 *   <li><b>P5</b>: ColA with interval I equals gradient accumulation over I batches (sum of per-batch mean losses)
 *       followed by one step.</li>
 *   <li><b>P6</b>: a full-rank linear auxiliary, merged, equals full fine-tuning of the adapted base weights
 *       (W_ft = W₀ + ΔW; no weight decay, since decay acts on W for one and on ΔW for the other).</li>
 *   <li><b>P8</b>: an MLP auxiliary trained by GL equals the same MLP trained by backprop through the model.</li>
 * </ul>
 */
public final class TrajectoryPropositions {
    private TrajectoryPropositions() {}

    static Map<String, Tensor> state(Map<String, AuxiliaryModel> aux) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        UserFit.parameters(aux).forEach((k, v) -> m.put(k, v.value().copy()));
        return m;
    }

    /** A single-user ColA trainer on a fresh model. */
    static ColaTrainer cola(DecoderLM m, LinkedHashMap<String, AuxiliaryModel> aux,
                            Function<LinkedHashMap<String, Var>, Optimizer> opt, LrSchedule schedule, int interval,
                            ColaMode mode) {
        UserFit u = new UserFit(0, aux, opt.apply(UserFit.parameters(aux)), new UserFitConfig(interval, 1.0), schedule);
        return new ColaTrainer(new ColaServer(m, m.sites(Fixture.SITES)), List.of(u), mode);
    }

    /** Runs both trainers over the same batches, comparing the states after every step of the second. */
    static PropositionResult.Diff run(Fixture fx, Trainer a, DecoderLM ma, Map<String, AuxiliaryModel> auxA,
                                              Trainer b, DecoderLM mb, Map<String, AuxiliaryModel> auxB, int batches) {
        PropositionResult.Diff d = new PropositionResult.Diff();
        RowRouting r = RowRouting.single(0, Fixture.B);
        for (int k = 0; k < batches; k++) {
            a.step(fx.loss(ma, k), r, null);
            b.step(fx.loss(mb, k), r, null);
            d.addAll(state(auxA), state(auxB));
        }
        return d;
    }

    /** P3 under the named optimizer ({@code sgd} or {@code adamw} with warm-up/decay schedule), 20 steps. */
    public static PropositionResult p3(Fixture fx, String optimizer, double tol) {
        int steps = 20;
        boolean adam = optimizer.equals("adamw");
        Function<LinkedHashMap<String, Var>, Optimizer> opt = adam ? Fixture.adamW() : Fixture.sgd();
        LrSchedule sch = adam ? Fixture.schedule(steps) : null;
        DecoderLM m1 = fx.model(), m2 = fx.model();
        LinkedHashMap<String, AuxiliaryModel> a1 =
                fx.auxiliaries(m1.sites(Fixture.SITES), AuxiliaryKind.LOWRANK, 0, false);
        LinkedHashMap<String, AuxiliaryModel> a2 =
                fx.auxiliaries(m2.sites(Fixture.SITES), AuxiliaryKind.LOWRANK, 0, false);
        Trainer colaT = cola(m1, a1, opt, sch, 1, ColaMode.UNMERGED);
        Trainer lora = new LoraTrainer(m2, m2.sites(Fixture.SITES), Map.of(0, a2), opt, sch, 1, 1.0);
        return run(fx, colaT, m1, a1, lora, m2, a2, steps)
                .result("P3", "ColA (I=1) vs LoRA, " + steps + " steps, "
                        + (adam ? "AdamW + warm-up/decay" : "SGD Nesterov") + ", clip 1.0", tol);
    }

    /** P4: merged vs unmerged ColA, 20 steps of AdamW; fails if a base weight differs from the pretrained one. */
    public static PropositionResult p4(Fixture fx, double tol) {
        return p4(fx, tol, false);
    }

    /**
     * P4; with {@code subtractRestore} every merged step is followed by W ← (W + ΔW) − ΔW, what a server that
     * restored by subtraction instead of from a copy would leave (a negative control: not bit-exact).
     */
    static PropositionResult p4(Fixture fx, double tol, boolean subtractRestore) {
        int steps = 20;
        DecoderLM m1 = fx.model(), m2 = fx.model();
        LinkedHashMap<String, AuxiliaryModel> a1 =
                fx.auxiliaries(m1.sites(Fixture.SITES), AuxiliaryKind.LOWRANK, 0, false);
        LinkedHashMap<String, AuxiliaryModel> a2 =
                fx.auxiliaries(m2.sites(Fixture.SITES), AuxiliaryKind.LOWRANK, 0, false);
        Trainer un = cola(m1, a1, Fixture.adamW(), Fixture.schedule(steps), 1, ColaMode.UNMERGED);
        Trainer me = cola(m2, a2, Fixture.adamW(), Fixture.schedule(steps), 1, ColaMode.MERGED);
        Map<String, Tensor> base = new LinkedHashMap<>();
        m2.namedParameters().forEach((k, v) -> base.put(k, v.value().copy()));
        PropositionResult.Diff d = new PropositionResult.Diff();
        RowRouting r = RowRouting.single(0, Fixture.B);
        boolean restored = true;
        for (int k = 0; k < steps; k++) {
            un.step(fx.loss(m1, k), r, null);
            me.step(fx.loss(m2, k), r, null);
            if (subtractRestore) {
                for (Site s : m2.sites(Fixture.SITES)) {
                    AuxiliaryModel a = a2.get(s.name());
                    s.addDelta(a.deltaWeight(), a.deltaBias());
                    s.subtractDelta(a.deltaWeight(), a.deltaBias());
                }
            }
            d.addAll(state(a2), state(a1));
            for (Map.Entry<String, Var> e : m2.namedParameters().entrySet()) {
                restored &= e.getValue().value().bitEquals(base.get(e.getKey()));
            }
        }
        PropositionResult res = d.result("P4",
                "merged vs unmerged ColA, " + steps + " steps AdamW; base weights bit-exact after each step", tol);
        return restored ? res : new PropositionResult(res.id(), res.setting() + " — BASE WEIGHTS NOT RESTORED",
                res.maxAbs(), res.maxRel(), tol, false);
    }

    /** P5: ColA interval 3 vs LoRA with 3-batch gradient accumulation, 12 batches (4 steps), SGD. */
    public static PropositionResult p5(Fixture fx, double tol) {
        int interval = 3, batches = 12;
        DecoderLM m1 = fx.model(), m2 = fx.model();
        LinkedHashMap<String, AuxiliaryModel> a1 =
                fx.auxiliaries(m1.sites(Fixture.SITES), AuxiliaryKind.LOWRANK, 0, true);
        LinkedHashMap<String, AuxiliaryModel> a2 =
                fx.auxiliaries(m2.sites(Fixture.SITES), AuxiliaryKind.LOWRANK, 0, true);
        Trainer colaT = cola(m1, a1, Fixture.sgd(), null, interval, ColaMode.UNMERGED);
        Trainer acc = new LoraTrainer(m2, m2.sites(Fixture.SITES), Map.of(0, a2), Fixture.sgd(), null, interval, 1.0);
        return run(fx, colaT, m1, a1, acc, m2, a2, batches)
                .result("P5", "ColA interval I=3 vs 3-batch gradient accumulation + one step, " + batches
                        + " batches, SGD", tol);
    }

    /**
     * P6: merged full-rank linear auxiliary vs full fine-tuning of the adapted weights, 15 steps of SGD and of Adam.
     */
    public static PropositionResult p6(Fixture fx, double tol) {
        return p6(fx, tol, 0.0);
    }

    /** P6 with SGD weight decay {@code decay} (> 0: a negative control, decay acts on W for one, ΔW for the other). */
    static PropositionResult p6(Fixture fx, double tol, double decay) {
        PropositionResult.Diff d = new PropositionResult.Diff();
        List<Function<LinkedHashMap<String, Var>, Optimizer>> opts = List.of(
                p -> new Sgd(p, new SgdConfig(0.05, 0.9, 0.0, decay, false)), p -> new Adam(p, AdamConfig.adam(0.01)));
        for (Function<LinkedHashMap<String, Var>, Optimizer> opt : opts) {
            DecoderLM m1 = fx.model(), m2 = fx.model();
            LinkedHashMap<String, AuxiliaryModel> a1 =
                    fx.auxiliaries(m1.sites(Fixture.SITES), AuxiliaryKind.LINEAR, 0, false);
            Trainer colaT = cola(m1, a1, opt, null, 1, ColaMode.MERGED);
            List<Site> s2 = m2.sites(Fixture.SITES);
            Map<String, Tensor> w0 = new LinkedHashMap<>();
            for (Site s : s2) {
                w0.put(s.name() + ".weight", s.weight().copy());
                if (s.bias() != null) w0.put(s.name() + ".bias", s.bias().copy());
            }
            Trainer ft = new FullFineTuneTrainer(m2, s2, opt, null, 1, 1.0);
            RowRouting r = RowRouting.single(0, Fixture.B);
            for (int k = 0; k < 15; k++) {
                colaT.step(fx.loss(m1, k), r, null);
                ft.step(fx.loss(m2, k), r, null);
                for (Site s : s2) {
                    AuxiliaryModel a = a1.get(s.name());
                    d.add(w0.get(s.name() + ".weight").add(a.deltaWeight()), s.weight());
                    if (s.bias() != null) d.add(w0.get(s.name() + ".bias").add(a.deltaBias()), s.bias());
                }
            }
        }
        return d.result("P6", "merged full-rank linear auxiliary (W₀ + ΔW) vs full fine-tuning of those weights,"
                + " 15 steps SGD-momentum and Adam", tol);
    }

    /** P8: MLP auxiliary by GL (ColA) vs by backprop, 15 steps of AdamW. */
    public static PropositionResult p8(Fixture fx, double tol) {
        int steps = 15;
        DecoderLM m1 = fx.model(), m2 = fx.model();
        LinkedHashMap<String, AuxiliaryModel> a1 = fx.auxiliaries(m1.sites(Fixture.SITES), AuxiliaryKind.MLP, 0, false);
        LinkedHashMap<String, AuxiliaryModel> a2 = fx.auxiliaries(m2.sites(Fixture.SITES), AuxiliaryKind.MLP, 0, false);
        Trainer colaT = cola(m1, a1, Fixture.adamW(), Fixture.schedule(steps), 1, ColaMode.UNMERGED);
        Trainer bp = new LoraTrainer(m2, m2.sites(Fixture.SITES), Map.of(0, a2), Fixture.adamW(),
                Fixture.schedule(steps), 1, 1.0);
        return run(fx, colaT, m1, a1, bp, m2, a2, steps)
                .result("P8", "MLP auxiliary: GL vs backprop through the model, " + steps + " steps AdamW", tol);
    }
}
