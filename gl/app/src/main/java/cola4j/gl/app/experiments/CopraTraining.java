package cola4j.gl.app.experiments;

import cola4j.gl.UserFit;
import cola4j.gl.UserFitConfig;
import cola4j.gl.app.train.VariantAuxiliaries;
import cola4j.gl.app.workload.Batch;
import cola4j.gl.app.workload.Workload;
import cola4j.gl.auxiliary.Activation;
import cola4j.gl.auxiliary.AuxSpec;
import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.gl.auxiliary.LoraVariant;
import cola4j.gl.auxiliary.LowRankAux;
import cola4j.gl.auxiliary.LowRankConfig;
import cola4j.gl.baselines.AdaLoraTrainer;
import cola4j.gl.baselines.LoraTrainer;
import cola4j.gl.cola.ColaMode;
import cola4j.gl.cola.ColaServer;
import cola4j.gl.cola.ColaTrainer;
import cola4j.gl.cola.RowRouting;
import cola4j.gl.copra.LayerGroups;
import cola4j.gl.copra.ProgressiveActivation;
import cola4j.gl.copra.ProgressiveSchedule;
import cola4j.gl.copra.ProgressiveTrainer;
import cola4j.gl.optim.AdamConfig;
import cola4j.gl.optim.AdamW;
import cola4j.gl.optim.LrSchedule;
import cola4j.models.data.Task;
import cola4j.models.site.Site;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static cola4j.gl.app.experiments.CopraExperiment.ACTIVATION_SALT;
import static cola4j.gl.app.experiments.CopraExperiment.DATA_SALT;
import static cola4j.gl.app.experiments.CopraExperiment.DROPOUT_SALT;

/**
 * One task's CopRA training for {@link CopraExperiment}: AdamW with linear warm-up (10%) and decay, interval 1, clip
 * 1, on the progressive or plain schedule ({@link ProgressiveTrainer}), for each method and variant:
 * <ul>
 *   <li>lora / cola with {@link CopraConfig#loraVariant()}: the adapters of {@code cola train}
 *       ({@link VariantAuxiliaries}: LoRA, rsLoRA, PiSSA with W_res in the sites while training, DoRA with W0);</li>
 *   <li>adalora: {@code cola train}'s {@link AdaLoraTrainer} (its allocator over the run's steps), progressive
 *       through {@link AdaLoraTrainer#step(cola4j.gl.cola.LossFunction, RowRouting, Rng, java.util.Set)}.</li>
 * </ul>
 * Site i of (seed, task t) is initialized from seed·1000003 + t·7919 + i. Same seed, same numbers.
 */
final class CopraTraining {
    private final Workload w;
    private final List<Site> sites;
    private final LayerGroups groups;
    private final CopraConfig cfg;

    CopraTraining(Workload w, List<Site> sites, LayerGroups groups, CopraConfig cfg) {
        this.w = w;
        this.sites = sites;
        this.groups = groups;
        this.cfg = cfg;
    }

    /** Site i's adapter seed of (seed, taskIndex): the same for plain and progressive runs and every variant. */
    static long adapterSeed(long seed, int taskIndex, int site) {
        return seed * 1_000_003L + taskIndex * 7919L + site;
    }

