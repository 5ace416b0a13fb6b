package cola4j.gl.app.demo;

import cola4j.gl.app.ftaas.FtaasModels;
import cola4j.gl.app.ftaas.MethodResult;
import cola4j.gl.app.ftaas.ResultTable;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The text of the demo's report.md: the tables of {@link DemoTables}, the verdicts of {@link DemoSummary}, and
 * what they mean.
 */
final class DemoMarkdown {
    private DemoMarkdown() {}

    static String report(DemoRun run, List<Path> files) {
        DemoPlan p = run.plan();
        StringBuilder sb = new StringBuilder("# cola4j demo: fine-tuning as a service with ColA\n\n");
        sb.append(String.format(Locale.ROOT,
                "Base: MLP 64 → %s → 10 (float32), pretrained %d AdamW steps on unshifted digits (%.1f s); "
                        + "untimed warm-up of every method, %d steps each, results discarded (%.1f s). "
                        + "%d users, each fine-tuning to its own shift of the digits; %d server steps, "
                        + "%d examples per user per step, "
                        + "LoRA rank %d, users' AdamW lr %s, full fine-tuning lr %s. "
                        + "Metric: accuracy on the user's shifted test split (359 images).%n%n",
                Arrays.toString(FtaasModels.MLP_HIDDEN), p.pretrainSteps(), run.pretrainSeconds(),
                Math.min(p.steps(), DemoRun.WARMUP_STEPS), run.warmupSeconds(), p.users(), p.steps(),
                p.rowsPerUser(), p.rank(), p.lr(), p.fullLr()));
        sb.append("## Users\n\n").append(DemoTables.users(run).markdown()).append('\n');
        sb.append("""
                **chance** is the accuracy of the best constant answer (the commonest test label's rate, \
                `Metrics.chance`). On quarter-turned or diagonally mirrored digits the base, trained on upright ones, \
                answers almost only one class; `mixed` also relabels y → (y + s) mod 10, so each user's task differs \
                from every other. `invert` (x → 1 − x) is not given to a demo user: undoing it exactly at the \
                first layer needs ΔW₀ = −2W₀ (and Δb₀ = W₀·1), a full-rank change, and rank-8 adapters do \
                not learn it in this budget (numbers in the README).

                """);
        sb.append(DemoSummary.baseNearChance(run)).append("\n\n");
        sb.append("## Accuracy and per-user verdict\n\nAccuracy: ").append(run.plan().tailDescription())
                .append(" (the learning curves show every evaluation).\n\n")
                .append(DemoTables.accuracy(run).markdown()).append('\n');
        sb.append(DemoSummary.perUserHeader(run)).append(":\n\n");
        for (String l : DemoSummary.perUser(run)) sb.append("- ").append(l.strip()).append('\n');
        sb.append("\n## Memory\n\n").append(DemoTables.memory(run).markdown()).append('\n');
        sb.append("## Traffic and time\n\n").append(DemoTables.traffic(run).markdown()).append('\n');
        sb.append("""
                Columns: **server peak** the peak bytes the server held at one moment; **params / grads / opt state / \
                activations / buffers** the peak per category on the server (base and, for LoRA, every adapter; ColA \
                unmerged also keeps a frozen replica of every user's auxiliaries; activations = bytes of the forward \
                graph's intermediate values; buffers = outgoing adaptation data and, merged, the uploaded ΔW); **user \
                device** the largest user device (auxiliary parameters, gradients, optimizer state, buffered \
                adaptation data); **down/step** bytes sent to the users per server step (measured payload + \
                safetensors header), **(analytic)** the payload Σ rows × (in + out) × element bytes; **up/step** \
                bytes uploaded per step (parameters after each fit, or ΔW every step when merged); **fwd+bwd s**, \
                **transfer s**, **user fit s**: time in the server's passes, in encoding/decoding messages, in the \
                users' Gradient Learning; **total s** the whole session including evaluation. Times were taken on a \
                shared machine.

                """);
        sb.append("## Merged per user vs merged-average\n\n").append(DemoSummary.merges(run)).append(".\n\n");
        sb.append("""
                Per-user merge (`cola-lowrank-merged`) runs one user's rows at a time with that user's ΔW merged, so \
                each user's dL/dh, and hence its Gradient Learning target, comes from the base plus its own adapter: \
                exactly LoRA's gradient (tested in float64). Merged-average (the reference implementation's \
                collaboration mode) merges (1/K) Σ_u ΔW_u once for the whole mixed batch: every user's rows pass \
                through the same averaged adapter, in which the user's own ΔW has weight 1/K and the other users' \
                deltas, fitted for other tasks, the rest. The users' tasks map the same kind of input to different \
                labels (`mixed` relabels the images of a quarter turn), so each ΔW_u is fitted to the gradients of a \
                compromise model rather than to its own task; evaluated as the user's own adapter (base + ΔW_u, like \
                every other ColA row) it stays near chance; the averaged model that this mode serves (base + the mean \
                ΔW, the same for every user) is evaluated on each user's task too (line above, and \
                `averaged_model_metrics` in results.json). The per-user verdict does not apply to merged-average: it \
                serves no user its own adapter. Its server also holds all K uploaded ΔW until the step's merge and \
                the activations of the whole mixed batch, where per-user merge holds one user's ΔW and sub-batch at a \
                time; uploads per step are the same (every user sends its ΔW every step).

                """);
        SeedComparison s = run.seedComparison();
        sb.append(String.format(Locale.ROOT, "## ColA low-rank vs LoRA over %d seed(s)%n%n", s.n()));
        sb.append("| seed | ColA low-rank merged (mean acc) | LoRA (mean acc) | difference |\n|---|---:|---:|---:|\n");
        run.seedRuns().forEach((seed, v) ->
                sb.append(String.format(Locale.ROOT, "| %d | %.4f | %.4f | %+.4f |%n", seed, v[0], v[1], v[0] - v[1])));
        sb.append('\n').append(DemoSummary.seeds(run)).append(".\n\n");
        sb.append("""
                Rule: ColA reaches LoRA's metric within noise when the mean over seeds of (ColA − LoRA) is at most \
                two of LoRA's own seed-to-seed standard deviations; the paired t-interval is printed beside it. Each \
                seed changes the users' initializations and data streams; the base is the same. In float64 ColA and \
                LoRA end with the same adapters to 1e-10 (`SessionEquivalenceTest`); in float32 their trajectories \
                drift apart by rounding, and can differ from one CPU to another.

                """);
        MethodResult f32 = run.result("cola-lowrank-unmerged"), bf = run.result("cola-lowrank-unmerged-bf16");
        sb.append(String.format(Locale.ROOT, "## Adaptation data in bfloat16%n%nDown payload per step %s (float32) vs "
                + "%s (bf16); mean accuracy %.4f vs %.4f (%+.4f).%n%n",
                ResultTable.bytes(Math.round(f32.downPayloadPerStep())),
                ResultTable.bytes(Math.round(bf.downPayloadPerStep())), run.meanMetric(f32), run.meanMetric(bf),
                run.meanMetric(bf) - run.meanMetric(f32)));
        sb.append("## Learning curves\n\n");
        for (Path f : files) {
            if (f.toString().endsWith(".png")) {
                sb.append("![").append(f.getFileName()).append("](").append(f.getFileName()).append(")\n");
            }
        }
        return sb.toString();
    }
}
