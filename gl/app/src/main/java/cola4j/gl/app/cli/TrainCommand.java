package cola4j.gl.app.cli;

import cola4j.gl.app.command.Args;
import cola4j.gl.app.command.HeapCheck;
import cola4j.gl.app.command.Limits;
import cola4j.gl.app.command.Command;
import cola4j.gl.app.command.OutputPaths;
import cola4j.gl.app.command.UsageException;
import cola4j.gl.app.io.Io;
import cola4j.gl.app.io.JsonFiles;

import cola4j.gl.UserFitConfig;
import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.gl.cola.StaleColaTrainer;
import cola4j.gl.app.train.BaseIdentity;
import com.fasterxml.jackson.databind.JsonNode;
import cola4j.gl.app.train.CheckpointAudit;
import cola4j.gl.app.train.AdapterBase;
import cola4j.gl.app.train.MethodSetup;
import cola4j.gl.app.train.MetricsLog;
import cola4j.gl.optim.OptimizerKind;
import cola4j.gl.optim.ScheduleKind;
import cola4j.gl.app.train.StepTrace;
import cola4j.gl.app.train.TrainConfig;
import cola4j.gl.app.train.TrainLoop;
import cola4j.gl.app.train.TrainMethod;
import cola4j.gl.app.train.TrainState;
import cola4j.gl.app.train.TrainingMemory;
import cola4j.gl.app.ftaas.SessionLimits;
import cola4j.gl.app.workload.PretrainCache;
import cola4j.models.data.Task;
import cola4j.models.hf.HfLoader;
import cola4j.gl.app.workload.PretrainConfig;
import cola4j.gl.app.workload.PretrainResult;
import cola4j.gl.app.workload.Pretrainer;
import cola4j.gl.app.workload.Workload;
import cola4j.gl.app.workload.Workloads;
import cola4j.tensor.DType;
import com.fasterxml.jackson.annotation.JsonProperty;
import cola4j.models.site.Site;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code cola train --model M --task T --method full|lora|ia3|cola [options]}: fine-tunes the cached pretrained base
 * (see {@code cola pretrain}) on one downstream task with {@link TrainLoop}; writes checkpoints, metrics and an
 * optional per-step trace; {@code --resume DIR} continues a run bit-exactly. Layout and examples: docs/train.md.
 */
public final class TrainCommand implements Command {
    /**
     * The {@code --json} document.
     *
     * @param method      full, lora, ia3, cola
     * @param metric      the task metric id
     * @param finalMetric held-out metric at the end
     * @param finalLoss   training batch loss of the last step
     * @param finalEvalLoss held-out loss at the end
     * @param steps       completed steps
     * @param seconds     training wall time (all sessions of a resumed run)
     */
    public record Report(@JsonProperty("method") String method, @JsonProperty("metric") String metric,
                         @JsonProperty("final_metric") double finalMetric, @JsonProperty("final_loss") double finalLoss,
                         @JsonProperty("final_eval_loss") double finalEvalLoss, @JsonProperty("steps") int steps,
                         @JsonProperty("seconds") double seconds) {}

    @Override
    public String name() {
        return "train";
    }

    @Override
    public String description() {
        return "Fine-tune a pretrained base on a task: full, LoRA, IA3 or ColA (checkpoints, metrics, "
                + "--resume, --trace)";
    }

