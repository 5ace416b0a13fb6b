package cola4j.gl.app.cli;

import cola4j.gl.UserFitConfig;
import cola4j.gl.app.command.Args;
import cola4j.gl.app.command.Limits;
import cola4j.gl.app.command.UsageException;
import cola4j.gl.app.train.TrainConfig;
import cola4j.gl.app.train.TrainMethod;
import cola4j.gl.app.workload.Workloads;
import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.gl.auxiliary.LoraVariant;
import cola4j.gl.cola.StaleColaTrainer;
import cola4j.gl.optim.OptimizerKind;
import cola4j.gl.optim.ScheduleKind;
import cola4j.models.hf.HfLoader;
import cola4j.tensor.DType;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code cola train}'s options and the {@link TrainConfig} they give ({@link #config}): the defaults, the bounds of
 * every integer option, and the rules that need more than one option. {@link TrainConfigRules} applies the same
 * code to a config read from a checkpoint.
 */
final class TrainOptions {
    private TrainOptions() {}

    /** The options of {@code cola train}. */
    static Options options() {
        Options o = new Options();
        opt(o, "model", "FAMILY", "Base model family: " + String.join(", ", Workloads.families())
                + ", or hf:DIR (a Hugging Face directory with tokenizer.json; needs --data and --task-type)");
        opt(o, "task", "NAME", "Downstream task of the family (user 0's variant)");
        opt(o, "data", "FILE", "hf:DIR models: a .jsonl or .csv data file (fields: docs/train.md)");
        opt(o, "task-type", "T", "hf:DIR models: cls (text, label), lm (text or prompt, response), seq2seq (source,"
                + " target)");
        opt(o, "method", "M", "full, lora, ia3, cola, adalora, prompt or prefix");
        AdaLoraOptions.register(o);
        VirtualTokenOptions.add(o);
        opt(o, "preset", "NAME", "Model size: " + String.join(", ", Workloads.presets()) + " (default small)");
        opt(o, "dtype", "TYPE", "float32 or float64 (default float32)");
        opt(o, "base-seed", "S", "Seed of the pretrained base (default 0)");
        opt(o, "aux", "TYPE", "Adapter type for lora/cola: lowrank, linear, mlp (default lowrank), or embedding"
                + " (low-rank on token-embedding sites; default sites embed.token)");
        opt(o, "rank", "R", "LoRA rank (default 8)");
        opt(o, "alpha", "A", "LoRA alpha; scale alpha/r (default 8)");
        opt(o, "lora-variant", "V", "Form of the low-rank adapters (--aux lowrank, lora/cola): lora (default), rslora"
                + " (scale alpha/sqrt(r)), pissa (init from W0's SVD, the base keeps W0 - s B A), dora (magnitude and"
                + " direction; cola users get W0 of each site)");
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
        if (!sites.isEmpty() && (method == TrainMethod.FULL || method == TrainMethod.IA3 || method.virtualTokens())) {
            throw new UsageException("--sites applies to lora, cola and adalora only (" + method
                    + " chooses its own)");
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
        LoraVariant variant = LoraVariant.parse(Args.choice(cl, "lora-variant",
                b ? base.loraVariant().cliName() : "lora", LoraVariant.names()));
        try {
            return new TrainConfig(model, preset, dtype, baseSeed, task, method, aux, rank, alpha, interval, merged,
                    sites, optimizer, lr, schedule, warmup, clip, steps, batch, seed, evalEvery, evalExamples,
                    fitEpochs, fitBatch, staleness, variant,
                    AdaLoraOptions.parse(cl, b ? base.adalora() : null, method, updates), vt.tokens(), vt.hidden());
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
