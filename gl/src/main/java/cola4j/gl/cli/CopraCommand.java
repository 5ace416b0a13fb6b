package cola4j.gl.cli;

import cola4j.gl.copra.CopraConfig;
import cola4j.gl.copra.CopraExperiment;
import cola4j.gl.workload.PretrainCache;
import cola4j.gl.workload.PretrainConfig;
import cola4j.gl.workload.PretrainResult;
import cola4j.gl.workload.Pretrainer;
import cola4j.gl.workload.Workload;
import cola4j.gl.workload.Workloads;
import cola4j.models.data.Task;
import cola4j.models.site.Site;
import cola4j.models.site.SiteSelector;
import cola4j.tensor.DType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code cola copra --model FAMILY [--tasks T1,T2,…] [--method lora|cola] [--seeds 3] [--steps N] [--json FILE]}: on a
 * pretrained base (the {@code cola pretrain} cache), trains plain and progressive (CopRA) low-rank adapters per task and
 * seed, and prints mean ± std over seeds of the single-task metric, the multi-task metric of each merge, the metric
 * after each pruning pattern, the spread (max − min) of the per-layer (or, with {@code --shapley sites}, per-site)
 * Shapley values, and the Shapley values themselves (with the Monte Carlo standard error above 12 players). See
 * {@link CopraExperiment} and docs/copra.md.
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
        o.addOption(Option.builder().longOpt("model").hasArg().argName("FAMILY").required().desc("Base model family: " + String.join(", ", Workloads.families())).build());
        o.addOption(Option.builder().longOpt("tasks").hasArg().argName("T1,T2,...").desc("Downstream tasks (user 0's variants; default: all of the family)").build());
        o.addOption(Option.builder().longOpt("method").hasArg().argName("lora|cola").desc("Adapter training: LoRA backprop or ColA Gradient Learning (default lora)").build());
        o.addOption(Option.builder().longOpt("seeds").hasArg().argName("N").desc("Seeds per configuration (default 3)").build());
        o.addOption(Option.builder().longOpt("steps").hasArg().argName("N").desc("Training steps per task (default 200)").build());
        o.addOption(Option.builder().longOpt("eval").hasArg().argName("N").desc("Held-out examples per evaluation (default 500)").build());
        o.addOption(Option.builder().longOpt("sites").hasArg().argName("S1,S2,...").desc("Adapted site suffixes (default attn.query,attn.value; mlp: every layer)").build());
        o.addOption(Option.builder().longOpt("preset").hasArg().argName("NAME").desc("Model size: " + String.join(", ", Workloads.presets()) + " (default small)").build());
        o.addOption(Option.builder().longOpt("cache").hasArg().argName("DIR").desc("Pretrained checkpoint cache (default as cola pretrain)").build());
        o.addOption(Option.builder().longOpt("shapley").hasArg().argName("layers|sites").desc("Shapley players: layer groups or single sites (default layers)").build());
        o.addOption(Option.builder().longOpt("permutations").hasArg().argName("N").desc("Monte Carlo Shapley permutations when more than 12 players (default 200)").build());
        o.addOption(Option.builder().longOpt("json").hasArg().argName("FILE").desc("Also write the results as JSON to FILE (atomic write)").build());
        return o;
    }

    @Override
    public int run(CommandLine cl, Io io) throws Exception {
        String family = Args.choice(cl, "model", null, Workloads.families());
        String preset = Args.choice(cl, "preset", "small", Workloads.presets());
        String method = Args.choice(cl, "method", "lora", List.of("lora", "cola"));
        int seeds = Args.intValue(cl, "seeds", 3, 1);
        Path json = Args.path(cl, "json");
        Path cacheDir = Args.path(cl, "cache");
        PretrainCache cache = cacheDir != null ? new PretrainCache(cacheDir) : PretrainCache.atDefaultLocation();
        List<String> available = Workloads.create(family, preset, DType.FLOAT32, 0).downstreamNames();
        List<String> names = cl.hasOption("tasks") ? Arrays.asList(cl.getOptionValue("tasks").split(",")) : available;
        for (String n : names) if (!available.contains(n)) throw new UsageException("--tasks: unknown task '" + n + "'; available: " + available);
        PretrainResult pre = new Pretrainer(cache, io.err(), false).run(family, preset, DType.FLOAT32, 0, PretrainConfig.defaults(family, preset), false);
        Workload w = pre.workload();
        List<Task<?>> tasks = new ArrayList<>();
        for (String n : names) tasks.add(w.downstream(n, 0));
        boolean mlp = family.equals("mlp");
        List<Site> sites;
        try {
            sites = cl.hasOption("sites") ? w.model().sites(SiteSelector.suffixes(cl.getOptionValue("sites").split(",")))
                    : mlp ? w.model().sites(SiteSelector.all()) : w.model().sites(SiteSelector.suffixes("attn.query", "attn.value"));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--sites: " + e.getMessage());
        }
        List<String> pruneKinds = mlp ? List.of("head") : List.of("attn.value");
        CopraConfig cfg = CopraConfig.defaults(method, pruneKinds);
        cfg = cfg.withSteps(Args.intValue(cl, "steps", cfg.steps(), 1)).withEvalExamples(Args.intValue(cl, "eval", cfg.evalExamples(), 1))
                .withShapleyPlayers(CopraConfig.ShapleyPlayers.valueOf(Args.choice(cl, "shapley", "layers", List.of("layers", "sites")).toUpperCase()))
                .withShapleyPermutations(Args.intValue(cl, "permutations", cfg.shapleyPermutations(), 2));
        CopraExperiment exp = new CopraExperiment(w, sites, cfg);
        io.err().printf("copra: %s %s, %d sites in %d layer groups %s, tasks %s, %d seeds x %d steps%n", family, method, sites.size(),
                exp.groups().size(), exp.groups().names(), names, seeds, cfg.steps());

        List<String> players = exp.playerNames();
        List<Map<String, Object>> rows = new ArrayList<>();
        List<String> phiLines = new ArrayList<>();
        Table t = null;
        for (boolean progressive : new boolean[] {false, true}) {
            List<CopraExperiment.RunResult> runs = new ArrayList<>();
            for (int s = 0; s < seeds; s++) {
                long t0 = System.nanoTime();
                runs.add(exp.run(tasks, progressive, s));
                io.err().printf("copra: %s seed %d done in %.1f s%n", progressive ? "progressive" : "plain", s, (System.nanoTime() - t0) / 1e9);
            }
            CopraExperiment.RunResult first = runs.get(0);
            if (t == null) {
                List<String> head = new ArrayList<>(List.of("method", "progressive", "base", "single"));
                first.merged().keySet().forEach(k -> head.add("merged:" + k));
                first.pruned().keySet().forEach(k -> head.add("pruned:" + k));
                head.add("shapley spread");
                if (method.equals("cola")) head.add("MB sent");
                t = new Table(head.toArray(new String[0]));
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("method", method);
            row.put("progressive", progressive);
            List<String> cells = new ArrayList<>(List.of(method, Boolean.toString(progressive)));
            row.put("base", stat(runs.stream().mapToDouble(CopraExperiment.RunResult::base).toArray(), cells));
            row.put("single", stat(runs.stream().mapToDouble(CopraExperiment.RunResult::single).toArray(), cells));
            Map<String, Object> merged = new LinkedHashMap<>(), pruned = new LinkedHashMap<>();
            for (String k : first.merged().keySet()) merged.put(k, stat(runs.stream().mapToDouble(r -> r.merged().get(k)).toArray(), cells));
            for (String k : first.pruned().keySet()) pruned.put(k, stat(runs.stream().mapToDouble(r -> r.pruned().get(k)).toArray(), cells));
            row.put("merged", merged);
            row.put("pruned", pruned);
            int n = first.shapley().length;
            double[] meanPhi = new double[n], sdPhi = new double[n], sePhi = new double[n];
            for (int g = 0; g < n; g++) {
                final int gg = g;
                double[] v = runs.stream().mapToDouble(r -> r.shapley()[gg]).toArray();
                meanPhi[g] = Arrays.stream(v).average().orElseThrow();
                sdPhi[g] = sampleStd(v, meanPhi[g]);
                double var = 0;                                      // SE of the seed mean: √(Σ_s SE_s²) / S
                for (CopraExperiment.RunResult r : runs) var += r.shapleySe()[g] * r.shapleySe()[g];
                sePhi[g] = Math.sqrt(var) / runs.size();
            }
            boolean exact = runs.stream().allMatch(CopraExperiment.RunResult::shapleyExact);
            row.put("shapley", meanPhi);
            row.put("shapley_std", sdPhi);
            row.put("shapley_se", sePhi);
            row.put("shapley_exact", exact);
            row.put("shapley_players", players);
            StringBuilder line = new StringBuilder(String.format("shapley (%s, %s, %s): ", method, progressive ? "progressive" : "plain",
                    exact ? "exact" : "Monte Carlo " + cfg.shapleyPermutations() + " permutations"));
            for (int g = 0; g < n; g++) {
                line.append(String.format("%s%s %.4f ± %.4f", g == 0 ? "" : ", ", players.get(g), meanPhi[g], sdPhi[g]));
                if (!exact) line.append(String.format(" (SE %.4f)", sePhi[g]));
            }
            phiLines.add(line.toString());
            row.put("shapley_spread", stat(runs.stream().mapToDouble(r -> spread(r.shapley())).toArray(), cells));
            if (method.equals("cola")) {
                double[] mb = runs.stream().mapToDouble(r -> r.bytesSent() / 1e6).toArray();
                row.put("mb_sent", stat(mb, cells));
            }
            t.row(cells.toArray(new String[0]));
            rows.add(row);
        }
        t.print(io.out());
        phiLines.forEach(io.out()::println);
        io.out().println("metric: " + tasks.get(0).metric().id() + "; mean ± std over " + seeds + " seeds; merged/pruned/single/shapley averaged over tasks "
                + names + "; shapley ± is the std over seeds, SE the Monte Carlo standard error");
        if (json != null) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("model", family);
            out.put("preset", preset);
            out.put("tasks", names);
            out.put("seeds", seeds);
            out.put("config", cfg);
            out.put("rows", rows);
            JsonFiles.writeAtomic(json, out);
            io.err().println("wrote " + json);
        }
        return 0;
    }

    private static double spread(double[] v) {
        return Arrays.stream(v).max().orElse(0) - Arrays.stream(v).min().orElse(0);
    }

    private static double sampleStd(double[] v, double mean) {
        double ss = 0;
        for (double x : v) ss += (x - mean) * (x - mean);
        return v.length > 1 ? Math.sqrt(ss / (v.length - 1)) : 0;
    }

    /** Mean and sample standard deviation; appends "mean ± std" to the table cells. */
    private static Map<String, Double> stat(double[] v, List<String> cells) {
        double m = Arrays.stream(v).average().orElse(Double.NaN);
        double sd = sampleStd(v, m);
        cells.add(String.format("%.4f ± %.4f", m, sd));
        Map<String, Double> r = new LinkedHashMap<>();
        r.put("mean", m);
        r.put("std", sd);
        return r;
    }
}
