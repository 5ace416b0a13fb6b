package cola4j.gl.app.train;

import cola4j.autograd.Var;
import cola4j.gl.AdaptationData;
import cola4j.gl.auxiliary.Activation;
import cola4j.gl.auxiliary.AuxSpec;
import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.gl.auxiliary.LowRankAux;
import cola4j.gl.cola.ColaMode;
import cola4j.gl.cola.ColaServer;
import cola4j.gl.cola.ColaTrainer;
import cola4j.gl.cola.StaleColaTrainer;
import cola4j.gl.UserFit;
import cola4j.gl.UserFitConfig;
import cola4j.gl.baselines.AdaLoraTrainer;
import cola4j.gl.baselines.FullFineTuneTrainer;
import cola4j.gl.baselines.Ia3Trainer;
import cola4j.gl.baselines.LoraTrainer;
import cola4j.gl.baselines.VirtualTokenTrainer;
import cola4j.gl.cola.RoutedAuxiliary;
import cola4j.gl.cola.RowRouting;
import cola4j.gl.cola.Trainer;
import cola4j.gl.optim.Adam;
import cola4j.gl.optim.AdamConfig;
import cola4j.gl.optim.AdamW;
import cola4j.gl.optim.LrSchedule;
import cola4j.gl.optim.Optimizer;
import cola4j.gl.optim.Sgd;
import cola4j.gl.optim.SgdConfig;
import cola4j.gl.app.workload.HfRun;
import cola4j.gl.app.workload.Workload;
import cola4j.models.ForwardContext;
import cola4j.models.Model;
import cola4j.models.hf.HfModel;
import cola4j.models.site.Site;
import cola4j.models.site.SiteInterceptor;
import cola4j.models.site.SiteSelector;
import cola4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One method of {@code cola train} wired onto a base model, single user (id 0), from a {@link TrainConfig}, reusing the
 * existing trainers: {@link ColaTrainer} (server + one {@link UserFit}), {@link LoraTrainer}, {@link Ia3Trainer},
 * {@link FullFineTuneTrainer}, {@link VirtualTokenTrainer} (prompt, prefix: {@link VirtualTokenSetup}). Exposes what
 * the loop, checkpoints and traces need: the trainer, its one optimizer,
 * the trained parameters, an interceptor that evaluates the adapted model, and (cola) the last adaptation data.
 *
 * <p>Adapter i (site order) is initialized from {@code StepSeeds.seed(seed, ADAPTER_INIT, i)}.
 */
public final class MethodSetup {
    /** Default adapted sites of the transformer families (PEFT's LoRA default for attention). */
    public static final List<String> DEFAULT_TRANSFORMER_SITES = List.of("attn.query", "attn.value");
    /** Default sites of {@code --aux embedding}: the token embeddings (encoder and decoder of seq2seq too). */
    public static final List<String> DEFAULT_EMBEDDING_SITES = List.of("embed.token");

    private final TrainConfig cfg;
    private final Trainer trainer;
    private final Optimizer optimizer;
    private final List<Site> sites;
    private final LinkedHashMap<String, AuxiliaryModel> aux;
    private final SiteInterceptor evalInterceptor;
    private final AdapterBase base;
    private LinkedHashMap<String, LowRankAux> pissaInitial = new LinkedHashMap<>();

    private MethodSetup(TrainConfig cfg, Trainer trainer, Optimizer optimizer, List<Site> sites,
            LinkedHashMap<String, AuxiliaryModel> aux,
                        SiteInterceptor evalInterceptor, AdapterBase base) {
        this.base = base;
        this.cfg = cfg;
        this.trainer = trainer;
        this.optimizer = optimizer;
        this.sites = sites;
        this.aux = aux;
        this.evalInterceptor = evalInterceptor;
    }

    /**
     * Builds the method on {@code w.model()} (frozen except for full fine-tuning).
     *
     * @throws IllegalArgumentException for a site suffix that matches no site or selects a non-linear site, or a method
     *                                  the model does not support (ia3 on an MLP)
     */
    public static MethodSetup create(Workload w, TrainConfig c) {
        return create(w, c, AdapterBase.unsaved(w.family()));
    }