    @Override
    public Options options() {
        Options o = new Options();
        opt(o, "model", "FAMILY", "Base model family: " + String.join(", ", Workloads.families())
                + ", or hf:DIR (a Hugging Face directory with tokenizer.json; needs --data and --task-type)");
        opt(o, "task", "NAME", "Downstream task of the family (user 0's variant)");
        opt(o, "data", "FILE", "hf:DIR models: a .jsonl or .csv data file (fields: docs/train.md)");
        opt(o, "task-type", "T", "hf:DIR models: cls (text, label), lm (text or prompt, response), seq2seq (source,"
                + " target)");
        opt(o, "method", "M", "full, lora, ia3, cola, prompt or prefix");
        VirtualTokenOptions.add(o);
        opt(o, "preset", "NAME", "Model size: " + String.join(", ", Workloads.presets()) + " (default small)");
        opt(o, "dtype", "TYPE", "float32 or float64 (default float32)");
        opt(o, "base-seed", "S", "Seed of the pretrained base (default 0)");
        opt(o, "aux", "TYPE", "Adapter type for lora/cola: lowrank, linear, mlp (default lowrank), or embedding"
                + " (low-rank on token-embedding sites; default sites embed.token)");
        opt(o, "rank", "R", "LoRA rank (default 8)");
        opt(o, "alpha", "A", "LoRA alpha; scale alpha/r (default 8)");
        opt(o, "interval", "I", "ColA adaptation interval / gradient accumulation (default 1)");
        o.addOption(Option.builder().longOpt("merged").desc("ColA merged mode (cola with lowrank or linear)").build());
        opt(o, "fit-epochs", "E", "ColA: user passes over each interval's buffer, 1-1000 (default 1 = GL exactly)");
        opt(o, "fit-batch", "ROWS", "ColA: rows per user step within a pass (default 0 = the whole buffer)");
        opt(o, "staleness", "K", "ColA: user updates reach the server K steps late, 0-10000 (default 0; needs I = 1)");
        opt(o, "sites", "S1,S2", "Adapted site suffixes (default attn.query,attn.value; mlp: every layer)");
        opt(o, "optimizer", "NAME", "sgd, adam or adamw (default adamw)");
        opt(o, "lr", "LR", "Peak learning rate (default 3e-3, full 1e-3; mlp: 3e-2, full 3e-3)");
        opt(o, "schedule", "NAME", "constant, linear or cosine (default linear)");
        opt(o, "warmup", "N", "Warm-up optimizer steps (default 10% of them)");
        opt(o, "clip", "C", "Global gradient-norm clip (default 1.0)");
        opt(o, "steps", "N", "Training batches (default 200)");
        opt(o, "batch", "B", "Examples per batch (default 32)");
        opt(o, "seed", "S", "Training seed: adapter init, batches, dropout (default 0)");
        opt(o, "eval-every", "K", "Evaluate and checkpoint every K steps (default ~steps/10)");
        opt(o, "eval-examples", "N", "Held-out examples per evaluation (default 500)");
        opt(o, "stop-at", "K", "Stop after step K with a resumable checkpoint (simulates an interruption)");
        opt(o, "out", "DIR",
                "Output directory (default runs/train-<model>-<task>-<method>-s<seed>; with --resume: DIR)");
        opt(o, "resume", "DIR", "Continue the run whose output (or checkpoint) directory is DIR");
        o.addOption(Option.builder().longOpt("overwrite")
                .desc("Write into --out even if it holds an earlier run (refused otherwise)").build());
        opt(o, "trace", "DIR", "Write per-step tensors (batch, loss, adaptation data, parameters) to DIR");
        opt(o, "json", "FILE", "Write {method, final_metric, final_loss, steps, seconds} to FILE");
        opt(o, "cache", "DIR", "Pretrained checkpoint cache (default as cola pretrain)");
        o.addOption(Option.builder().longOpt("quiet").desc("No progress bar").build());
        return o;
    }

    private static void opt(Options o, String name, String arg, String desc) {
        o.addOption(Option.builder().longOpt(name).hasArg().argName(arg).desc(desc).build());
    }

