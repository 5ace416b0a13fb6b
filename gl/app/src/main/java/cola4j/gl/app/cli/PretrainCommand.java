package cola4j.gl.app.cli;

import cola4j.gl.app.io.DTypeJson;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import cola4j.gl.app.command.Args;
import cola4j.gl.app.command.HeapCheck;
import cola4j.gl.app.train.TrainingMemory;
import cola4j.gl.app.command.OutputPaths;
import cola4j.gl.app.command.Limits;
import cola4j.gl.app.command.Command;
import cola4j.gl.app.io.Io;
import cola4j.gl.app.io.JsonFiles;
import cola4j.gl.app.io.Table;

import cola4j.gl.app.workload.HeldOut;
import cola4j.gl.app.workload.PretrainCache;
import cola4j.gl.app.workload.PretrainConfig;
import cola4j.gl.app.workload.PretrainResult;
import cola4j.gl.app.workload.PretrainTarget;
import cola4j.gl.app.workload.Pretrainer;
import cola4j.gl.app.workload.Workloads;
import cola4j.tensor.DType;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code cola pretrain --model FAMILY [--preset small] [--seed S] [--steps N] [--dtype float32] [--json FILE] [--force]
 * [--cache DIR] [--quiet]}: pretrains (or loads from the cache) a family's base model with {@link Pretrainer}, prints
 * the held-out pretraining metric (mixture and per task; inputs seen in training excluded, with how many were used and
 * excluded) against the family's documented target ({@link PretrainTarget}: PASS or MISS for the metric and for the
 * time budget), the untouched base's metric on each downstream task (user 0) beside its chance level with a near-chance
 * verdict ({@link PretrainResult#nearChance}), and optionally writes them as JSON ({@link Report}). The dtype defaults
 * to float32 for every preset (the {@code tiny} preset included).
 */
public final class PretrainCommand implements Command {
    /**
     * The JSON document of one run.
     *
     * @param model            family
     * @param preset           preset
     * @param dtype            float32 or float64
     * @param seed             initialization seed
     * @param steps            optimizer steps
     * @param metric           metric id of the pretraining mixture
     * @param pretrainMetric   that metric on held-out pretraining data
     * @param pretrainLoss     held-out mean loss
     * @param pretrainPerTask  held-out metric of each pretraining task alone
     * @param target           the documented target ({@link Target})
     * @param seconds          training wall time (of the run that wrote the checkpoint when cached)
     * @param cached           whether the checkpoint came from the cache
     * @param checkpoint       cache entry directory
     * @param downstreamBefore untouched base's metric per downstream task (user 0)
     * @param downstreamChance chance level (best constant prediction) of each downstream task on the same examples
     * @param downstreamNearChance per downstream task: |before − chance| ≤ {@code nearChanceTolerance}
     * @param nearChanceTolerance  {@link PretrainResult#NEAR_CHANCE_TOLERANCE}
     * @param heldOut          how the held-out pretraining sets were drawn ({@link HeldOutJson})
     */
    public record Report(@JsonProperty("model") String model, @JsonProperty("preset") String preset,
                         @JsonProperty("dtype") @JsonSerialize(using = DTypeJson.Writer.class)
            @JsonDeserialize(using = DTypeJson.Reader.class) DType dtype,
                         @JsonProperty("seed") long seed, @JsonProperty("steps") int steps,
                         @JsonProperty("metric") String metric,
                         @JsonProperty("pretrain_metric") double pretrainMetric,
                         @JsonProperty("pretrain_loss") double pretrainLoss,
                         @JsonProperty("seconds") double seconds, @JsonProperty("cached") boolean cached,
                         @JsonProperty("checkpoint") String checkpoint,
                         @JsonProperty("pretrain_per_task") Map<String, Double> pretrainPerTask,
                         @JsonProperty("target") Target target,
                         @JsonProperty("downstream_before") Map<String, Double> downstreamBefore,
                         @JsonProperty("downstream_chance") Map<String, Double> downstreamChance,
                         @JsonProperty("downstream_near_chance") Map<String, Boolean> downstreamNearChance,
                         @JsonProperty("near_chance_tolerance") double nearChanceTolerance,
                         @JsonProperty("held_out") HeldOutJson heldOut) {}

    /**
     * The held-out part of {@link Report}.
     *
     * @param trainingExamples       examples in the training stream (steps × batch size)
     * @param trainingDistinctInputs distinct inputs among them
     * @param maxDrawsPerExample     cap on candidates drawn per requested example
     *                               ({@link HeldOut#MAX_DRAWS_PER_EXAMPLE})
     * @param mixture                the mixture's held-out set
     * @param perTask                each pretraining task's held-out set
     */
    public record HeldOutJson(@JsonProperty("training_examples") long trainingExamples,
                              @JsonProperty("training_distinct_inputs") int trainingDistinctInputs,
                              @JsonProperty("max_draws_per_example") int maxDrawsPerExample,
                              @JsonProperty("mixture") SetJson mixture,
                              @JsonProperty("per_task") Map<String, SetJson> perTask) {
        static HeldOutJson of(PretrainResult.HeldOutReport r) {
            Map<String, SetJson> per = new java.util.LinkedHashMap<>();
            r.perTask().forEach((k, v) -> per.put(k, SetJson.of(v)));
            return new HeldOutJson(r.trainingExamples(), r.trainingDistinctInputs(), HeldOut.MAX_DRAWS_PER_EXAMPLE,
                    SetJson.of(r.mixture()), per);
        }
    }

    /**
     * One held-out set in {@link HeldOutJson} ({@link HeldOut.Stats}).
     *
     * @param requested          examples asked for
     * @param used               held-out examples evaluated
     * @param excludedSeenInTraining candidates skipped because their input occurred in the training stream
     * @param drawn              candidates examined (used + excluded)
     * @param exhausted          fewer than requested could be found within the cap
     */
    public record SetJson(@JsonProperty("requested") int requested, @JsonProperty("used") int used,
                          @JsonProperty("excluded_seen_in_training") int excludedSeenInTraining,
                          @JsonProperty("drawn") long drawn,
                          @JsonProperty("exhausted") boolean exhausted) {
        static SetJson of(HeldOut.Stats s) {
            return new SetJson(s.requested(), s.used(), s.excludedSeen(), s.drawn(), s.exhausted());
        }
    }

    /**
     * The target part of {@link Report}.
     *
     * @param metric      metric id
     * @param documented  documented value of the metric
     * @param fraction    passing share of it
     * @param threshold   {@code fraction · documented}
     * @param maxSeconds  training time budget (2-core reference machine)
     * @param metricPass  held-out pretraining metric ≥ threshold
     * @param timePass    training seconds ≤ maxSeconds (as measured on this machine, or recorded with the
     *                    cached checkpoint)
     */
    public record Target(@JsonProperty("metric") String metric, @JsonProperty("documented") double documented,
                         @JsonProperty("fraction") double fraction, @JsonProperty("threshold") double threshold,
                         @JsonProperty("max_seconds") double maxSeconds,
                         @JsonProperty("metric_pass") boolean metricPass,
                         @JsonProperty("time_pass") boolean timePass) {}

    @Override
    public String name() {
        return "pretrain";
    }

    @Override
    public String description() {
        return "Pretrain (or load from the cache) a base model and score it on held-out and downstream tasks";
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("model").hasArg().argName("FAMILY").required()
                .desc("Model family: " + String.join(", ", Workloads.families())).build());
        o.addOption(Option.builder().longOpt("preset").hasArg().argName("NAME")
                .desc("Model size: " + String.join(", ", Workloads.presets()) + " (default small)").build());
        o.addOption(Option.builder().longOpt("seed").hasArg().argName("S")
                .desc("Initialization seed (default 0)").build());
        o.addOption(Option.builder().longOpt("steps").hasArg().argName("N")
                .desc("Optimizer steps (default: the preset's tuned value)").build());
        o.addOption(Option.builder().longOpt("dtype").hasArg().argName("TYPE")
                .desc("float32 or float64 (default float32, for every preset including tiny)").build());
        o.addOption(Option.builder().longOpt("json").hasArg().argName("FILE")
                .desc("Also write the results as JSON to FILE (atomic write)").build());
        o.addOption(Option.builder().longOpt("cache").hasArg().argName("DIR")
                .desc("Checkpoint cache (default $COLA_CACHE or <repo>/.cache/cola4j)").build());
        o.addOption(Option.builder().longOpt("force").desc("Retrain even if a cached checkpoint exists").build());
        o.addOption(Option.builder().longOpt("quiet").desc("No progress bar").build());
        return o;
    }

    @Override
    public int run(CommandLine cl, Io io) throws Exception {
        String family = Args.choice(cl, "model", null, Workloads.families());
        String preset = Args.choice(cl, "preset", "small", Workloads.presets());
        long seed = Args.seed(cl, "seed", 0);
        DType dtype = DType.parse(Args.choice(cl, "dtype", "float32", List.of("float32", "float64")));
        PretrainConfig cfg = PretrainConfig.defaults(family, preset);
        if (cl.hasOption("steps")) cfg = cfg.withSteps(Args.intValue(cl, "steps", cfg.steps(), 1, Limits.MAX_STEPS));
        Path json = Args.outputFile(cl, "json");
        Path cacheDir = Args.path(cl, "cache");
        if (cacheDir != null) OutputPaths.requireWritableDir("cache", cacheDir);
        PretrainCache cache = cacheDir != null ? new PretrainCache(cacheDir) : PretrainCache.atDefaultLocation();
        HeapCheck.require("pretrain", TrainingMemory.forPretraining(Workloads.create(family, preset, dtype, seed),
                cfg.batchSize()), "", "a smaller --preset", io);

        PretrainResult r = new Pretrainer(cache, io.err(), !cl.hasOption("quiet"))
                .run(family, preset, dtype, seed, cfg, cl.hasOption("force"));

        io.out().printf("%s (%s, %s, seed %d): %d steps, %.1f s%s%n", family, preset, dtype, seed, r.steps(),
                r.trainSeconds(), r.fromCache() ? " (cached checkpoint)" : "");
        PretrainTarget tg = r.target();
        boolean metricPass = r.targetMet(), timePass = tg.inTime(r.trainSeconds());
        io.out().printf("target: %s >= %.4f (%.0f%% of documented %.4f) in <= %.0f s on 2 cores: %s %s (%.4f), "
                + "time %s (%.1f s)%n", tg.metric(),
                tg.threshold(), 100 * tg.fraction(), tg.documented(), tg.maxSeconds(), tg.metric(),
                metricPass ? "PASS" : "MISS", r.pretrainMetric(),
                timePass ? "PASS" : "MISS", r.trainSeconds());
        PretrainResult.HeldOutReport ho = r.heldOut();
        io.out().printf("held-out: eval candidates whose input occurred in training (%d examples, "
                + "%d distinct inputs) are skipped%n", ho.trainingExamples(), ho.trainingDistinctInputs());
        var nearChance = r.downstreamNearChance();
        Table t = new Table("task", "data", r.metric(), "held-out used", "excluded (seen)", "chance",
                String.format("near chance (±%.2f)", PretrainResult.NEAR_CHANCE_TOLERANCE));
        t.row("pretrain", "held-out mixture", String.format("%.4f", r.pretrainMetric()), heldOutCount(ho.mixture()),
                String.valueOf(ho.mixture().excludedSeen()), "", "");
        ho.perTask().forEach((task, s) -> t.row("  " + task, "held-out, pretraining task",
                r.pretrainPerTask().containsKey(task) ? String.format("%.4f", r.pretrainPerTask().get(task))
                        : "n/a (every input seen in training)",
                heldOutCount(s), String.valueOf(s.excludedSeen()), "", ""));
        r.downstreamBefore().forEach((task, v) -> {
            double c = r.downstreamChance().get(task);
            t.row(task, "user 0, untouched base", String.format("%.4f", v), "", "", String.format("%.4f", c),
                    nearChance.get(task) ? "yes" : v > c ? "no (above)" : "no (below)");
        });
        t.print(io.out());
        if (json != null) {
            Target target = new Target(tg.metric(), tg.documented(), tg.fraction(), tg.threshold(), tg.maxSeconds(),
                    metricPass, timePass);
            JsonFiles.writeAtomic(json, new Report(family, preset, dtype, seed, r.steps(), r.metric(),
                    r.pretrainMetric(), r.pretrainLoss(), r.trainSeconds(), r.fromCache(), r.checkpoint().toString(),
                    r.pretrainPerTask(), target, r.downstreamBefore(),
                    r.downstreamChance(), nearChance, PretrainResult.NEAR_CHANCE_TOLERANCE, HeldOutJson.of(ho)));
            io.err().println("wrote " + json);
        }
        return 0;
    }

    /** "used" or "used of requested" when the held-out set came up short. */
    private static String heldOutCount(HeldOut.Stats s) {
        return s.exhausted() ? s.used() + " of " + s.requested() : String.valueOf(s.used());
    }
}
