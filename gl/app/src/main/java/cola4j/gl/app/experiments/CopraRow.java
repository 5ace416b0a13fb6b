package cola4j.gl.app.experiments;

import cola4j.gl.copra.AuxiliaryMerge;
import cola4j.gl.copra.PrunePattern;
import cola4j.gl.copra.Shapley;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * One row of the CopRA table and of {@code cola copra --json}'s {@code rows}: one (method, plain or progressive)
 * configuration summarized over S seeds ({@link CopraExperiment.RunResult} per seed, same seeds for plain and
 * progressive). Every metric is first averaged over the tasks (inside a run), then summarized over the seeds as a
 * {@link MeanStd}. Per Shapley player i with per-seed values φ_{i,s} and Monte Carlo standard errors SE_{i,s}:
 *
 * <pre>
 *   shapley[i]     = (1/S) Σ_s φ_{i,s}
 *   shapley_std[i] = sample std over s of φ_{i,s}                   (null for S = 1)
 *   shapley_se[i]  = √(Σ_s SE_{i,s}²) / S                            (0 on the exact path)
 *   shapley_spread = MeanStd over s of (max_i φ_{i,s} − min_i φ_{i,s})
 *   mb_sent        = MeanStd over s of bytes_s / 10⁶                  (ColA only)
 *   mb_saved       = MeanStd over s of (plain bytes_s − progressive bytes_s) / 10⁶   (progressive ColA row only)
 * </pre>
 *
 * @param method         {@code lora}, {@code cola} or {@code adalora} (the variant is in the config)
 * @param progressive    true for CopRA's progressive activation, false for plain training
 * @param base           metric of the base model without adapters
 * @param single         each task's metric with its own adapters
 * @param merged         per merge kind, the metric of the merged adapter set (JSON keys
 *                       {@link AuxiliaryMerge.Kind#id()})
 * @param pruned         per pruning pattern that removes something, the metric after pruning (JSON keys
 *                       {@link PrunePattern#name()})
 * @param prunedSkipped  the patterns that remove nothing with this model's layer groups (e.g. middle_third for L = 2)
 * @param shapley        per player, the mean Shapley value
 * @param shapleyStd     per player, the sample std over seeds; null for one seed
 * @param shapleySe      per player, the Monte Carlo standard error of {@code shapley} (0 when exact)
 * @param shapleyExact   true when every run used the exact formula
 * @param shapleyPlayers the players' names (layer groups or sites)
 * @param shapleySpread  max − min of the per-run Shapley values
 * @param mbSent         ColA: megabytes (10⁶ bytes) of adaptation data sent per run of all tasks; null
 *                       (absent) for LoRA
 * @param mbSaved        progressive ColA: megabytes saved against the plain run of the same seed; null
 *                       (absent) otherwise
 */
@JsonPropertyOrder({"method", "progressive", "base", "single", "merged", "pruned", "pruned_skipped", "shapley",
        "shapley_std", "shapley_se", "shapley_exact", "shapley_players", "shapley_spread", "mb_sent", "mb_saved"})
public record CopraRow(
        String method,
        boolean progressive,
        MeanStd base,
        MeanStd single,
        Map<AuxiliaryMerge.Kind, MeanStd> merged,
        Map<PrunePattern, MeanStd> pruned,
        @JsonProperty("pruned_skipped") List<PrunePattern> prunedSkipped,
        double[] shapley,
        @JsonProperty("shapley_std") double[] shapleyStd,
        @JsonProperty("shapley_se") double[] shapleySe,
        @JsonProperty("shapley_exact") boolean shapleyExact,
        @JsonProperty("shapley_players") List<String> shapleyPlayers,
        @JsonProperty("shapley_spread") MeanStd shapleySpread,
        @JsonProperty("mb_sent") @JsonInclude(JsonInclude.Include.NON_NULL) MeanStd mbSent,
        @JsonProperty("mb_saved") @JsonInclude(JsonInclude.Include.NON_NULL) MeanStd mbSaved) {

    /**
     * Summarizes the per-seed runs of one configuration.
     *
     * @param runs      one result per seed, seed order
     * @param plainRuns for a progressive ColA row, the plain runs of the same seeds (for {@code mb_saved}); else null
     * @param skipped   the pruning patterns the experiment skipped ({@link CopraExperiment#prunedSkipped()})
     * @param players   the Shapley players' names ({@link CopraExperiment#playerNames()})
     */
    public static CopraRow of(String method, boolean progressive, List<CopraExperiment.RunResult> runs,
                              List<CopraExperiment.RunResult> plainRuns, List<PrunePattern> skipped,
                              List<String> players) {
        if (runs.isEmpty()) throw new IllegalArgumentException("copra row: no runs");
        CopraExperiment.RunResult first = runs.get(0);
        Map<AuxiliaryMerge.Kind, MeanStd> merged = new EnumMap<>(AuxiliaryMerge.Kind.class);
        for (AuxiliaryMerge.Kind k : first.merged().keySet()) merged.put(k, over(runs, r -> r.merged().get(k)));
        Map<PrunePattern, MeanStd> pruned = new LinkedHashMap<>();
        for (PrunePattern p : first.pruned().keySet()) pruned.put(p, over(runs, r -> r.pruned().get(p)));
        int n = first.shapley().length, s = runs.size();
        if (players.size() != n) {
            throw new IllegalArgumentException("copra row: " + players.size() + " player names for " + n
                    + " Shapley values");
        }
        double[] mean = new double[n], sd = s > 1 ? new double[n] : null, se = new double[n];
        for (int i = 0; i < n; i++) {
            final int ii = i;
            MeanStd m = over(runs, r -> r.shapley()[ii]);
            mean[i] = m.mean();
            if (sd != null) sd[i] = m.std();
            double var = 0;
            for (CopraExperiment.RunResult r : runs) var += r.shapleySe()[i] * r.shapleySe()[i];
            se[i] = Math.sqrt(var) / s;
        }
        boolean exact = runs.stream().allMatch(CopraExperiment.RunResult::shapleyExact);
        boolean cola = method.equals("cola");
        MeanStd mbSent = cola ? over(runs, r -> r.bytesSent() / 1e6) : null;
        MeanStd mbSaved = null;
        if (cola && progressive && plainRuns != null) {
            if (plainRuns.size() != s) {
                throw new IllegalArgumentException("copra row: " + plainRuns.size() + " plain runs for " + s
                        + " progressive runs");
            }
            double[] saved = new double[s];
            for (int i = 0; i < s; i++) saved[i] = (plainRuns.get(i).bytesSent() - runs.get(i).bytesSent()) / 1e6;
            mbSaved = MeanStd.of(saved);
        }
        return new CopraRow(method, progressive, over(runs, CopraExperiment.RunResult::base),
                over(runs, CopraExperiment.RunResult::single), merged, pruned, List.copyOf(skipped), mean, sd, se,
                exact, List.copyOf(players), over(runs, r -> Shapley.spread(r.shapley())), mbSent, mbSaved);
    }

    /** Player i's Shapley value as mean ± std over seeds (std null for one seed). */
    public MeanStd shapleyOf(int i) {
        return new MeanStd(shapley[i], shapleyStd == null ? null : shapleyStd[i]);
    }

    private static MeanStd over(List<CopraExperiment.RunResult> runs, ToDoubleFunction<CopraExperiment.RunResult> f) {
        return MeanStd.of(runs.stream().mapToDouble(f).toArray());
    }
}
