package cola4j.gl.app.cli;

import cola4j.gl.app.command.Args;
import cola4j.gl.app.command.HeapCheck;
import cola4j.gl.app.train.TrainingMemory;
import cola4j.gl.app.command.Limits;
import cola4j.gl.app.command.Command;
import cola4j.gl.app.command.UsageException;
import cola4j.gl.app.io.Io;
import cola4j.gl.app.io.JsonFiles;
import cola4j.gl.app.io.Table;
import cola4j.gl.app.train.TrainMethod;
import cola4j.gl.auxiliary.LoraVariant;

import cola4j.gl.copra.AuxiliaryMerge;
import cola4j.gl.copra.SparseMerge;
import cola4j.gl.app.experiments.CopraConfig;
import cola4j.gl.app.experiments.CopraExperiment;
import cola4j.gl.app.experiments.CopraRow;
import cola4j.gl.app.experiments.MeanStd;
import cola4j.gl.copra.PrunePattern;
import cola4j.gl.app.workload.PretrainCache;
import cola4j.gl.app.workload.PretrainConfig;
import cola4j.gl.app.workload.PretrainResult;
import cola4j.gl.app.workload.Pretrainer;
import cola4j.gl.app.workload.Workload;
import cola4j.gl.app.workload.Workloads;
import cola4j.models.data.Task;
import cola4j.models.site.Site;
import cola4j.models.site.SiteSelector;
import cola4j.tensor.DType;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code cola copra --model FAMILY [--tasks T1,T2,…] [--method lora|cola|adalora] [--lora-variant V] [--seeds 3]
 * [--steps N] [--json FILE]}: on a pretrained base (the {@code cola pretrain} cache), trains plain and progressive
 * (CopRA) low-rank adapters per task
 * and seed, and prints mean ± std over seeds of the single-task metric, the multi-task metric of each merge, the
 * metric after each pruning pattern, the spread (max − min) of the per-layer (or, with {@code --shapley sites},
 * per-site) Shapley values, and the Shapley values themselves (with the Monte Carlo standard error above 12 players).
 * See {@link CopraExperiment} and docs/copra.md.
 */
public final class CopraCommand implements Command {
    @Override
    public String name() {
        return "copra";
    }