    @Override
    public int run(CommandLine cl, Io io) throws Exception {
        Path resume = Args.path(cl, "resume");
        CheckpointAudit.Report audit = resume == null ? null
                : CheckpointAudit.forResume(resume, TrainConfigRules::revalidate);
        TrainState saved = audit == null ? null : audit.state();
        TrainConfig cfg = config(cl, saved == null ? null : saved.config());
        if (saved != null) requireSame(saved.config(), cfg);
        boolean hf = cfg.model().startsWith(HfLoader.PREFIX);
        Path out = Args.path(cl, "out");
        if (out == null) {
            out = resume != null ? resume : Path.of("runs", "train-" + (hf ? "hf" : cfg.model()) + "-"
                    + (hf ? "data" : cfg.task()) + "-" + cfg.method() + "-s" + cfg.seed());
        }
        requireFreshOut(out, resume != null || cl.hasOption("overwrite"));
        Path json = Args.outputFile(cl, "json");
        int stopAt = Args.intValue(cl, "stop-at", cfg.steps(), 1, Limits.MAX_STEPS);
        if (stopAt > cfg.steps() || stopAt % cfg.interval() != 0 || (saved != null && stopAt <= saved.step())) {
            throw new UsageException("--stop-at " + stopAt + " must be a multiple of the interval " + cfg.interval()
                    + " in [" + (saved == null ? 1 : saved.step() + 1) + ", " + cfg.steps() + "]");
        }
        Workload w;
        Task<?> task;
        AdapterBase base;
        JsonNode hfConfig = null;
        if (hf) {
            HfTraining t = HfTraining.load(cfg);
            cfg = t.config();
            w = t.run().workload();
            task = t.run().workload().task();
            base = t.base();
            hfConfig = t.identityConfig();
            io.err().println("cola train: " + t.run().workload().task().description() + ", model "
                    + t.run().checkpoint().dir() + (t.run().checkpoint().initialized().isEmpty() ? ""
                    : " (initialized, not in the checkpoint: " + t.run().checkpoint().initialized() + ")"));
        } else {
            // everything that depends only on the architecture is checked on a fresh model before any pretraining
            Workload fresh = Workloads.create(cfg.model(), cfg.preset(), cfg.dtype(), cfg.baseSeed());
            requireTask(cfg, fresh.downstreamNames());
            long baseElements = fresh.model().parameterCount();
            MethodSetup freshSetup = setup(fresh, cfg, AdapterBase.unsaved(cfg.model()));
            requireRankFits(cfg, freshSetup.sites());
            HeapCheck.require("train", TrainingMemory.forRun(cfg, fresh, baseElements, freshSetup), "",
                    "a smaller --batch or --rank", io);
            Path cacheDir = Args.path(cl, "cache");
            PretrainCache cache = cacheDir != null ? new PretrainCache(cacheDir) : PretrainCache.atDefaultLocation();
            PretrainResult pre = new Pretrainer(cache, io.err(), !cl.hasOption("quiet"))
                    .run(cfg.model(), cfg.preset(), cfg.dtype(), cfg.baseSeed(),
                            PretrainConfig.defaults(cfg.model(), cfg.preset()), false);
            w = pre.workload();
            task = w.downstream(cfg.task(), 0);
            base = AdapterBase.ofPresetDirectory(pre.checkpoint(), cfg.model());
        }
        // taken before MethodSetup and before full fine-tuning changes the weights
        BaseIdentity identity = hf ? BaseIdentity.of(w.model(), hfConfig) : BaseIdentity.of(w.model());
        if (audit != null) CheckpointAudit.requireSameBase(audit, identity);
        MethodSetup setup = setup(w, cfg, base);
        if (hf) requireRankFits(cfg, setup.sites());
        TrainState from = new TrainState(cfg, 0, identity, List.of());
        double secondsBefore = 0;
        if (saved != null) {
            secondsBefore = MetricsLog.seconds(TrainState.locate(resume).equals(resume) ? resume.toAbsolutePath()
                    .getParent() : resume);
            TrainState.restore(resume, setup, w.model());
            from = saved;
            io.err().println("cola train: resumed " + TrainState.locate(resume) + " at step " + saved.step());
        }
        long trainable = setup.trainedParameters().values().stream().mapToLong(v -> v.value().numel()).sum();
        io.out().printf("train: %s (%s, %s) task %s, method %s%s, %d trainable parameters, %d steps x batch %d, "
                + "%s lr %.3g %s%n", cfg.model(),
                cfg.preset(), cfg.dtype(), cfg.task(), cfg.method(),
                cfg.hasSiteAuxiliaries()
                        ? " (" + cfg.aux() + (cfg.merged() ? ", merged" : "") + ", " + setup.sites().size() + " sites)"
                        : "",
                trainable, cfg.steps(), cfg.batch(), cfg.optimizer(), cfg.lr(), cfg.schedule());
        Path tracePath = Args.path(cl, "trace");
        StepTrace trace = tracePath == null ? null : new StepTrace(tracePath, cfg.method().cliName(), from.step());
        TrainLoop.Result r = new TrainLoop(w, setup, task, out, trace, io.err(),
                !cl.hasOption("quiet")).run(from, secondsBefore, stopAt);
        io.out().printf("%s at step %d/%d: loss %.4f, eval_loss %.4f, %s %.4f (%.1f s); checkpoint %s%n",
                stopAt < cfg.steps() ? "stopped" : "done", r.steps(), cfg.steps(), r.finalLoss(), r.finalEvalLoss(),
                r.metricName(), r.finalMetric(), r.seconds(), r.checkpoint());
        if (json != null) {
            JsonFiles.writeAtomic(json, new Report(cfg.method().cliName(), r.metricName(), r.finalMetric(),
                    r.finalLoss(), r.finalEvalLoss(), r.steps(), r.seconds()));
            io.err().println("wrote " + json);
        }
        return 0;
    }