    /**
     * As {@link #create(Workload, TrainConfig)}, recording {@code base} (where the base weights came from) in the
     * exported adapters.
     */
    public static MethodSetup create(Workload w, TrainConfig c, AdapterBase base) {
        Model model = w.model();
        Function<LinkedHashMap<String, Var>, Optimizer> opt = optimizerFactory(c);
        LrSchedule schedule = schedule(c);
        switch (c.method()) {
            case FULL -> {
                FullFineTuneTrainer t = new FullFineTuneTrainer(model, null, opt, schedule, c.interval(), c.clip());
                return new MethodSetup(c, t, t.optimizer(), List.of(), new LinkedHashMap<>(), null, base);
            }
            case IA3 -> {
                Ia3Trainer t = model instanceof HfModel hm
                        ? new Ia3Trainer(model, HfRun.IA3_SITES.get(hm.config().modelType()).get(0),
                                HfRun.IA3_SITES.get(hm.config().modelType()).get(1), opt, schedule, c.interval(),
                                c.clip())
                        : new Ia3Trainer(model, opt, schedule, c.interval(), c.clip());
                return new MethodSetup(c, t, t.optimizer(), List.of(), new LinkedHashMap<>(), t.interceptor(),
                        base);
            }
            case ADALORA -> {
                List<Site> sites = selectSites(w, c.sites(), AuxiliaryKind.LOWRANK);
                AdaLoraTrainer t = new AdaLoraTrainer(model, sites,
                        c.adalora().toConfig(TrainConfig.optimizerSteps(c.steps(), c.interval())), c.alpha(),
                        i -> StepSeeds.seed(c.seed(), StepSeeds.AUXILIARY_INIT, i), opt, schedule, c.interval(),
                        c.clip());
                return new MethodSetup(c, t, t.optimizer(), sites, new LinkedHashMap<>(), t.interceptor(), base);
            }
            case PROMPT, PREFIX -> {
                VirtualTokenTrainer t = VirtualTokenSetup.create(w, c, opt, schedule);
                return new MethodSetup(c, t, t.optimizer(), List.of(), new LinkedHashMap<>(), null, base);
            }
            default -> {
                List<Site> sites = selectSites(w, c.sites(), c.aux());
                Map<String, Tensor> w0 = VariantAuxiliaries.baseWeights(sites, c);
                LinkedHashMap<String, AuxiliaryModel> aux = VariantAuxiliaries.create(sites, c, w0);
                LinkedHashMap<String, LowRankAux> initial = VariantAuxiliaries.initialCopies(c, aux);
                VariantAuxiliaries.prepareBase(sites, c, aux);
                SiteInterceptor eval = (site, x, h) -> aux.containsKey(site.name())
                        ? h.add(RoutedAuxiliary.output(Map.of(0, aux), RowRouting.single(0, h.shape()[0]), site, x,
                                true)) : h;
                if (c.method() == TrainMethod.LORA) {
                    LoraTrainer t = new LoraTrainer(model, sites, Map.of(0, aux), opt, schedule, c.interval(),
                            c.clip());
                    return new MethodSetup(c, t, t.optimizer(0), sites, aux, eval, base).withPissa(initial);
                }
                UserFit user = new UserFit(0, aux, opt.apply(UserFit.parameters(aux)),
                        new UserFitConfig(c.interval(), c.clip()).withEpochs(c.fitEpochs(), c.fitBatch()), schedule);
                ColaMode mode = c.merged() ? ColaMode.MERGED : ColaMode.UNMERGED;
                if (c.staleness() > 0) {
                    StaleColaTrainer t = new StaleColaTrainer(new ColaServer(model, sites), List.of(user),
                            Map.of(0, VariantAuxiliaries.create(sites, c, w0)), mode, c.staleness(),
                            StaleColaTrainer.Gradient.AT_SERVED);
                    return new MethodSetup(c, t, user.optimizer(), sites, aux, eval, base).withPissa(initial);
                }
                ColaTrainer t = new ColaTrainer(new ColaServer(model, sites), List.of(user), mode);
                return new MethodSetup(c, t, user.optimizer(), sites, aux, eval, base).withPissa(initial);
            }
        }
    }

