package cola4j.gl.app.workload;

import cola4j.autograd.Var;
import cola4j.gl.optim.AdamConfig;
import cola4j.gl.optim.AdamW;
import cola4j.gl.optim.GradClip;
import cola4j.gl.optim.LrSchedule;
import cola4j.models.ForwardContext;
import cola4j.models.data.Task;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Pretrains a family's base model on its pretraining mixture, caches the checkpoint, and reports how good the base is
 * on held-out pretraining data and (untouched) on every downstream task.
 *
 * <p>Training step s = 0 .. steps−1, all randomness explicit:
 * <pre>
 *   batch  = workload.sample(pretraining mixture, batchSize, dataRng)   dataRng    = Rng(seed ^ DATA_SALT)
 *                                                                       ({@link #dataRng})
 *   L      = workload.loss(batch, ForwardContext.train(dropoutRng))     dropoutRng = Rng(seed ^ DROPOUT_SALT)
 *   g      = clip(∇L, clipNorm)                                          global 2-norm
 *   θ      = AdamW(θ, g; lr(s))      lr(s): linear warm-up then linear decay to 0 ({@link PretrainConfig})
 * </pre>
 * <b>Held-out</b> pretraining evaluation (mixture and each pretraining task): candidates are drawn from
 * {@code Rng(EVAL_SEED)} and every candidate whose input occurred in the training stream is skipped ({@link HeldOut},
 * {@link TrainingInputs}) until {@code evalExamples} are kept; the inputs are recorded while training, or, for a cached
 * checkpoint, rebuilt by replaying the data stream (no training). Downstream tasks (never trained on: their task-prefix
 * token, or for digits the shifted test split, never occurs in pretraining) are scored on {@code evalExamples} draws of
 * {@code Rng(EVAL_SEED)} of user 0's variant, beside their chance level, in eval mode; sequence families are scored by
 * teacher-forced exact match ({@link Workload#evaluate}). Same arguments, same numbers: a cached checkpoint reproduces
 * the metrics of the run that wrote it.
 */
public final class Pretrainer {
    public static final long DATA_SALT = 0x5DEECE66DL, DROPOUT_SALT = 0x2545F4914F6CDD1DL, EVAL_SEED = 20240421L;

    private final PretrainCache cache;
    private final PrintStream log;
    private final boolean progress;

    /**
     * @param cache    where checkpoints live
     * @param log      diagnostics (cache hits, corrupt entries, progress bar): usually stderr
     * @param progress show a progress bar on {@code log} (only when a console is attached)
     */
    public Pretrainer(PretrainCache cache, PrintStream log, boolean progress) {
        this.cache = cache;
        this.log = log;
        this.progress = progress;
    }

    /**
     * Returns the pretrained workload with its report: loads the cached checkpoint for these arguments unless
     * {@code force} or the entry is unusable (reported on the log, deleted and retrained), else trains and caches.
     */
    public PretrainResult run(String family, String preset, DType dtype, long seed, PretrainConfig cfg,
            boolean force) throws IOException {
        Workload w = Workloads.create(family, preset, dtype, seed);
        Path entry = cache.entry(w, preset, seed, cfg);
        PretrainCache.Entry rec = null;
        if (cola4j.models.ModelCheckpoint.recover(entry)) {
            log.println("cola: restored " + entry + " that an interrupted save had left aside");
        }
        if (!force && Files.exists(entry)) {
            try {
                rec = cache.load(entry, w);
                log.println("cola: loaded pretrained " + family + " from " + entry);
            } catch (IOException | RuntimeException e) {
                log.println("cola: cache entry " + entry + " is unusable (" + e.getMessage() + "); retraining");
                PretrainCache.delete(entry);
                w = Workloads.create(family, preset, dtype, seed);
            }
        }
        boolean cached = rec != null;
        TrainingInputs seen;
        if (!cached) {
            log.println("cola: pretraining " + family + " (" + preset + ", " + cfg.steps()
                    + " steps; cached afterwards in " + entry + ")");
            seen = new TrainingInputs();
            long t0 = System.nanoTime();
            double finalLoss = train(w, cfg, seed, seen);
            double secs = (System.nanoTime() - t0) / 1e9;
            rec = new PretrainCache.Entry(family, preset, seed, secs, finalLoss, cfg);
            cache.save(entry, w, rec);
        } else {
            seen = TrainingInputs.replay(w, cfg, seed); // the same stream, sampled again without training
        }
        Task<?> mix = w.pretraining();
        HeldOut.Examples mixSet = HeldOut.draw(w, mix, cfg.evalExamples(), new Rng(EVAL_SEED), seen);
        double metric = w.evaluate(mix.metric(), mixSet.batches());
        double loss = w.evalLoss(mixSet.batches());
        LinkedHashMap<String, Double> perTask = new LinkedHashMap<>();
        LinkedHashMap<String, HeldOut.Stats> perTaskStats = new LinkedHashMap<>();
        for (String name : w.tasks().pretrainingNames()) {
            Task<?> t = w.tasks().pretraining(name);
            HeldOut.Examples set = HeldOut.drawOrNone(w, t, cfg.evalExamples(), new Rng(EVAL_SEED), seen);
            if (set.stats().used() > 0) perTask.put(name, w.evaluate(t.metric(), set.batches()));
            perTaskStats.put(name, set.stats());
        }
        LinkedHashMap<String, Double> before = new LinkedHashMap<>(), chance = new LinkedHashMap<>();
        for (String name : w.downstreamNames()) {
            Task<?> t = w.downstream(name, 0);
            before.put(name, w.evaluate(t, cfg.evalExamples(), new Rng(EVAL_SEED)));
            chance.put(name, w.chance(t, cfg.evalExamples(), new Rng(EVAL_SEED)));
        }
        return new PretrainResult(w, mix.metric().id(), metric, loss, perTask, PretrainTarget.of(family),
                before, chance, rec.trainSeconds(), cfg.steps(), cached, entry,
                new PretrainResult.HeldOutReport(seen.examples(), seen.distinct(), mixSet.stats(), perTaskStats));
    }

    /** The data rng of the training stream of {@code seed}: {@code Rng(seed ^ DATA_SALT)}. */
    public static Rng dataRng(long seed) {
        return new Rng(seed ^ DATA_SALT);
    }

    /** {@link #train(Workload, PretrainConfig, long, TrainingInputs)} without recording the inputs. */
    public double train(Workload w, PretrainConfig cfg, long seed) {
        return train(w, cfg, seed, null);
    }

    /**
     * Trains {@code w.model()} in place as in the class comment; returns the mean loss of the last (up to) 20 steps.
     *
     * @param inputs if not null, every training batch's inputs are added to it (equal to {@link TrainingInputs#replay})
     */
    public double train(Workload w, PretrainConfig cfg, long seed, TrainingInputs inputs) {
        w.model().setTrainable(true);
        LinkedHashMap<String, Var> params = w.model().namedParameters();
        AdamW opt = new AdamW(params, new AdamConfig(cfg.lr(), 0.9, cfg.beta2(), 1e-8, cfg.weightDecay()));
        LrSchedule schedule = LrSchedule.linearWarmupDecay(cfg.lr(), cfg.warmupSteps(), cfg.steps());
        Rng dataRng = dataRng(seed), dropoutRng = new Rng(seed ^ DROPOUT_SALT);
        Task<?> mix = w.pretraining();
        ArrayDeque<Double> recent = new ArrayDeque<>();
        try (ProgressBar bar = progressBar(w.family(), cfg.steps())) {
            for (int s = 0; s < cfg.steps(); s++) {
                Batch b = w.sample(mix, cfg.batchSize(), dataRng);
                if (inputs != null) inputs.add(w, b);
                Var loss = w.loss(b, ForwardContext.train(dropoutRng));
                opt.zeroGrad();
                loss.backward();
                GradClip.clipGlobalNorm(params.values(), cfg.clipNorm());
                schedule.apply(opt);
                opt.step();
                double l = loss.value().item();
                if (!Double.isFinite(l)) {
                    throw new IllegalStateException("pretraining " + w.family() + ": loss became "
                            + l + " at step " + s);
                }
                recent.addLast(l);
                if (recent.size() > 20) recent.removeFirst();
                if (bar != null) {
                    bar.step();
                    bar.setExtraMessage(String.format(" loss %.4f",
                            recent.stream().mapToDouble(Double::doubleValue).average().orElse(l)));
                }
            }
        }
        return recent.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    /** A progress bar on the log stream, or null when disabled or when no console is attached (pipes, CI, tests). */
    private ProgressBar progressBar(String family, int steps) {
        if (!progress || System.console() == null) return null;
        return new ProgressBarBuilder().setTaskName("pretrain " + family).setInitialMax(steps)
                .setStyle(ProgressBarStyle.ASCII).setConsumer(new ConsoleProgressBarConsumer(log))
                .setUpdateIntervalMillis(250).showSpeed().build();
    }
}