    /**
     * The default peak learning rate: full fine-tuning 1e-3, adapters 3e-3 (the small transformers, hf models); for
     * the digits mlp and the tiny transformers 3e-3 and 3e-2. The pretrained mlp is confidently wrong on a shifted
     * task (first loss ≈ 16), and at 3e-3 a 20-step cola run stayed at chance (accuracy 0.159, chance 0.12), while at
     * 3e-2 cola reached 0.354 after 20 steps, 0.496 after 40 and 0.930 after 200 (rotate, seed 0, float32;
     * 2026-12-02). Full fine-tuning of the mlp at 3e-3: 0.293 after 20. Tiny transformers, 20 cola steps (seed 0,
     * float32, 2026-12-02): encoder permuted_majority accuracy 0.048 at 3e-3, 0.110 at 1e-2, 0.488 at 3e-2 (chance
     * 0.274); decoder rotate exact match 0.084 / 0.300 / 0.598; seq2seq rotate 0.140 / 0.334 / 0.674 (docs/train.md).
     */
    static double defaultLr(String model, String preset, TrainMethod method) {
        boolean fast = model.equals("mlp") || preset.equals("tiny");
        if (method == TrainMethod.FULL) return fast ? 3e-3 : 1e-3;
        return fast ? 3e-2 : 3e-3;
    }