    /**
     * The adapted sites: the given suffixes, else attn.query + attn.value (transformers) or every site (mlp); for the
     * embedding auxiliary the given suffixes, else {@link #DEFAULT_EMBEDDING_SITES}. The embedding auxiliary adapts
     * embedding sites only, every other auxiliary linear sites only.
     */
    static List<Site> selectSites(Workload w, List<String> suffixes, AuxiliaryKind aux) {
        boolean embedding = aux == AuxiliaryKind.EMBEDDING;
        SiteSelector sel = !suffixes.isEmpty() ? new SiteSelector(suffixes, null, null)
                : embedding ? new SiteSelector(DEFAULT_EMBEDDING_SITES, null, null)
                : w.family().equals("mlp") ? SiteSelector.all()
                : new SiteSelector(DEFAULT_TRANSFORMER_SITES, null, null);
        List<Site> sites = w.model().sites(sel);
        for (Site s : sites) {
            if (embedding && s.kind() != Site.Kind.EMBEDDING) {
                throw new IllegalArgumentException("site " + s.name()
                        + " is linear; --aux embedding adapts token-embedding sites only (e.g. embed.token)");
            }
            if (!embedding && s.kind() != Site.Kind.LINEAR) {
                throw new IllegalArgumentException("site " + s.name()
                        + " is an embedding; use --aux embedding for it (--aux " + aux + " adapts linear sites)");
            }
        }
        return sites;
    }

    /** The auxiliary spec of a run (seed 0; each site gets its own, {@link VariantAuxiliaries#create}). */
    static AuxSpec auxSpec(TrainConfig c) {
        return new AuxSpec(c.rank(), c.alpha(), 128, 1, Activation.RELU, true, c.dtype(), 0);
    }

    private MethodSetup withPissa(LinkedHashMap<String, LowRankAux> initial) {
        this.pissaInitial = initial;
        return this;
    }

    /**
     * PiSSA: each site's adapter as initialized (A0, B0 from W0's SVD), what the base lost (W_res = W0 − s·B0·A0);
     * empty for the other variants and methods.
     */
    public LinkedHashMap<String, LowRankAux> pissaInitial() {
        return pissaInitial;
    }

    /** sgd: plain SGD; adam: PyTorch defaults; adamw: PyTorch defaults (weight decay 0.01). */
    static Function<LinkedHashMap<String, Var>, Optimizer> optimizerFactory(TrainConfig c) {
        return switch (c.optimizer()) {
            case SGD -> p -> new Sgd(p, SgdConfig.plain(c.lr()));
            case ADAM -> p -> new Adam(p, AdamConfig.adam(c.lr()));
            case ADAMW -> p -> new AdamW(p, AdamConfig.adamW(c.lr()));
        };
    }

    /** The schedule over the run's steps / interval optimizer updates. */
    static LrSchedule schedule(TrainConfig c) {
        int total = TrainConfig.optimizerSteps(c.steps(), c.interval());
        return switch (c.schedule()) {
            case CONSTANT -> LrSchedule.constant(c.lr());
            case LINEAR -> LrSchedule.linearWarmupDecay(c.lr(), c.warmup(), total);
            case COSINE -> LrSchedule.cosine(c.lr(), c.warmup(), total, 0);
        };
    }

    public TrainConfig config() {
        return cfg;
    }

    /** Where the base weights came from, as the exported adapters record it. */
    public AdapterBase base() {
        return base;
    }

    public Trainer trainer() {
        return trainer;
    }

    /** The single optimizer of the run (its state is what {@link TrainState} saves). */
    public Optimizer optimizer() {
        return optimizer;
    }

    /** Adapted sites (lora, cola, adalora); empty for full, ia3, prompt and prefix. */
    public List<Site> sites() {
        return sites;
    }

    /** site → auxiliary model (lora, cola); empty otherwise. */
    public LinkedHashMap<String, AuxiliaryModel> auxiliaries() {
        return aux;
    }

    /** Interceptor for evaluating the adapted model (null: the model itself holds the trained weights). */
    public SiteInterceptor evalInterceptor() {
        return evalInterceptor;
    }

    /**
     * A fresh eval-mode context for one evaluation of the adapted model: {@link #evalInterceptor()} and, for prompt
     * and prefix tuning, the current virtual tokens.
     */
    public ForwardContext evalContext() {
        ForwardContext ctx = ForwardContext.eval().withInterceptor(evalInterceptor);
        return trainer instanceof VirtualTokenTrainer v ? ctx.withTokens(v.tokens()) : ctx;
    }

    /** The adaptation data of the last step (cola), site order; empty for the other methods. */
    public List<AdaptationData> lastAdaptationData() {
        if (!(trainer instanceof ColaTrainer t) || t.lastPass() == null) return List.of();
        return t.lastPass().dataByUser().getOrDefault(0, List.of());
    }

    /**
     * The trained parameters under their checkpoint names ({@link AdapterCheckpoint#names}): PEFT-style adapter names
     * for lora/cola/ia3, the model's own parameter names for full fine-tuning.
     */
    public LinkedHashMap<String, Var> trainedParameters() {
        return AdapterCheckpoint.names(this);
    }
}
