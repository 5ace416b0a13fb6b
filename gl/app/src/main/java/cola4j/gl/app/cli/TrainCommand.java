package cola4j.gl.app.cli;

import cola4j.gl.app.command.Args;
import cola4j.gl.app.command.HeapCheck;
import cola4j.gl.app.command.Limits;
import cola4j.gl.app.command.Command;
import cola4j.gl.app.command.OutputPaths;
import cola4j.gl.app.command.UsageException;
import cola4j.gl.app.io.Io;
import cola4j.gl.app.io.JsonFiles;

import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.gl.auxiliary.LoraVariant;
import cola4j.gl.app.train.BaseIdentity;
import com.fasterxml.jackson.databind.JsonNode;
import cola4j.gl.app.train.CheckpointAudit;
import cola4j.gl.app.train.AdapterBase;
import cola4j.gl.app.train.MethodSetup;
import cola4j.gl.app.train.MetricsLog;
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
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import cola4j.models.site.Site;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.cli.CommandLine;
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
     * @param method      full, lora, ia3, cola, adalora
     * @param metric      the task metric id
     * @param finalMetric held-out metric at the end
     * @param finalLoss   training batch loss of the last step
     * @param finalEvalLoss held-out loss at the end
     * @param steps       completed steps
     * @param seconds     training wall time (all sessions of a resumed run)
     * @param finalRanks  adalora: the rank of each site at the end (kept triplets), else null (omitted)
     */
    public record Report(@JsonProperty("method") String method, @JsonProperty("metric") String metric,
                         @JsonProperty("final_metric") double finalMetric, @JsonProperty("final_loss") double finalLoss,
                         @JsonProperty("final_eval_loss") double finalEvalLoss, @JsonProperty("steps") int steps,
                         @JsonProperty("seconds") double seconds,
                         @JsonProperty("final_ranks") @JsonInclude(JsonInclude.Include.NON_NULL)
                         Map<String, Integer> finalRanks) {}

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
    public int run(CommandLine cl, Io io) throws Exception {
        Path resume = Args.path(cl, "resume");
        CheckpointAudit.Report audit = resume == null ? null
                : CheckpointAudit.forResume(resume, TrainConfigRules::revalidate);
        TrainState saved = audit == null ? null : audit.state();
        TrainConfig cfg = config(cl, saved == null ? null : saved.config());
        if (saved != null) TrainOptions.requireSame(saved.config(), cfg);
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
            TrainOptions.requireTask(cfg, fresh.downstreamNames());
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
                        ? " (" + cfg.aux() + (cfg.loraVariant() == LoraVariant.LORA ? "" : " " + cfg.loraVariant())
                        + (cfg.merged() ? ", merged" : "") + ", " + setup.sites().size() + " sites)"
                        : "",
                trainable, cfg.steps(), cfg.batch(), cfg.optimizer(), cfg.lr(), cfg.schedule());
        Path tracePath = Args.path(cl, "trace");
        StepTrace trace = tracePath == null ? null : new StepTrace(tracePath, cfg.method().cliName(), from.step());
        TrainLoop.Result r = new TrainLoop(w, setup, task, out, trace, io.err(),
                !cl.hasOption("quiet")).run(from, secondsBefore, stopAt);
        io.out().printf("%s at step %d/%d: loss %.4f, eval_loss %.4f, %s %.4f (%.1f s); checkpoint %s%n",
                stopAt < cfg.steps() ? "stopped" : "done", r.steps(), cfg.steps(), r.finalLoss(), r.finalEvalLoss(),
                r.metricName(), r.finalMetric(), r.seconds(), r.checkpoint());
        AdaLoraOptions.print(setup.trainer(), cfg, io.out());
        if (json != null) {
            JsonFiles.writeAtomic(json, new Report(cfg.method().cliName(), r.metricName(), r.finalMetric(),
                    r.finalLoss(), r.finalEvalLoss(), r.steps(), r.seconds(), AdaLoraOptions.ranks(setup.trainer())));
            io.err().println("wrote " + json);
        }
        return 0;
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
        boolean ada = cfg.method() == TrainMethod.ADALORA;
        if (!ada && (!cfg.hasSiteAuxiliaries() || cfg.aux() != AuxiliaryKind.LOWRANK)) return;
        int rank = ada ? cfg.adalora().initR() : cfg.rank();
        String tooWide = SessionLimits.rankProblem(ada ? "--init-r" : "--rank", rank, SessionLimits.widest(sites),
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

    @Override
    public Options options() {
        return TrainOptions.options();
    }

    /** {@link TrainOptions#config}. */
    static TrainConfig config(CommandLine cl, TrainConfig base) {
        return TrainOptions.config(cl, base);
    }

    /** {@link TrainOptions#defaultLr}. */
    static double defaultLr(String model, String preset, TrainMethod method) {
        return TrainOptions.defaultLr(model, preset, method);
    }

    /** {@link TrainOptions#requireTask(TrainConfig)}. */
    static void requireTask(TrainConfig cfg) {
        TrainOptions.requireTask(cfg);
    }

    /** {@link TrainOptions#differ}. */
    static void differ(TrainConfig saved, TrainConfig given, String what) {
        TrainOptions.differ(saved, given, what);
    }
}
