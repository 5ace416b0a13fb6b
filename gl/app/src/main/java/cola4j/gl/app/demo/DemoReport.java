package cola4j.gl.app.demo;

import cola4j.gl.app.ftaas.MethodResult;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes what {@code cola demo} produced: report.md ({@link DemoMarkdown}), results.json, learning-curve PNGs (one per
 * user and the mean).
 */
public final class DemoReport {
    private DemoReport() {}

    /**
     * Legend notes of the curves that coincide by theorem: ColA low-rank unmerged computes LoRA's adapters (P3:
     * ColA ≡ LoRA trajectories) and merged computes unmerged's (P4: merged ≡ unmerged); equal in float64, float32
     * rounding apart in this float32 run.
     */
    static final Map<String, String> LEGEND_NOTES = Map.of("cola-lowrank-merged", "= lora by theorem, P3+P4",
            "cola-lowrank-unmerged", "= lora by theorem, P3");

    /** Users' column names. */
    public static List<String> users(DemoRun run) {
        return new ArrayList<>(run.base().keySet());
    }

    /** The files written into {@code dir}: curves-user-k.png, curves-mean.png, results.json, report.md. */
    public static List<Path> write(DemoRun run, Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        for (String u : users(run)) {
            Map<String, List<double[]>> series = new LinkedHashMap<>();
            for (MethodResult r : run.results()) {
                if (r.curves().containsKey(u)) series.put(r.method(), r.curves().get(u));
            }
            Path f = dir.resolve("curves-" + u + ".png");
            LearningCurves.write(f, u + ": " + run.tasks().get(u) + " " + run.shifts().get(u), "accuracy", series,
                    run.base().get(u), LEGEND_NOTES);
            files.add(f);
        }
        Map<String, List<double[]>> mean = new LinkedHashMap<>();
        for (MethodResult r : run.results()) mean.put(r.method(), meanCurve(r));
        Path m = dir.resolve("curves-mean.png");
        LearningCurves.write(m, "mean over users", "accuracy", mean, run.baseMean(), LEGEND_NOTES);
        files.add(m);
        Path json = dir.resolve("results.json");
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("users", run.base().size());
        j.put("tasks", run.tasks());
        j.put("shifts", run.shifts());
        j.put("base_metrics", run.base());
        j.put("chance", run.chance());
        j.put("plan", run.plan());
        j.put("pretrain_seconds", run.pretrainSeconds());
        j.put("warmup_seconds", run.warmupSeconds());
        Map<String, Object> verdicts = new LinkedHashMap<>();
        for (MethodResult r : run.results()) {
            verdicts.put(r.method(), DemoVerdict.appliesTo(r.method()) ? run.failingUsers(r) : "n/a");
        }
        j.put("failing_users", verdicts);
        j.put("base_not_near_chance", run.baseNotNearChance());
        j.put("seed_margins", run.margins());
        j.put("seed_comparison", run.seedComparison());
        Map<String, Object> table = new LinkedHashMap<>();
        for (MethodResult r : run.results()) table.put(r.method(), run.metrics(r));
        j.put("table_metrics_rule", run.plan().tailDescription());
        j.put("table_metrics", table);
        j.put("methods", run.results());
        cola4j.gl.app.io.JsonFiles.writeAtomic(json, j);
        files.add(json);
        Path md = dir.resolve("report.md");
        cola4j.tensor.io.AtomicFiles.write(md, DemoMarkdown.report(run, files).getBytes(StandardCharsets.UTF_8));
        files.add(md);
        return files;
    }

    private static List<double[]> meanCurve(MethodResult r) {
        Map<Double, double[]> acc = new LinkedHashMap<>();
        for (List<double[]> pts : r.curves().values()) {
            for (double[] p : pts) {
                double[] a = acc.computeIfAbsent(p[0], k -> new double[2]);
                a[0] += p[1];
                a[1]++;
            }
        }
        List<double[]> out = new ArrayList<>();
        acc.forEach((s, a) -> out.add(new double[] {s, a[0] / a[1]}));
        return out;
    }
}
