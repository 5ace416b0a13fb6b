package cola4j.gl.verify;

import cola4j.autograd.GradMode;
import cola4j.autograd.Var;
import cola4j.gl.GradientLearning;
import cola4j.gl.UserFit;
import cola4j.gl.UserFitConfig;
import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.gl.baselines.LoraTrainer;
import cola4j.gl.cola.ColaMode;
import cola4j.gl.cola.ColaServer;
import cola4j.gl.cola.ColaTrainer;
import cola4j.gl.cola.RowRouting;
import cola4j.gl.cola.StaleColaTrainer;
import cola4j.gl.cola.Trainer;
import cola4j.models.DecoderLM;
import cola4j.models.ForwardContext;
import cola4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Negative controls: each proposition run against a deliberately broken variant (a mutant), which must FAIL. A
 * check that passes its mutant cannot tell right from wrong. Used by {@code cola verify --negative-controls} and
 * by NegativeControlsTest, so both run the same mutants. Meaningful in float64 (tolerance {@link Verifier#TOL64}).
 *
 * <ul>
 *   <li>P1: the surrogate averaged over rows instead of summed (every GL gradient scaled by 1/rows).</li>
 *   <li>P2: the server adds the auxiliary outputs as constants (no path through x), so dL/dh at an earlier site
 *       misses the later auxiliaries' contribution.</li>
 *   <li>P3: the LoRA side starts from another initialization.</li>
 *   <li>P4: base weights restored by subtraction, (W + ΔW) − ΔW, instead of from a copy: not bit-exact.</li>
 *   <li>P5: the user takes E = 2 fit epochs per interval (where ColA stops equalling gradient accumulation).</li>
 *   <li>P6: SGD with weight decay 0.01 (decay acts on W for full fine-tuning and on ΔW for the auxiliary).</li>
 *   <li>P7: the mixed batch's loss is one whole-batch mean instead of a sum of per-user means.</li>
 *   <li>P8: the MLP auxiliary fitted in minibatches of 8 rows (several optimizer steps per batch).</li>
 *   <li>P10: the stale user takes its Jacobian at its current w instead of the served one.</li>
 * </ul>
 * (P9's mutant, a bfloat16 wire on the network side only, lives with P9 in the programs' gRPC package.)
 */
public final class NegativeControls {
    private NegativeControls() {}

    /**
     * One mutant.
     *
     * @param id     the proposition it breaks (P1 …)
     * @param breaks what is broken, in words
     * @param run    runs the proposition with the mutant at a tolerance
     */
    public record Mutant(String id, String breaks, Runner run) {}

    /** Runs a proposition (with its mutant) on a fixture at a tolerance. */
    @FunctionalInterface
    public interface Runner {
        PropositionResult apply(Fixture fx, double tol) throws Exception;
    }

    /** Every mutant of P1–P8 and P10, in order. */
    public static List<Mutant> all() {
        return List.of(
                new Mutant("P1", "GL surrogate averaged over rows instead of summed",
                        (fx, tol) -> GradientPropositions.p1(fx, AuxiliaryKind.LOWRANK, Fixture.SITES, tol,
                                NegativeControls::meanSurrogateGradient)),
                new Mutant("P2", "server adds auxiliary outputs as constants (no path through x)",
                        NegativeControls::p2ConstantAuxiliaryOutputs),
                new Mutant("P3", "LoRA starts from another initialization", NegativeControls::p3OtherInit),
                new Mutant("P4", "base weights restored as (W + dW) - dW, not from a copy: not bit-exact",
                        (fx, tol) -> TrajectoryPropositions.p4(fx, tol, true)),
                new Mutant("P5", "user takes 2 fit epochs per interval", NegativeControls::p5TwoEpochs),
                new Mutant("P6", "SGD with weight decay 0.01", (fx, tol) -> TrajectoryPropositions.p6(fx, tol, 0.01)),
                new Mutant("P7", "mixed loss is one whole-batch mean", (fx, tol) -> MultiUserProposition.p7(fx, tol,
                        MultiUserProposition.MixedLoss.WHOLE_BATCH_MEAN)),
                new Mutant("P8", "MLP auxiliary fitted in minibatches of 8 rows", NegativeControls::p8Minibatches),
                new Mutant("P10", "stale user's Jacobian at its current w, not the served one",
                        (fx, tol) -> StalenessProposition.p10(fx, "sgd", 2, tol,
                                StaleColaTrainer.Gradient.AT_CURRENT)));
    }

    /** GL gradient divided by the number of rows (a mean-reduced surrogate). */
    static Map<String, Tensor> meanSurrogateGradient(AuxiliaryModel aux, cola4j.gl.AdaptationData d) {
        Map<String, Tensor> g = new LinkedHashMap<>();
        GradientLearning.gradient(aux, d).forEach((n, t) -> g.put(n, t.mul(1.0 / d.rows())));
        return g;
    }

    /** P2 with a server that adds g(x) as a constant: its captured dL/dh against the correct server's. */
    static PropositionResult p2ConstantAuxiliaryOutputs(Fixture fx, double tol) {
        PropositionResult.Diff d = new PropositionResult.Diff();
        constantOutputGradients(fx).forEach((site, pair) -> d.add(pair[0], pair[1]));
        return d.result("P2", "captured dL/dh with constant auxiliary outputs vs the ColA server's", tol);
    }

    /**
     * Per site, max |dL/dh (constant auxiliary outputs) − dL/dh (ColA server)|: nonzero where an adapted site
     * follows (the missing path through its input), zero at the last adapted site.
     */
    public static Map<String, Double> constantOutputGradientErrors(Fixture fx) {
        Map<String, Double> m = new LinkedHashMap<>();
        constantOutputGradients(fx).forEach((site, pair) -> m.put(site, pair[0].maxAbsDiff(pair[1])));
        return m;
    }

    /** site → {mutant dL/dh, ColA server's dL/dh}. */
    private static Map<String, Tensor[]> constantOutputGradients(Fixture fx) {
        DecoderLM m1 = fx.model(), m2 = fx.model();
        LinkedHashMap<String, AuxiliaryModel> a1 = fx.auxiliaries(fx.sites(m1), AuxiliaryKind.LOWRANK, 0, true);
        Map<String, Tensor> good = new ColaServer(m1, fx.sites(m1)).pass(fx.loss(m1, 0), Map.of(0, a1),
                RowRouting.single(0, Fixture.B), ColaMode.UNMERGED, null).hiddenGradients();
        m2.freeze();
        LinkedHashMap<String, AuxiliaryModel> a2 = fx.auxiliaries(fx.sites(m2), AuxiliaryKind.LOWRANK, 0, true);
        Map<String, Var> taps = new LinkedHashMap<>();
        ForwardContext ctx = ForwardContext.eval().withInterceptor((site, x, h) -> {
            AuxiliaryModel a = a2.get(site.name());
            if (a == null) return h;
            Tensor c;
            try (var s = GradMode.noGrad()) {
                c = a.apply(x).value();
            }
            Var t = Var.tap(h).retainGrad();
            taps.put(site.name(), t);
            return t.add(Var.constant(c));
        });
        fx.loss(m2, 0).loss(ctx).backward();
        Map<String, Tensor[]> out = new LinkedHashMap<>();
        good.forEach((site, g) -> out.put(site, new Tensor[] {taps.get(site).grad(), g}));
        return out;
    }

    /** P3 with LoRA initialized as user 1 (ColA as user 0), 20 steps SGD. */
    static PropositionResult p3OtherInit(Fixture fx, double tol) {
        DecoderLM m1 = fx.model(), m2 = fx.model();
        LinkedHashMap<String, AuxiliaryModel> a1 = fx.auxiliaries(fx.sites(m1), AuxiliaryKind.LOWRANK, 0, false);
        LinkedHashMap<String, AuxiliaryModel> a2 = fx.auxiliaries(fx.sites(m2), AuxiliaryKind.LOWRANK, 1, false);
        Trainer cola = TrajectoryPropositions.cola(m1, a1, Fixture.sgd(), null, 1, ColaMode.UNMERGED);
        Trainer lora = new LoraTrainer(m2, fx.sites(m2), Map.of(0, a2), Fixture.sgd(), null, 1, 1.0);
        return TrajectoryPropositions.run(fx, cola, m1, a1, lora, m2, a2, 20)
                .result("P3", "ColA vs LoRA from another initialization, 20 steps SGD", tol);
    }

    /** P5 with E = 2 fit epochs: ColA interval 3 vs 3-batch accumulation, 12 batches SGD. */
    static PropositionResult p5TwoEpochs(Fixture fx, double tol) {
        DecoderLM m1 = fx.model(), m2 = fx.model();
        LinkedHashMap<String, AuxiliaryModel> a1 = fx.auxiliaries(fx.sites(m1), AuxiliaryKind.LOWRANK, 0, true);
        LinkedHashMap<String, AuxiliaryModel> a2 = fx.auxiliaries(fx.sites(m2), AuxiliaryKind.LOWRANK, 0, true);
        Trainer cola = colaWith(m1, a1, Fixture.sgd(), new UserFitConfig(3, 1.0).withEpochs(2, 0));
        Trainer acc = new LoraTrainer(m2, fx.sites(m2), Map.of(0, a2), Fixture.sgd(), null, 3, 1.0);
        return TrajectoryPropositions.run(fx, cola, m1, a1, acc, m2, a2, 12)
                .result("P5", "ColA I=3 with 2 fit epochs vs 3-batch gradient accumulation, 12 batches SGD", tol);
    }

    /** P8 with the MLP auxiliary fitted in minibatches of 8 rows, 15 steps AdamW. */
    static PropositionResult p8Minibatches(Fixture fx, double tol) {
        DecoderLM m1 = fx.model(), m2 = fx.model();
        LinkedHashMap<String, AuxiliaryModel> a1 = fx.auxiliaries(fx.sites(m1), AuxiliaryKind.MLP, 0, false);
        LinkedHashMap<String, AuxiliaryModel> a2 = fx.auxiliaries(fx.sites(m2), AuxiliaryKind.MLP, 0, false);
        Trainer cola = colaWith(m1, a1, Fixture.adamW(), new UserFitConfig(1, 1.0).withEpochs(1, 8));
        Trainer bp = new LoraTrainer(m2, fx.sites(m2), Map.of(0, a2), Fixture.adamW(), null, 1, 1.0);
        return TrajectoryPropositions.run(fx, cola, m1, a1, bp, m2, a2, 15)
                .result("P8", "MLP auxiliary: GL in minibatches of 8 rows vs backprop, 15 steps AdamW", tol);
    }

    private static Trainer colaWith(DecoderLM m, LinkedHashMap<String, AuxiliaryModel> aux,
                                    Function<LinkedHashMap<String, Var>, cola4j.gl.optim.Optimizer> opt,
                                    UserFitConfig cfg) {
        UserFit u = new UserFit(0, aux, opt.apply(UserFit.parameters(aux)), cfg, null);
        return new ColaTrainer(new ColaServer(m, m.sites(Fixture.SITES)), List.of(u), ColaMode.UNMERGED);
    }
}
