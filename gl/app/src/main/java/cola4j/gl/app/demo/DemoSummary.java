package cola4j.gl.app.demo;

import cola4j.gl.app.ftaas.MethodResult;
import cola4j.gl.app.ftaas.ResultTable;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The verdict lines {@code cola demo} prints under its tables and report.md repeats (criteria: {@link DemoVerdict},
 * {@link SeedComparison}).
 */
public final class DemoSummary {
    private DemoSummary() {}

    /** Whether the base is near chance on every user, naming those where it is not. */
    public static String baseNearChance(DemoRun run) {
        List<String> bad = run.baseNotNearChance();
        return String.format(Locale.ROOT, "untouched base near chance (|base - chance| <= %.2f) on every user: %s",
                run.plan().chanceTolerance(), bad.isEmpty() ? "PASS" : "FAIL on " + String.join(", ", bad));
    }

    /** One line per method: PASS/FAIL of the per-user criterion, or why it does not apply. */
    public static List<String> perUser(DemoRun run) {
        List<String> out = new ArrayList<>();
        for (MethodResult r : run.results()) {
            String v;
            if (!DemoVerdict.appliesTo(r.method())) {
                v = "n/a: one averaged ΔW is merged for all users, so no user is served its own adapter";
            } else {
                List<String> bad = run.failingUsers(r);
                v = bad.isEmpty() ? "PASS on all " + run.base().size() + " users" : "FAIL on " + String.join(", ", bad);
            }
            out.add(String.format(Locale.ROOT, "  %-28s %s", r.method(), v));
        }
        return out;
    }

    /** The header of {@link #perUser}. */
    public static String perUserHeader(DemoRun run) {
        return String.format(Locale.ROOT,
                "per-user verdict: accuracy >= base + %.2f and >= chance + %.2f on every user", run.plan().margin(),
                run.plan().margin());
    }

    /** ColA low-rank (merged) vs LoRA over the seeds, with the rule and its verdict. */
    public static String seeds(DemoRun run) {
        SeedComparison s = run.seedComparison();
        if (!s.decided()) {
            return String.format(Locale.ROOT, "ColA low-rank (merged) - LoRA, mean accuracy, 1 seed: "
                    + "%+.4f (no verdict: the rule needs >= 2 seeds)", s.meanDiff());
        }
        return String.format(Locale.ROOT,
                "ColA low-rank (merged) - LoRA over %d seeds: mean %+.4f, sd %.4f, "
                        + "paired 95%% t-interval [%+.4f, %+.4f]; LoRA's own seed-to-seed sd %.4f; "
                        + "rule |mean| <= 2 sd(LoRA) = %.4f: %s",
                s.n(), s.meanDiff(), s.sdDiff(), s.tLow(), s.tHigh(), s.loraSd(), 2 * s.loraSd(),
                s.withinNoise() ? "PASS (within noise)" : "FAIL");
    }

    /** Per-user merge vs merged-average: mean accuracy, server peak, uploads per step. */
    public static String merges(DemoRun run) {
        MethodResult m = run.result("cola-lowrank-merged"), a = run.result(DemoRun.MERGED_AVERAGE);
        double served = a.averagedModelMetrics() == null ? Double.NaN
                : a.averagedModelMetrics().values().stream().mapToDouble(Double::doubleValue).average()
                        .orElse(Double.NaN);
        return String.format(Locale.ROOT, "merged per user vs merged-average: mean accuracy %.3f vs %.3f "
                        + "(own adapters; the averaged model merged-average serves: %.3f; "
                        + "base %.3f, chance %.3f); server peak %s vs %s; up/step %s vs %s",
                run.meanMetric(m), run.meanMetric(a), served, run.baseMean(), run.chanceMean(),
                ResultTable.bytes(m.serverBytes()), ResultTable.bytes(a.serverBytes()),
                ResultTable.bytes(Math.round(m.upBytesPerStep())), ResultTable.bytes(Math.round(a.upBytesPerStep())));
    }
}
