package cola4j.gl.ftaas;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes what {@code cola demo} produced: the table rows, report.md, learning-curve PNGs (one per user and the mean). */
public final class DemoReport {
    private DemoReport() {}

    /** Users' column names. */
    public static List<String> users(DemoRun run) {
        return new ArrayList<>(run.base().keySet());
    }

    /** Table rows: the base first, then every method. */
    public static List<List<String>> rows(DemoRun run) {
        List<String> users = users(run);
        List<List<String>> rows = new ArrayList<>();
        rows.add(ResultTable.row("base (untouched)", run.base(), users, null));
        for (MethodResult r : run.results()) rows.add(ResultTable.row(r.method(), r.metrics(), users, r));
        return rows;
    }

    /** The files written into {@code dir}: report.md, results.json, curves-user-k.png, curves-mean.png. */
    public static List<Path> write(DemoRun run, Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        for (String u : users(run)) {
            Map<String, List<double[]>> series = new LinkedHashMap<>();
            for (MethodResult r : run.results()) if (r.curves().containsKey(u)) series.put(r.method(), r.curves().get(u));
            Path f = dir.resolve("curves-" + u + ".png");
            LearningCurves.write(f, u + ": " + run.tasks().get(u), "accuracy", series, run.base().get(u));
            files.add(f);
        }
        Map<String, List<double[]>> mean = new LinkedHashMap<>();
        for (MethodResult r : run.results()) mean.put(r.method(), meanCurve(r));
        Path m = dir.resolve("curves-mean.png");
        LearningCurves.write(m, "mean over users", "accuracy", mean, run.baseMean());
        files.add(m);
        Path json = dir.resolve("results.json");
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("users", run.base().size());
        j.put("tasks", run.tasks());
        j.put("base_metrics", run.base());
        j.put("plan", run.plan());
        j.put("pretrain_seconds", run.pretrainSeconds());
        j.put("seed_margins", run.margins());
        j.put("methods", run.results());
        cola4j.gl.cli.JsonFiles.writeAtomic(json, j);
        files.add(json);
        Path md = dir.resolve("report.md");
        AtomicFiles.write(md, markdown(run, files).getBytes(StandardCharsets.UTF_8));
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

    static String markdown(DemoRun run, List<Path> files) {
        DemoPlan p = run.plan();
        StringBuilder sb = new StringBuilder("# cola4j demo: fine-tuning as a service with ColA\n\n");
        sb.append(String.format(Locale.ROOT, "Base: MLP 64 → %s → 10 (float32), pretrained %d AdamW steps on unshifted digits (%.1f s). "
                        + "%d users, each fine-tuning to its own shift of the digits; %d server steps, %d examples per user per step, "
                        + "LoRA rank %d, users' AdamW lr %s, full fine-tuning lr %s. Metric: accuracy on the user's shifted test split (359 images).%n%n",
                Arrays.toString(FtaasModels.MLP_HIDDEN), p.pretrainSteps(), run.pretrainSeconds(), p.users(), p.steps(), p.rowsPerUser(), p.rank(), p.lr(), p.fullLr()));
        sb.append("Tasks: ").append(run.tasks()).append("\n\n");
        sb.append(ResultTable.markdown(ResultTable.headers(users(run)), rows(run))).append('\n');
        sb.append("""
                Columns: **user-k** the user's final accuracy, **mean** their average; **server** the peak bytes the server held at one \
                moment, **params/grads/opt/act/buf** the peak per category on the server (base and, for LoRA, every adapter; ColA \
                unmerged also keeps a frozen replica of every user's auxiliaries; activations = bytes of the forward graph's \
                intermediate values; buffers = outgoing adaptation data and, merged, the uploaded ΔW); **user dev** the largest user \
                device (auxiliary parameters, gradients, optimizer state, buffered adaptation data); **down/step** bytes sent to the \
                users per server step (measured payload + safetensors header, with the analytic payload Σ rows × (in + out) × 4 in \
                parentheses); **up/step** bytes uploaded per step (parameters after each fit, or ΔW every step when merged); \
                **fwd+bwd s**, **transfer s**, **user fit s**: time in the server's passes, in encoding/decoding messages, in the users' \
                Gradient Learning; **total s** the whole session including evaluation.

                """);
        double[] m = run.margins();
        double lo = run.seedRuns().values().stream().mapToDouble(v -> v[1]).min().orElse(Double.NaN);
        double hi = run.seedRuns().values().stream().mapToDouble(v -> v[1]).max().orElse(Double.NaN);
        sb.append(String.format(Locale.ROOT, "## ColA low-rank vs LoRA over %d seed(s)%n%n", m.length));
        sb.append("| seed | ColA low-rank merged (mean acc) | LoRA (mean acc) | difference |\n|---|---|---|---|\n");
        run.seedRuns().forEach((s, v) -> sb.append(String.format(Locale.ROOT, "| %d | %.4f | %.4f | %+.4f |%n", s, v[0], v[1], v[0] - v[1])));
        sb.append(String.format(Locale.ROOT, "%nMean difference %+.4f, largest |difference| %.4f; LoRA's own seed-to-seed range %.4f .. %.4f.%n%n",
                Arrays.stream(m).average().orElse(Double.NaN), Arrays.stream(m).map(Math::abs).max().orElse(Double.NaN), lo, hi));
        MethodResult f32 = run.result("cola-lowrank-unmerged"), bf = run.result("cola-lowrank-unmerged-bf16");
        sb.append(String.format(Locale.ROOT, "## Adaptation data in bfloat16%n%nDown payload per step %s (float32) vs %s (bf16); mean accuracy %.4f vs %.4f (%+.4f).%n%n",
                ResultTable.bytes(Math.round(f32.downPayloadPerStep())), ResultTable.bytes(Math.round(bf.downPayloadPerStep())), f32.meanMetric(), bf.meanMetric(),
                bf.meanMetric() - f32.meanMetric()));
        sb.append("## Learning curves\n\n");
        for (Path f : files) if (f.toString().endsWith(".png")) sb.append("![").append(f.getFileName()).append("](").append(f.getFileName()).append(")\n");
        return sb.toString();
    }
}
