package cola4j.gl.app.demo;

import cola4j.gl.app.ftaas.MethodResult;
import cola4j.gl.app.ftaas.ResultTable;

import cola4j.gl.app.io.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The tables {@code cola demo} prints and report.md repeats, split so that each fits a terminal:
 * <ol>
 *   <li>{@link #users}: each user's task, its shift, the untouched base's accuracy and the chance level;</li>
 *   <li>{@link #accuracy}: final accuracy per user and method, their mean, and the per-user verdict
 *       ({@link DemoVerdict});</li>
 *   <li>{@link #memory}: peak bytes on the server (total at one moment, then per category) and on the largest
 *       user device;</li>
 *   <li>{@link #traffic}: bytes per server step each way (measured, with the analytic payload beside it) and the
 *       time split.</li>
 * </ol>
 */
public final class DemoTables {
    private DemoTables() {}

    /** user | task | shift | base | chance | base near chance. */
    public static Table users(DemoRun run) {
        Table t = new Table("user", "task", "shift", "base", "chance",
                        String.format(Locale.ROOT, "|base - chance| <= %.2f", run.plan().chanceTolerance()))
                .alignLeft(0, 1, 2, 5);
        for (String u : run.base().keySet()) {
            double b = run.base().get(u), c = run.chance().get(u);
            t.row(u, run.tasks().get(u), run.shifts().get(u), f3(b), f3(c),
                    DemoVerdict.nearChance(b, c, run.plan().chanceTolerance()) ? "yes" : "NO");
        }
        return t;
    }

    /** method | user-k … | mean | verdict; the chance and base rows first. */
    public static Table accuracy(DemoRun run) {
        List<String> users = new ArrayList<>(run.base().keySet());
        List<String> h = new ArrayList<>(List.of("method"));
        h.addAll(users);
        h.add("mean");
        h.add(String.format(Locale.ROOT, "beats base and chance by >= %.2f", run.plan().margin()));
        Table t = new Table(h.toArray(String[]::new)).alignLeft(0, h.size() - 1);
        t.row(metricRow("chance (commonest label)", run.chance(), users, "-"));
        t.row(metricRow("base (untouched)", run.base(), users, "-"));
        for (MethodResult r : run.results()) t.row(metricRow(r.method(), run.metrics(r), users, verdict(run, r)));
        return t;
    }

    /** The verdict cell: "yes, every user", "NO: user-k, …" or "n/a (…)" for merged-average. */
    public static String verdict(DemoRun run, MethodResult r) {
        if (!DemoVerdict.appliesTo(r.method())) return "n/a (one averaged adapter for all)";
        List<String> bad = run.failingUsers(r);
        return bad.isEmpty() ? "yes, all " + run.base().size() + " users" : "NO: " + String.join(", ", bad);
    }

    /** method | server peak | parameters | gradients | optimizer | activations | buffers | user device. */
    public static Table memory(DemoRun run) {
        Table t = new Table("method", "server peak", "params", "grads", "opt state", "activations", "buffers",
                "user device").alignLeft(0);
        for (MethodResult r : run.results()) {
            Map<String, Long> b = r.serverBytesByCategory();
            t.row(r.method(), ResultTable.bytes(r.serverBytes()), ResultTable.bytes(b.get("parameters")),
                    ResultTable.bytes(b.get("gradients")),
                    ResultTable.bytes(b.get("optimizer_state")), ResultTable.bytes(b.get("activations")),
                    ResultTable.bytes(b.get("buffers")),
                    ResultTable.bytes(r.userBytesMax()));
        }
        return t;
    }

    /** method | down/step | analytic | up/step | analytic | fwd+bwd s | transfer s | user fit s | total s. */
    public static Table traffic(DemoRun run) {
        Table t = new Table("method", "down/step", "(analytic)", "up/step", "(analytic)", "fwd+bwd s", "transfer s",
                "user fit s", "total s").alignLeft(0);
        for (MethodResult r : run.results()) {
            t.row(r.method(), perStep(r.downBytesPerStep()),
                    perStep(r.downBytesPerStep() == 0 ? 0 : r.downBytesAnalytic()),
                    perStep(r.upBytesPerStep()), perStep(r.upBytesPerStep() == 0 ? 0 : r.upBytesAnalytic()),
                    f2(r.serverSeconds()), f2(r.transferSeconds()), f2(r.userSeconds()), f2(r.totalSeconds()));
        }
        return t;
    }

    private static String[] metricRow(String name, Map<String, Double> metrics, List<String> users, String verdict) {
        List<String> c = new ArrayList<>(List.of(name));
        for (String u : users) c.add(metrics.containsKey(u) ? f3(metrics.get(u)) : "stopped");
        c.add(f3(metrics.values().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN)));
        c.add(verdict);
        return c.toArray(String[]::new);
    }

    private static String perStep(double bytes) {
        return bytes == 0 ? "-" : ResultTable.bytes(Math.round(bytes));
    }

    static String f3(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private static String f2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