    /**
     * Trains fresh adapters on {@code task}; the initialization depends on (seed, taskIndex, site) only, not
     * on progressive. The adapters are built as {@code cola train} builds them ({@link VariantAuxiliaries},
     * {@link AdaLoraTrainer}); PiSSA's W_res is in the sites while training and W0 is restored afterwards.
     */
    CopraExperiment.Trained train(Task<?> task, int taskIndex, boolean progressive, long seed) {
        AdamConfig ac = AdamConfig.adamW(cfg.lr());
        LrSchedule sch = LrSchedule.linearWarmupDecay(cfg.lr(), cfg.steps() / 10, cfg.steps());
        long runSeed = seed * 31 + taskIndex;
        ProgressiveSchedule ps = progressive ? new ProgressiveSchedule(cfg.p0(), cfg.stage1Ratio(), cfg.steps())
                : ProgressiveSchedule.always(cfg.steps());
        ProgressiveActivation act = new ProgressiveActivation(ps, groups, new Rng(runSeed ^ ACTIVATION_SALT));
        if (cfg.method().equals("adalora")) {
            AdaLoraTrainer t = new AdaLoraTrainer(w.model(), sites, cfg.adalora().toConfig(cfg.steps()), cfg.alpha(),
                    i -> adapterSeed(seed, taskIndex, i), p -> new AdamW(p, ac), sch, 1, 1.0);
            loop(task, ProgressiveTrainer.adalora(act, t), runSeed);
            LinkedHashMap<String, Tensor> deltas = new LinkedHashMap<>();
            LinkedHashMap<String, LowRankAux> lowRank = new LinkedHashMap<>();
            t.adapters().forEach((n, a) -> {
                deltas.put(n, a.deltaWeight());
                var p = a.namedParameters();
                lowRank.put(n, new LowRankAux(a.inFeatures(), a.outFeatures(),
                        new LowRankConfig(a.rank(), a.alpha(), a.deltaWeight().dtype(), 0), a.scale(),
                        p.get("lora_A").value().mul(p.get("lora_E").value()), p.get("lora_B").value()));
            });
            LinkedHashMap<String, LinkedHashMap<String, Tensor>> params = new LinkedHashMap<>();
            t.adapters().forEach((n, a) -> params.put(n, copies(a.namedParameters())));
            return new CopraExperiment.Trained(deltas, lowRank, new LinkedHashMap<>(), params, 0);
        }
        LoraVariant v = cfg.loraVariant();
        Map<String, Tensor> w0 = VariantAuxiliaries.baseWeights(sites, v);
        LinkedHashMap<String, AuxiliaryModel> aux = new LinkedHashMap<>();
        for (int i = 0; i < sites.size(); i++) {
            Site s = sites.get(i);
            AuxSpec spec = new AuxSpec(cfg.rank(), cfg.alpha(), 128, 1, Activation.RELU, true, s.dtype(),
                    adapterSeed(seed, taskIndex, i));
            aux.put(s.name(), VariantAuxiliaries.create(v, AuxiliaryKind.LOWRANK, s, spec, w0));
        }
        LinkedHashMap<String, LowRankAux> initial = VariantAuxiliaries.initialCopies(v, aux);
        ProgressiveTrainer t;
        try {
            VariantAuxiliaries.prepareBase(sites, v, aux);
            t = cfg.method().equals("lora")
                    ? ProgressiveTrainer.lora(act,
                            new LoraTrainer(w.model(), sites, Map.of(0, aux), p -> new AdamW(p, ac), sch, 1, 1.0))
                    : ProgressiveTrainer.cola(act, new ColaTrainer(new ColaServer(w.model(), sites),
                            List.of(new UserFit(0, aux, new AdamW(UserFit.parameters(aux), ac),
                                    new UserFitConfig(1, 1.0), sch)), ColaMode.UNMERGED));
            loop(task, t, runSeed);
        } finally {
            for (Site s : sites) if (v == LoraVariant.PISSA) s.weight().copyFrom(w0.get(s.name()));
        }
        LinkedHashMap<String, Tensor> deltas = new LinkedHashMap<>();
        aux.forEach((n, a) -> deltas.put(n, initial.containsKey(n)
                ? a.deltaWeight().sub(initial.get(n).deltaWeight()) : a.deltaWeight()));
        LinkedHashMap<String, LowRankAux> lowRank = null;
        if (v != LoraVariant.DORA) {
            lowRank = new LinkedHashMap<>();
            for (var e : aux.entrySet()) lowRank.put(e.getKey(), (LowRankAux) e.getValue());
        }
        LinkedHashMap<String, LinkedHashMap<String, Tensor>> params = new LinkedHashMap<>();
        aux.forEach((n, a) -> params.put(n, copies(a.namedParameters())));
        return new CopraExperiment.Trained(deltas, lowRank, initial, params, t.bytesSent());
    }

    private static LinkedHashMap<String, Tensor> copies(Map<String, cola4j.autograd.Var> p) {
        LinkedHashMap<String, Tensor> m = new LinkedHashMap<>();
        p.forEach((k, v) -> m.put(k, v.value().copy()));
        return m;
    }

    /** cfg.steps() steps of {@code t} on {@code task} with the run's data and dropout streams. */
    private void loop(Task<?> task, ProgressiveTrainer t, long runSeed) {
        Rng data = new Rng(runSeed ^ DATA_SALT), dropout = new Rng(runSeed ^ DROPOUT_SALT);
        for (int k = 0; k < cfg.steps(); k++) {
            Batch b = w.sample(task, cfg.batchSize(), data);
            t.step(ctx -> w.loss(b, ctx), RowRouting.single(0, w.rows(b)), dropout);
        }
    }
}