    @Override
    public String description() {
        return "CopRA: plain vs progressive adapters - single, merged, pruned metrics and layer Shapley values";
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("model").hasArg().argName("FAMILY").required()
                .desc("Base model family: " + String.join(", ", Workloads.families())).build());
        o.addOption(Option.builder().longOpt("tasks").hasArg().argName("T1,T2,...")
                .desc("Downstream tasks (user 0's variants; default: all of the family)").build());
        o.addOption(Option.builder().longOpt("method").hasArg().argName("lora|cola|adalora")
                .desc("Adapter training: LoRA backprop, ColA Gradient Learning or AdaLoRA backprop (default lora);"
                        + " prompt and prefix have no weight delta to merge (docs/copra.md)").build());
        o.addOption(Option.builder().longOpt("lora-variant").hasArg().argName("V")
                .desc("Form of the lora/cola adapters: lora (default), rslora, pissa, dora; merges, pruning and"
                        + " Shapley values act on each variant's own delta W (docs/copra.md)").build());
        AdaLoraOptions.register(o);
        o.addOption(Option.builder().longOpt("seeds").hasArg().argName("N")
                .desc("Seeds per configuration (default 3)").build());
        o.addOption(Option.builder().longOpt("steps").hasArg().argName("N")
                .desc("Training steps per task (default 200)").build());
        o.addOption(Option.builder().longOpt("eval").hasArg().argName("N")
                .desc("Held-out examples per evaluation (default 500)").build());
        o.addOption(Option.builder().longOpt("sites").hasArg().argName("S1,S2,...")
                .desc("Adapted site suffixes (default attn.query,attn.value; mlp: every layer)").build());
        o.addOption(Option.builder().longOpt("preset").hasArg().argName("NAME")
                .desc("Model size: " + String.join(", ", Workloads.presets()) + " (default small)").build());
        o.addOption(Option.builder().longOpt("cache").hasArg().argName("DIR")
                .desc("Pretrained checkpoint cache (default as cola pretrain)").build());
        o.addOption(Option.builder().longOpt("shapley").hasArg().argName("layers|sites")
                .desc("Shapley players: layer groups or single sites (default layers)").build());
        o.addOption(Option.builder().longOpt("permutations").hasArg().argName("N")
                .desc("Monte Carlo Shapley permutations when more than 12 players (default 200)").build());
        o.addOption(Option.builder().longOpt("density").hasArg().argName("K")
                .desc("PEFT's density in (0, 1]: entries kept by TIES and magnitude pruning, DARE's keep probability"
                        + " (default 0.5)").build());
        o.addOption(Option.builder().longOpt("majority-sign").hasArg().argName("total|frequency")
                .desc("PEFT's majority_sign_method of the DARE-TIES merge (default total)").build());
        o.addOption(Option.builder().longOpt("json").hasArg().argName("FILE")
                .desc("Also write the results as JSON to FILE (atomic write)").build());
        return o;
    }

    /**
     * The JSON document of {@code --json}.
     *
     * @param model        the model family
     * @param preset       the model size preset
     * @param tasks        the downstream tasks, in the order given
     * @param seeds        seeds per configuration
     * @param basePretrain the pretrained base the adapters were trained on
     * @param config       the experiment's settings
     * @param rows         plain, then progressive
     */
    record Report(String model, String preset, List<String> tasks, int seeds,
                  @JsonProperty("base_pretrain") BasePretrain basePretrain, CopraConfig config, List<CopraRow> rows) {}

    /**
     * The base model as {@code cola pretrain} reported it.
     *
     * @param metric     the pretraining metric's id (e.g. {@code exact_match})
     * @param heldOut    that metric on held-out pretraining-mixture examples
     * @param checkpoint the cache entry's directory name
     * @param fromCache  true when the base was loaded from the cache, false when this run pretrained it
     */
    record BasePretrain(String metric, @JsonProperty("held_out") double heldOut, String checkpoint,
                        @JsonProperty("from_cache") boolean fromCache) {}

    /** The adapted sites of {@code --sites} (default attn.query, attn.value; mlp: every layer) of w's model. */
    private static List<Site> sites(CommandLine cl, Workload w, boolean mlp) {
        try {
            return cl.hasOption("sites")
                    ? w.model().sites(SiteSelector.suffixes(cl.getOptionValue("sites").split(",")))
                    : mlp ? w.model().sites(SiteSelector.all())
                    : w.model().sites(SiteSelector.suffixes("attn.query", "attn.value"));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--sites: " + e.getMessage());
        }
    }

    @Override
    public int run(CommandLine cl, Io io) throws Exception {
        String family = Args.choice(cl, "model", null, Workloads.families());
        String preset = Args.choice(cl, "preset", "small", Workloads.presets());
        String method = method(cl);
        int seeds = Args.intValue(cl, "seeds", 3, 1, Limits.MAX_SEEDS);
        Path json = Args.outputFile(cl, "json");
        Path cacheDir = Args.path(cl, "cache");
        PretrainCache cache = cacheDir != null ? new PretrainCache(cacheDir) : PretrainCache.atDefaultLocation();
        boolean mlp = family.equals("mlp");
        List<String> pruneKinds = mlp ? List.of("head") : List.of("attn.value");
        CopraConfig cfg = CopraConfig.defaults("lora", pruneKinds);   // method, variant: below
        cfg = cfg.withSteps(Args.intValue(cl, "steps", cfg.steps(), 1, Limits.MAX_STEPS))
                .withEvalExamples(Args.intValue(cl, "eval", cfg.evalExamples(), 1, Limits.MAX_EVAL))
                .withShapleyPlayers(CopraConfig.ShapleyPlayers.valueOf(
                        Args.choice(cl, "shapley", "layers", List.of("layers", "sites")).toUpperCase()))
                .withShapleyPermutations(Args.intValue(cl, "permutations", cfg.shapleyPermutations(), 2,
                        Limits.MAX_PERMUTATIONS))
                .withMajoritySign(SparseMerge.SignMethod.parse(
                        Args.choice(cl, "majority-sign", "total", List.of("total", "frequency"))));
        double density = Args.doubleValue(cl, "density", cfg.tiesDensity());
        if (!(density > 0 && density <= 1)) throw new UsageException("--density must be in (0, 1], got " + density);
        cfg = cfg.withDensity(density);
        LoraVariant variant = LoraVariant.parse(Args.choice(cl, "lora-variant", "lora", LoraVariant.names()));
        if (variant != LoraVariant.LORA && method.equals("adalora")) {
            throw new UsageException("--lora-variant " + variant + " applies to methods lora and cola (adalora has its"
                    + " own SVD-form adapter)");
        }
        try {
            cfg = cfg.withMethod(method, variant, AdaLoraOptions.parse(cl, null,
                    method.equals("adalora") ? TrainMethod.ADALORA : TrainMethod.LORA, cfg.steps()));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        int rank = method.equals("adalora") ? cfg.adalora().initR() : cfg.rank();
        // tasks and sites depend only on the architecture: checked on a fresh model before any pretraining
        Workload fresh = Workloads.create(family, preset, DType.FLOAT32, 0);
        List<String> available = fresh.downstreamNames();
        List<String> names = cl.hasOption("tasks") ? taskList(cl.getOptionValue("tasks"), available) : available;
        HeapCheck.require("copra", TrainingMemory.forCopra(fresh, sites(cl, fresh, mlp), names.size(), rank,
                cfg.batchSize(), method.equals("cola")), "", "fewer --tasks, a smaller --preset", io);
        PretrainResult pre = new Pretrainer(cache, io.err(), false)
                .run(family, preset, DType.FLOAT32, 0, PretrainConfig.defaults(family, preset), false);
        Workload w = pre.workload();
        List<Task<?>> tasks = new ArrayList<>();
        for (String n : names) tasks.add(w.downstream(n, 0));
        List<Site> sites = sites(cl, w, mlp);
        CopraExperiment exp = new CopraExperiment(w, sites, cfg);
        io.err().printf("copra: %s %s%s, %d sites in %d layer groups %s, tasks %s, %d seeds x %d steps%n", family,
                method, variant == LoraVariant.LORA ? "" : " (" + variant + ")",
                sites.size(), exp.groups().size(), exp.groups().names(), names, seeds, cfg.steps());
        int layers = exp.groups().layers();
        for (PrunePattern p : exp.prunedSkipped()) {
            io.err().printf("pruned: %s removes nothing with %d layer group%s; skipped%n", p.name(), layers,
                    layers == 1 ? "" : "s");
        }

        List<String> players = exp.playerNames();
        List<CopraRow> rows = new ArrayList<>();
        List<CopraExperiment.RunResult> plainRuns = null;
        for (boolean progressive : new boolean[] {false, true}) {
            List<CopraExperiment.RunResult> runs = new ArrayList<>();
            for (int s = 0; s < seeds; s++) {
                long t0 = System.nanoTime();
                runs.add(exp.run(tasks, progressive, s));
                io.err().printf("copra: %s seed %d done in %.1f s%n", progressive ? "progressive" : "plain", s,
                        (System.nanoTime() - t0) / 1e9);
            }
            rows.add(CopraRow.of(method, progressive, runs, progressive ? plainRuns : null, exp.prunedSkipped(),
                    players));
            if (!progressive) plainRuns = runs;
        }
        String label = variant == LoraVariant.LORA ? method : method + "-" + variant;
        table(rows, method.equals("cola"), label).print(io.out());
        for (CopraRow r : rows) io.out().println(shapleyLine(r, cfg.shapleyPermutations(), label));
        io.out().println("metric: " + tasks.get(0).metric().id() + "; "
                + (seeds == 1 ? "1 seed, so no std (" + MeanStd.NONE + ")" : "mean ± std over " + seeds + " seeds")
                + "; merged/pruned/single/shapley averaged over tasks " + names
                + (seeds == 1 ? "" : "; shapley ± is the std over seeds") + "; SE is the Monte Carlo standard error");
        if (json != null) {
            BasePretrain bp = new BasePretrain(pre.metric(), pre.pretrainMetric(),
                    pre.checkpoint() == null ? null : pre.checkpoint().getFileName().toString(), pre.fromCache());
            JsonFiles.writeAtomic(json, new Report(family, preset, names, seeds, bp, cfg, rows));
            io.err().println("wrote " + json);
        }
        return 0;
    }

    /**
     * {@code --method}: lora, cola or adalora. Prompt and prefix tuning are refused with their reason: the merges,
     * pruning patterns and Shapley values of the study all act on per-site weight deltas ΔW, and virtual tokens are
     * inputs prepended to every sequence, not a weight delta (docs/copra.md, "Which methods").
     */
    static String method(CommandLine cl) {
        String m = cl.getOptionValue("method", "lora");
        if (m.equals("prompt") || m.equals("prefix")) {
            throw new UsageException("--method " + m + " does not apply to cola copra: its merges, pruning and Shapley"
                    + " values combine per-site weight deltas, and " + m + " tuning trains virtual tokens, which are"
                    + " not a weight delta (use cola train --method " + m + ")");
        }
        return Args.choice(cl, "method", "lora", CopraConfig.METHODS);
    }

    /**
     * The {@code --tasks} list: comma-separated, each name known, none empty, none twice (a usage error otherwise, so
     * that {@code --tasks ,} or {@code --tasks flip,flip} never reaches training).
     */
    static List<String> taskList(String value, List<String> available) {
        Set<String> out = new LinkedHashSet<>();
        for (String n : value.split(",", -1)) {
            if (n.isBlank()) {
                throw new UsageException("--tasks: empty task name in '" + value + "'; available: " + available);
            }
            if (!available.contains(n)) {
                throw new UsageException("--tasks: unknown task '" + n + "'; available: " + available);
            }
            if (!out.add(n)) throw new UsageException("--tasks: task '" + n + "' given twice in '" + value + "'");
        }
        return List.copyOf(out);
    }

    /** The results table: one line per row, method column {@code label} (e.g. cola-dora); ColA adds MB sent, saved. */
    private static Table table(List<CopraRow> rows, boolean cola, String label) {
        CopraRow first = rows.get(0);
        List<String> head = new ArrayList<>(List.of("method", "progressive", "base", "single"));
        first.merged().keySet().forEach(k -> head.add("merged:" + k.id()));
        first.pruned().keySet().forEach(p -> head.add("pruned:" + p.name()));
        head.add("shapley spread");
        if (cola) {
            head.add("MB sent");
            head.add("MB saved");
        }
        Table t = new Table(head.toArray(new String[0]));
        for (CopraRow r : rows) {
            List<String> cells = new ArrayList<>(List.of(label, Boolean.toString(r.progressive()),
                    r.base().format(4), r.single().format(4)));
            for (AuxiliaryMerge.Kind k : first.merged().keySet()) cells.add(r.merged().get(k).format(4));
            for (PrunePattern p : first.pruned().keySet()) cells.add(r.pruned().get(p).format(4));
            cells.add(r.shapleySpread().format(4));
            if (cola) {
                cells.add(r.mbSent().format(2));
                cells.add(r.mbSaved() == null ? MeanStd.NONE : r.mbSaved().format(2));
            }
            t.row(cells.toArray(new String[0]));
        }
        return t;
    }

    /** {@code shapley (lora, plain, exact): layer 0 0.2126 ± 0.0579, …} with the Monte Carlo SE when not exact. */
    private static String shapleyLine(CopraRow r, int permutations, String label) {
        StringBuilder line = new StringBuilder(String.format("shapley (%s, %s, %s): ",
                label, r.progressive() ? "progressive" : "plain",
                r.shapleyExact() ? "exact" : "Monte Carlo " + permutations + " permutations"));
        for (int g = 0; g < r.shapley().length; g++) {
            line.append(g == 0 ? "" : ", ").append(r.shapleyPlayers().get(g)).append(' ')
                    .append(r.shapleyOf(g).format(4));
            if (!r.shapleyExact()) line.append(String.format(" (SE %.4f)", r.shapleySe()[g]));
        }
        return line.toString();
    }
}
