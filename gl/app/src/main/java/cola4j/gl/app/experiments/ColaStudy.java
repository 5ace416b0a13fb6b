package cola4j.gl.app.experiments;

import cola4j.gl.UserFit;
import cola4j.gl.UserFitConfig;
import cola4j.gl.app.demo.DemoPlan;
import cola4j.gl.app.ftaas.DigitsPretraining;
import cola4j.gl.app.ftaas.DigitsTenants;
import cola4j.gl.app.ftaas.Evaluation;
import cola4j.gl.app.ftaas.FtaasModels;
import cola4j.gl.app.ftaas.UserSpec;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.gl.baselines.LoraTrainer;
import cola4j.gl.cola.ColaMode;
import cola4j.gl.cola.ColaServer;
import cola4j.gl.cola.ColaTrainer;
import cola4j.gl.cola.LossFunction;
import cola4j.gl.cola.RowRouting;
import cola4j.gl.cola.StaleColaTrainer;
import cola4j.gl.cola.Trainer;
import cola4j.models.data.DigitsFamily;
import cola4j.models.data.VectorBatch;
import cola4j.models.site.Site;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Where ColA leaves LoRA's trajectory: the demo's users (4 users on the digits shifts of {@link DemoPlan}, low-rank
 * r 8, AdamW lr 0.02, 32 rows per step, float64 so that rounding does not blur the comparison) trained alone, each by
 * LoRA (the reference) and by ColA variants: fit epochs E (each interval's buffer fitted E times,
 * {@link UserFitConfig#epochs()}) or staleness k (updates reach the server k steps late, {@link StaleColaTrainer}).
 * Per variant, user and step it records
 *
 * <pre>
 *   param_rel_err = ‖w_ColA − w_LoRA‖₂ / ‖w_LoRA‖₂  (all the user's adapter parameters, after the step)
 *   loss_diff     = L_ColA − L_LoRA                       (the batch loss each computed before its update)
 * </pre>
 *
 * and the final held-out metric. Both sides see the same batches (per user Rng(seed·7919 + u)), no dropout.
 *
 * @param steps         server steps per user
 * @param pretrainSteps base pretraining steps
 * @param interval      adaptation interval I of every run (LoRA accumulates over I batches)
 * @param seed          base, adapter and data seed
 */
public record ColaStudy(int steps, int pretrainSteps, int interval, long seed) {
    public ColaStudy {
        if (steps < 1 || pretrainSteps < 0 || interval < 1) {
            throw new IllegalArgumentException("study: steps >= 1, pretrain steps >= 0, interval >= 1 required");
        }
    }

    /** One ColA variant: a name and how to build its trainer for a user. */
    public interface Variant {
        String name();

        Trainer trainer(ColaServer server, UserSpec spec, LinkedHashMap<String, AuxiliaryModel> aux, int interval);
    }

    /** ColA with E fit epochs over each interval's buffer. */
    public static Variant epochs(int e) {
        return new Variant() {
            public String name() {
                return "E=" + e;
            }

            public Trainer trainer(ColaServer s, UserSpec spec, LinkedHashMap<String, AuxiliaryModel> aux, int i) {
                UserFit u = new UserFit(spec.id(), aux, spec.newOptimizer(UserFit.parameters(aux)),
                        new UserFitConfig(i, Double.POSITIVE_INFINITY).withEpochs(e, 0), null);
                return new ColaTrainer(s, List.of(u), ColaMode.UNMERGED);
            }
        };
    }

    /** ColA whose user updates reach the server k steps late (interval 1). */
    public static Variant staleness(int k, DType dtype) {
        return new Variant() {
            public String name() {
                return "k=" + k;
            }

            public Trainer trainer(ColaServer s, UserSpec spec, LinkedHashMap<String, AuxiliaryModel> aux, int i) {
                UserFit u = new UserFit(spec.id(), aux, spec.newOptimizer(UserFit.parameters(aux)),
                        UserFitConfig.noClip(i), null);
                List<Site> sites = new ArrayList<>(s.sites().values());
                return new StaleColaTrainer(s, List.of(u), Map.of(spec.id(), spec.auxiliaries(sites, dtype)),
                        ColaMode.UNMERGED, k, StaleColaTrainer.Gradient.AT_SERVED);
            }
        };
    }

    /** One step of one user under one variant. */
    public record StepRow(String variant, int user, int step, double lossLora, double lossCola, double paramRelErr) {}

    /** The end of one user's run under one variant. */
    public record FinalRow(String variant, int user, double metric, double loraMetric, double baseMetric,
                           double paramRelErr) {}

    /** Everything measured. */
    public record Result(List<StepRow> steps, List<FinalRow> finals) {}

    /** Runs LoRA and every variant for every demo user; {@code onRun} is called after each (user, run). */
    public Result run(List<Variant> variants, IntConsumer onRun) {
        DemoPlan plan = DemoPlan.full();
        DigitsFamily family = new DigitsFamily();
        DigitsTenants w = new DigitsTenants(DigitsPretraining.pretrain(family, FtaasModels.MLP_HIDDEN, DType.FLOAT64,
                pretrainSteps, 2e-3, seed, null), family, plan.taskKinds());
        List<UserSpec> specs = UserSpec.cycle(plan.users(), "lowrank", plan.rank(), 32, interval, "adamw", plan.lr(),
                seed + 1);
        List<Site> sites = w.adaptedSites(w.base());
        List<StepRow> rows = new ArrayList<>();
        List<FinalRow> finals = new ArrayList<>();
        int done = 0;
        for (UserSpec spec : specs) {
            int u = spec.id();
            double base = Evaluation.plain(w, w.base(), u);
            LinkedHashMap<String, AuxiliaryModel> la = spec.auxiliaries(sites, DType.FLOAT64);
            Trainer lora = new LoraTrainer(w.base(), sites, Map.of(u, la), spec::newOptimizer, null, interval,
                    Double.POSITIVE_INFINITY);
            List<Map<String, Tensor>> loraStates = new ArrayList<>();
            double[] loraLoss = train(w, lora, u, la, loraStates);
            double loraMetric = Evaluation.adapted(w, w.base(), u, la);
            onRun.accept(++done);
            for (Variant v : variants) {
                LinkedHashMap<String, AuxiliaryModel> ca = spec.auxiliaries(sites, DType.FLOAT64);
                Trainer t = v.trainer(new ColaServer(w.base(), sites), spec, ca, interval);
                List<Map<String, Tensor>> states = new ArrayList<>();
                double[] loss = train(w, t, u, ca, states);
                double err = 0;
                for (int s = 0; s < steps; s++) {
                    err = relErr(states.get(s), loraStates.get(s));
                    rows.add(new StepRow(v.name(), u, s + 1, loraLoss[s], loss[s], err));
                }
                finals.add(new FinalRow(v.name(), u, Evaluation.adapted(w, w.base(), u, ca), loraMetric, base, err));
                onRun.accept(++done);
            }
        }
        return new Result(rows, finals);
    }

    /** Trains {@code steps} batches of user {@code u}'s stream; returns the losses, appends the states. */
    private double[] train(DigitsTenants w, Trainer t, int u, Map<String, AuxiliaryModel> aux,
                           List<Map<String, Tensor>> states) {
        Rng data = new Rng(seed * 7919L + u);
        double[] loss = new double[steps];
        RowRouting routing = RowRouting.single(u, DemoPlan.full().rowsPerUser());
        int[] group = new int[DemoPlan.full().rowsPerUser()];
        for (int s = 0; s < steps; s++) {
            VectorBatch b = w.sample(u, DemoPlan.full().rowsPerUser(), data);
            LossFunction lf = ctx -> w.loss(w.base(), b, group, ctx);
            loss[s] = t.step(lf, routing, null);
            Map<String, Tensor> st = new LinkedHashMap<>();
            UserFit.parameters(aux).forEach((n, p) -> st.put(n, p.value()));
            states.add(st);
        }
        return loss;
    }

    /** ‖a − b‖₂ / ‖b‖₂ over every tensor of the two states (same names). */
    static double relErr(Map<String, Tensor> a, Map<String, Tensor> b) {
        double num = 0, den = 0;
        for (Map.Entry<String, Tensor> e : b.entrySet()) {
            double d = a.get(e.getKey()).sub(e.getValue()).norm(), n = e.getValue().norm();
            num += d * d;
            den += n * n;
        }
        return Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-300);
    }
}
