package cola4j.gl.app.experiments;

import cola4j.gl.app.demo.LearningCurves;
import cola4j.gl.app.io.Table;
import cola4j.tensor.io.AtomicFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Files of a {@link ColaStudy} in a directory, every one written atomically ({@code KIND} is {@code fit-epochs} or
 * {@code staleness}):
 *
 * <pre>
 *   KIND-steps.csv        variant,user,step,loss_lora,loss_cola,loss_diff,param_rel_err
 *   KIND-summary.csv      variant,user,final_metric,lora_metric,base_metric,final_param_rel_err
 *   KIND-distance.png     mean over users of param_rel_err against the step, one line per variant (log axis)
 *   KIND-loss-diff.png    mean over users of |loss_diff| against the step (log axis)
 *   KIND-metric.png       mean final metric against the variant's value, with LoRA's
 * </pre>
 */
public final class StudyOutput {
    private StudyOutput() {}

    /** Writes the five files and prints the summary table (one row per variant, means over users). */
    public static void write(Path dir, String kind, String valueName, ColaStudy.Result r, PrintStream out)
            throws IOException {
        java.nio.file.Files.createDirectories(dir);
        StringBuilder steps = new StringBuilder("variant,user,step,loss_lora,loss_cola,loss_diff,param_rel_err\n");
        Map<String, Map<Integer, double[]>> dist = new LinkedHashMap<>(), loss = new LinkedHashMap<>();
        for (ColaStudy.StepRow s : r.steps()) {
            steps.append(String.format(Locale.ROOT, "%s,%d,%d,%.17g,%.17g,%.17g,%.17g%n", s.variant(), s.user(),
                    s.step(), s.lossLora(), s.lossCola(), s.lossCola() - s.lossLora(), s.paramRelErr()));
            accumulate(dist, s.variant(), s.step(), s.paramRelErr());
            accumulate(loss, s.variant(), s.step(), Math.abs(s.lossCola() - s.lossLora()));
        }
        AtomicFiles.write(dir.resolve(kind + "-steps.csv"), steps.toString().getBytes(StandardCharsets.UTF_8));
        StringBuilder sum =
                new StringBuilder("variant,user,final_metric,lora_metric,base_metric,final_param_rel_err\n");
        Map<String, double[]> byVariant = new LinkedHashMap<>();               // metric, lora, base, err, users
        for (ColaStudy.FinalRow f : r.finals()) {
            sum.append(String.format(Locale.ROOT, "%s,%d,%.6f,%.6f,%.6f,%.6e%n", f.variant(), f.user(), f.metric(),
                    f.loraMetric(), f.baseMetric(), f.paramRelErr()));
            double[] a = byVariant.computeIfAbsent(f.variant(), k -> new double[5]);
            a[0] += f.metric();
            a[1] += f.loraMetric();
            a[2] += f.baseMetric();
            a[3] += f.paramRelErr();
            a[4]++;
        }
        AtomicFiles.write(dir.resolve(kind + "-summary.csv"), sum.toString().getBytes(StandardCharsets.UTF_8));
        LearningCurves.writeXY(dir.resolve(kind + "-distance.png"), "ColA vs LoRA: parameter distance (" + kind + ")",
                "server step", "||w_cola - w_lora|| / ||w_lora|| (mean over users)", means(dist), true, false);
        LearningCurves.writeXY(dir.resolve(kind + "-loss-diff.png"), "ColA vs LoRA: batch loss difference (" + kind
                + ")", "server step", "|L_cola - L_lora| (mean over users)", means(loss), true, false);
        Map<String, List<double[]>> metric = new LinkedHashMap<>();
        Table t = new Table(valueName, "ColA metric", "LoRA metric", "base metric", "final param rel err",
                "max |loss diff|");
        for (Map.Entry<String, double[]> e : byVariant.entrySet()) {
            double[] a = e.getValue();
            double value = Double.parseDouble(e.getKey().substring(e.getKey().indexOf('=') + 1));
            metric.computeIfAbsent("ColA", k -> new ArrayList<>()).add(new double[] {value, a[0] / a[4]});
            metric.computeIfAbsent("LoRA", k -> new ArrayList<>()).add(new double[] {value, a[1] / a[4]});
            double maxLoss = loss.get(e.getKey()).values().stream().mapToDouble(v -> v[0] / v[1]).max().orElse(0);
            t.row(e.getKey(), String.format("%.4f", a[0] / a[4]), String.format("%.4f", a[1] / a[4]),
                    String.format("%.4f", a[2] / a[4]), String.format("%.3e", a[3] / a[4]),
                    String.format("%.3e", maxLoss));
        }
        LearningCurves.writeXY(dir.resolve(kind + "-metric.png"), "Final held-out accuracy (mean over users)",
                valueName, "accuracy", metric, false, true);
        t.print(out);
    }

    private static void accumulate(Map<String, Map<Integer, double[]>> m, String variant, int step, double v) {
        double[] a = m.computeIfAbsent(variant, k -> new LinkedHashMap<>()).computeIfAbsent(step, k -> new double[2]);
        a[0] += v;
        a[1]++;
    }

    private static Map<String, List<double[]>> means(Map<String, Map<Integer, double[]>> m) {
        Map<String, List<double[]>> out = new LinkedHashMap<>();
        m.forEach((variant, steps) -> {
            List<double[]> pts = new ArrayList<>();
            steps.forEach((s, a) -> pts.add(new double[] {s, a[0] / a[1]}));
            out.put(variant, pts);
        });
        return out;
    }
}
