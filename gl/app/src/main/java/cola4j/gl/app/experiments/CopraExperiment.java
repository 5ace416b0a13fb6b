package cola4j.gl.app.experiments;

import cola4j.gl.app.workload.Workload;
import cola4j.gl.auxiliary.LoraVariant;
import cola4j.gl.auxiliary.LowRankAux;
import cola4j.gl.copra.AuxiliaryMerge;
import cola4j.gl.copra.LayerGroups;
import cola4j.gl.copra.LowRankConcat;
import cola4j.gl.copra.PrunePattern;
import cola4j.gl.copra.Shapley;
import cola4j.gl.copra.SparseMerge;
import cola4j.models.data.Task;
import cola4j.models.site.Site;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One CopRA study on a pretrained base: per task, train low-rank adapters (plain or progressive; LoRA or ColA with
 * any {@link LoraVariant}, or AdaLoRA), then
 *
 * <ul>
 *   <li>single: each task's metric with its own adapters;</li>
 *   <li>merged: the mean over tasks of the metric of one merged adapter set (linear, task arithmetic,
 *       TIES, concat);</li>
 *   <li>pruned: the mean over tasks of the metric with each task's adapters minus a {@link PrunePattern}'s sites
 *       (patterns that remove nothing with these layer groups, e.g. middle_third of 2 layers, are skipped and listed by
 *       {@link #prunedSkipped()});</li>
 *   <li>shapley: per player (a layer group, or a site with {@link CopraConfig.ShapleyPlayers#SITES}), the mean over
 *       tasks of its Shapley value, v(S) = metric with only S's adapters; exact
 *       for ≤ {@link Shapley#EXACT_MAX_PLAYERS} players, otherwise Monte Carlo with a standard error (tasks use
 *       independent permutation streams, so the standard error of the task mean is √(Σ_t SE_t²) / T).</li>
 * </ul>
 *
 * Adapters are evaluated by folding their deltas into the base weights (copy, W += ΔW, evaluate, restore the copy:
 * bit-exact). The base is never trained. Same seed, same numbers.
 */
public final class CopraExperiment {
    /** Seed salts for the data, dropout and activation streams of a (seed, task) run. */
    static final long DATA_SALT = 0x9E3779B97F4A7C15L, DROPOUT_SALT = 0xC2B2AE3D27D4EB4FL,
            ACTIVATION_SALT = 0x165667B19E3779F9L, EVAL_SEED = 20241030L;

    private final Workload w;
    private final List<Site> sites;
    private final LayerGroups groups;
    private final CopraConfig cfg;

    /**
     * @param workload the pretrained base and its task family
     * @param sites    adapted linear sites of {@code workload.model()}
     */
    public CopraExperiment(Workload workload, List<Site> sites, CopraConfig cfg) {
        for (Site s : sites) {
            if (s.kind() != Site.Kind.LINEAR) {
                throw new IllegalArgumentException("copra: site " + s.name()
                        + " is not linear (low-rank adapters on linear sites only)");
            }
        }
        this.w = workload;
        this.sites = List.copyOf(sites);
        this.groups = new LayerGroups(sites);
        this.cfg = cfg;
    }

    public LayerGroups groups() {
        return groups;
    }

    /** The Shapley players: per player, the site names it switches on (group order, then site order within a group). */
    public List<Set<String>> players() {
        List<Set<String>> out = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            if (cfg.shapleyPlayers() == CopraConfig.ShapleyPlayers.LAYERS) out.add(groups.sites(g));
            else for (String s : groups.sites(g)) out.add(Set.of(s));
        }
        return out;
    }

    /**
     * Every pruning pattern of the study: every_other, the three thirds, one per {@link CopraConfig#pruneSuffixes()}.
     */
    public List<PrunePattern> prunePatterns() {
        return PrunePattern.standard(cfg.pruneSuffixes().toArray(new String[0]));
    }

    /**
     * The pruning patterns that remove no site with these layer groups (e.g. middle_third with 2 layers): not measured.
     */
    public List<PrunePattern> prunedSkipped() {
        return prunePatterns().stream().filter(p -> p.removed(groups).isEmpty()).toList();
    }

    /** The players' names: the group names, or the site names. */
    public List<String> playerNames() {
        if (cfg.shapleyPlayers() == CopraConfig.ShapleyPlayers.LAYERS) return groups.names();
        return List.copyOf(groups.allSites());
    }

    /**
     * Adapters trained on one task: each site's ΔW, the variant's own weight delta against the pretrained W0 (what
     * merges, pruning and Shapley values act on), and the adaptation-data bytes their training sent (ColA; 0
     * otherwise).
     *
     * @param deltas  site → ΔW [out, in]: lora, rslora s·B·A; pissa s·B·A − s·B0·A0 (the trained
     *                W_res + s·B·A minus W0); dora diag(m/n)(W0 + s·B·A) − W0; adalora s·B(A ⊙ E)
     * @param lowRank site → a low-rank adapter whose s·B·A is the trained product (adalora: A ⊙ E as its A), for
     *                the concatenation merge; null for dora, whose ΔW has no low-rank form
     * @param initial pissa: site → the initial adapter s·B0·A0 (the same for every task and seed: W0's SVD); empty
     *                otherwise
     * @param parameters site → the trained parameters by their PEFT names (copies: lora_A.weight, lora_B.weight,
     *                   dora's lora_magnitude_vector; adalora's lora_A, lora_E, lora_B)
     */
    public record Trained(LinkedHashMap<String, Tensor> deltas, LinkedHashMap<String, LowRankAux> lowRank,
                          LinkedHashMap<String, LowRankAux> initial,
                          LinkedHashMap<String, LinkedHashMap<String, Tensor>> parameters, long bytesSent) {}

    /**
     * Trains fresh adapters on {@code task} ({@link CopraTraining}); the initialization depends on (seed, taskIndex,
     * site) only, not on progressive.
     */
    public Trained train(Task<?> task, int taskIndex, boolean progressive, long seed) {
        return new CopraTraining(w, sites, groups, cfg).train(task, taskIndex, progressive, seed);
    }

    /** The task's metric with {@code deltas} folded into the base weights (restored bit-exactly afterwards). */
    public double evaluate(Task<?> task, Map<String, Tensor> deltas) {
        Map<Site, Tensor> saved = new LinkedHashMap<>();
        try {
            for (Site s : sites) {
                Tensor d = deltas.get(s.name());
                if (d == null) continue;
                saved.put(s, s.weight().copy());
                s.addDelta(d.dtype() == s.dtype() ? d : d.to(s.dtype()), null);
            }
            return w.evaluate(task, cfg.evalExamples(), new Rng(EVAL_SEED));
        } finally {
            saved.forEach((s, wt) -> s.weight().copyFrom(wt));
        }
    }

    /**
     * Everything measured for one (progressive?, seed) run over all tasks (metrics are means over the tasks).
     *
     * @param base         metric without adapters
     * @param single       metric of each task with its own adapters
     * @param merged       per merge kind (in {@link AuxiliaryMerge.Kind} order), the metric of the merged adapter set
     * @param pruned       per pruning pattern that removes something (in {@link #prunePatterns()} order), the metric
     * @param shapley      per player, the Shapley value
     * @param shapleySe    per player, its standard error (all 0 when {@code shapleyExact})
     * @param shapleyExact true when every task used the exact formula
     * @param bytesSent    ColA: adaptation-data bytes sent while training all tasks; 0 for LoRA
     */
    public record RunResult(double base, double single, Map<AuxiliaryMerge.Kind, Double> merged,
                            Map<PrunePattern, Double> pruned, double[] shapley, double[] shapleySe,
                            boolean shapleyExact, long bytesSent) {}

    /**
     * Every merge of the tasks' ΔWs ({@link Trained#deltas}), in {@link AuxiliaryMerge.Kind} order. Concatenation
     * stacks the low-rank forms ({@link LowRankConcat}) so that its ΔW is Σ_t ΔW_t: for pissa the initial adapter
     * joins with weight −T (Σ_t s·B_t·A_t − T·s·B0·A0); it is left out for dora (no low-rank form).
     * DARE's masks are drawn from {@code seed}.
     */
    public Map<AuxiliaryMerge.Kind, Map<String, Tensor>> merges(List<Trained> trained, long seed) {
        List<LinkedHashMap<String, Tensor>> deltas = trained.stream().map(Trained::deltas).toList();
        Map<AuxiliaryMerge.Kind, Map<String, Tensor>> merges = new EnumMap<>(AuxiliaryMerge.Kind.class);
        merges.put(AuxiliaryMerge.Kind.LINEAR, AuxiliaryMerge.linear(deltas));
        merges.put(AuxiliaryMerge.Kind.TASK_ARITHMETIC, AuxiliaryMerge.taskArithmetic(deltas, cfg.taLambda()));
        merges.put(AuxiliaryMerge.Kind.TIES, AuxiliaryMerge.ties(deltas, cfg.tiesDensity(), null, 1.0));
        if (trained.stream().allMatch(t -> t.lowRank() != null)) {
            List<Map<String, LowRankAux>> parts = new ArrayList<>(trained.stream().map(Trained::lowRank).toList());
            double[] weights = new double[parts.size() + (trained.get(0).initial().isEmpty() ? 0 : 1)];
            java.util.Arrays.fill(weights, 1.0);
            if (weights.length > parts.size()) {
                parts.add(trained.get(0).initial());
                weights[parts.size() - 1] = -trained.size();
            }
            merges.put(AuxiliaryMerge.Kind.CONCAT, LowRankConcat.deltas(LowRankConcat.concat(parts, weights)));
        }
        // PEFT's sparsifying merges with unit weights; DARE's masks are drawn from the run's seed
        merges.put(AuxiliaryMerge.Kind.MAGNITUDE_PRUNE, SparseMerge.magnitudePrune(deltas, null, cfg.tiesDensity()));
        merges.put(AuxiliaryMerge.Kind.DARE_LINEAR, SparseMerge.dareLinear(deltas, null, cfg.tiesDensity(), seed));
        merges.put(AuxiliaryMerge.Kind.DARE_TIES,
                SparseMerge.dareTies(deltas, null, cfg.tiesDensity(), cfg.majoritySign(), seed));
        return merges;
    }

    /** Trains every task and measures single, merged, pruned and Shapley metrics. */
    public RunResult run(List<? extends Task<?>> tasks, boolean progressive, long seed) {
        List<Trained> trained = new ArrayList<>();
        for (int t = 0; t < tasks.size(); t++) trained.add(train(tasks.get(t), t, progressive, seed));
        List<LinkedHashMap<String, Tensor>> deltas = trained.stream().map(Trained::deltas).toList();
        double single = 0;
        for (int t = 0; t < tasks.size(); t++) single += evaluate(tasks.get(t), deltas.get(t)) / tasks.size();
        Map<AuxiliaryMerge.Kind, Map<String, Tensor>> merges = merges(trained, seed);
        Map<AuxiliaryMerge.Kind, Double> merged = new EnumMap<>(AuxiliaryMerge.Kind.class);
        merges.forEach((k, d) -> merged.put(k,
                tasks.stream().mapToDouble(t -> evaluate(t, d)).average().orElseThrow()));
        Map<PrunePattern, Double> pruned = new LinkedHashMap<>();
        for (PrunePattern p : prunePatterns()) {
            Set<String> removed = p.removed(groups);
            if (removed.isEmpty()) continue;
            double m = 0;
            for (int t = 0; t < tasks.size(); t++) {
                LinkedHashMap<String, Tensor> kept = new LinkedHashMap<>(deltas.get(t));
                kept.keySet().removeAll(removed);
                m += evaluate(tasks.get(t), kept) / tasks.size();
            }
            pruned.put(p, m);
        }
        List<Set<String>> players = players();
        int n = players.size(), tn = tasks.size();
        double[] shapley = new double[n], var = new double[n];
        boolean exact = true;
        for (int t = 0; t < tn; t++) {
            Task<?> task = tasks.get(t);
            LinkedHashMap<String, Tensor> d = deltas.get(t);
            Shapley.Game v = mask -> {
                LinkedHashMap<String, Tensor> only = new LinkedHashMap<>(d);
                Set<String> on = new HashSet<>();
                for (int i = 0; i < n; i++) if ((mask >>> i & 1L) != 0) on.addAll(players.get(i));
                only.keySet().retainAll(on);
                return evaluate(task, only);
            };
            Shapley.Result r = Shapley.compute(n, v, cfg.shapleyPermutations(),
                    new Rng(seed ^ EVAL_SEED ^ (t + 1) * 0x9E3779B97F4A7C15L));
            exact &= r.exact();
            for (int i = 0; i < n; i++) {
                shapley[i] += r.values()[i] / tn;
                var[i] += r.stdErrors()[i] * r.stdErrors()[i] / ((double) tn * tn);
            }
        }
        double[] se = new double[n];
        for (int i = 0; i < n; i++) se[i] = Math.sqrt(var[i]);
        long bytes = trained.stream().mapToLong(Trained::bytesSent).sum();
        double base = tasks.stream().mapToDouble(t -> evaluate(t, Map.of())).average().orElseThrow();
        return new RunResult(base, single, merged, pruned, shapley, se, exact, bytes);
    }
}