    /** The method's trainer on w; a config the model cannot take (a site that matches nothing) is a usage error. */
    private static MethodSetup setup(Workload w, TrainConfig cfg, AdapterBase base) {
        try {
            return MethodSetup.create(w, cfg, base);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /**
     * A low-rank adapter's rank is at most the widest adapted site's min(d_in, d_out): beyond it no site gains
     * capacity, only memory (issue 15: {@code --rank 100000} ran out of memory after pretraining).
     */
    static void requireRankFits(TrainConfig cfg, List<Site> sites) {
        if (!cfg.hasSiteAuxiliaries() || cfg.aux() != AuxiliaryKind.LOWRANK) return;
        String tooWide = SessionLimits.rankProblem(cfg.rank(), SessionLimits.widest(sites),
                cfg.model() + " " + cfg.preset());
        if (tooWide != null) throw new UsageException(tooWide);
    }

    /**
     * {@code --out} must not be a file, and an existing non-empty directory (an old run) is overwritten only with
     * {@code --overwrite} or when resuming; checked before anything loads.
     */
    static void requireFreshOut(Path out, boolean mayReuse) {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new UsageException("--out: '" + out + "' exists and is not a directory");
        }
        if (!mayReuse && Files.isDirectory(out)) {
            try (Stream<Path> entries = Files.list(out)) {
                if (entries.findAny().isPresent()) {
                    throw new UsageException("--out: '" + out + "' already holds a run; choose another directory,"
                            + " --resume it or pass --overwrite");
                }
            } catch (IOException e) {
                throw new UsageException("--out: cannot read '" + out + "' (" + e.getMessage() + ")");
            }
        }
        OutputPaths.requireWritableDir("out", out);
    }

    /** The config from the options; absent options take {@code base}'s values (a resumed run) or the defaults. */
    static TrainConfig config(CommandLine cl, TrainConfig base) {
        boolean b = base != null;
        String given = cl.getOptionValue("model");
        boolean hf = given != null ? given.startsWith(HfLoader.PREFIX) : b && base.model().startsWith(HfLoader.PREFIX);
        String model = hf ? HfTraining.model(given, base) : Args.choice(cl, "model", b ? base.model() : null,
                Workloads.families());
        String task = hf ? HfTraining.task(cl, base) : cl.hasOption("task") ? cl.getOptionValue("task")
                : b ? base.task() : null;
        if (!hf && (cl.hasOption("data") || cl.hasOption("task-type"))) {
            throw new UsageException("--data and --task-type apply to --model hf:DIR only (the built-in families"
                    + " train on --task)");
        }
        TrainMethod method = cl.hasOption("method")
                ? TrainMethod.parse(Args.choice(cl, "method", null, TrainMethod.names())) : b ? base.method() : null;
        if (model == null || task == null || method == null) {
            throw new UsageException("--model, --task and --method are required (unless --resume)");
        }
        if (hf && cl.hasOption("preset")) throw new UsageException("--preset does not apply to --model hf:DIR");
        String preset = hf ? HfTraining.PRESET : Args.choice(cl, "preset", b ? base.preset() : "small",
                Workloads.presets());
        DType dtype = DType.parse(Args.choice(cl, "dtype", b ? base.dtype().cliName : "float32",
                List.of("float32", "float64")));
        long baseSeed = Args.seed(cl, "base-seed", b ? (int) base.baseSeed() : 0);
        AuxiliaryKind aux = AuxiliaryKind.parse(
                Args.choice(cl, "aux", b ? base.aux().cliName() : "lowrank", AuxiliaryKind.names()));
        int rank = Args.intValue(cl, "rank", b ? base.rank() : 8, 1, Limits.MAX_RANK);
        double alpha = Args.doubleValue(cl, "alpha", b ? base.alpha() : 8);
        int interval = Args.intValue(cl, "interval", b ? base.interval() : 1, 1, Limits.MAX_INTERVAL);
        boolean merged = cl.hasOption("merged") || (b && base.merged());
        List<String> sites = cl.hasOption("sites") ? Arrays.asList(cl.getOptionValue("sites").split(",")) : b
                ? base.sites() : List.of();
        if (!sites.isEmpty() && !(method == TrainMethod.LORA || method == TrainMethod.COLA)) {
            throw new UsageException("--sites applies to lora and cola only (" + method + " chooses its own)");
        }
        OptimizerKind optimizer = OptimizerKind.parse(Args.choice(cl, "optimizer",
                b ? base.optimizer().cliName() : "adamw", OptimizerKind.names()));
        double lr = Args.doubleValue(cl, "lr", b ? base.lr() : defaultLr(model, preset, method));
        ScheduleKind schedule = ScheduleKind.parse(Args.choice(cl, "schedule", b ? base.schedule().cliName() : "linear",
                ScheduleKind.names()));
        double clip = Args.doubleValue(cl, "clip", b ? base.clip() : 1.0);
        int steps = Args.intValue(cl, "steps", b ? base.steps() : 200, 1, Limits.MAX_STEPS);
        int updates = TrainConfig.optimizerSteps(steps, interval);
        int warmup = Args.intValue(cl, "warmup",
                b ? base.warmup() : schedule == ScheduleKind.CONSTANT ? 0 : updates / 10, 0, Limits.MAX_STEPS);
        int batch = Args.intValue(cl, "batch", b ? base.batch() : 32, 1, Limits.MAX_BATCH);
        long seed = Args.seed(cl, "seed", b ? (int) base.seed() : 0);
        int evalEvery = Args.intValue(cl, "eval-every",
                b ? base.evalEvery() : Math.max(1, (steps / 10 + interval - 1) / interval) * interval, 1,
                Limits.MAX_STEPS);
        int evalExamples = Args.intValue(cl, "eval-examples", b ? base.evalExamples() : 500, 1, Limits.MAX_EVAL);
        int fitEpochs = Args.intValue(cl, "fit-epochs", b ? base.fitEpochs() : 1, 1, UserFitConfig.MAX_EPOCHS);
        int fitBatch = Args.intValue(cl, "fit-batch", b ? base.fitBatch() : 0, 0, Limits.MAX_BATCH);
        int staleness = Args.intValue(cl, "staleness", b ? base.staleness() : 0, 0, StaleColaTrainer.MAX_STALENESS);
        VirtualTokenOptions.Values vt = VirtualTokenOptions.read(cl, model, method, base);
        try {
            return new TrainConfig(model, preset, dtype, baseSeed, task, method, aux, rank, alpha, interval, merged,
                    sites, optimizer, lr, schedule, warmup, clip, steps, batch, seed, evalEvery, evalExamples,
                    fitEpochs, fitBatch, staleness, vt.tokens(), vt.hidden());
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** A task of the config's model family, or a usage error listing them. */
    static void requireTask(TrainConfig cfg) {
        requireTask(cfg, Workloads.create(cfg.model(), cfg.preset(), cfg.dtype(), cfg.baseSeed()).downstreamNames());
    }

    /** As {@link #requireTask(TrainConfig)} with the family's task names already known. */
    static void requireTask(TrainConfig cfg, List<String> tasks) {
        if (!tasks.contains(cfg.task())) {
            throw new UsageException("--task: unknown task '" + cfg.task() + "' for " + cfg.model()
                    + "; available: " + tasks);
        }
    }

    /** A resumed run must have exactly the checkpoint's config; lists every differing option. */
    static void requireSame(TrainConfig saved, TrainConfig given) {
        differ(saved, given, "--resume: options differ from the checkpoint's run");
    }

    static void differ(TrainConfig saved, TrainConfig given, String what) {
        List<String> diff = new ArrayList<>();
        for (RecordComponent rc : TrainConfig.class.getRecordComponents()) {
            try {
                Object a = rc.getAccessor().invoke(saved), b = rc.getAccessor().invoke(given);
                if (!Objects.equals(a, b)) diff.add(rc.getName() + " (checkpoint " + a + ", given " + b + ")");
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        if (!diff.isEmpty()) {
            throw new UsageException(what + ": " + String.join(", ", diff));
        }
    }
}
