package cola4j.gl.app.ftaas;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The rows {@code cola ftaas} and {@code cola demo} print (and report.md repeats as markdown), one per method:
 * metric per user, server bytes (peak total and by category), largest user device, bytes per step each way with
 * the analytic payload beside the measured one, and the time split.
 */
public final class ResultTable {
    private ResultTable() {}

    /** Column headers; {@code users} metric columns first. */
    public static List<String> headers(List<String> users) {
        List<String> h = new ArrayList<>(List.of("method"));
        h.addAll(users);
        h.addAll(List.of("mean", "server", "params/grads/opt/act/buf", "user dev", "down/step (analytic)",
                "up/step (analytic)", "fwd+bwd s", "transfer s", "user fit s", "total s"));
        return h;
    }

    /** One row; {@code base} has no bytes (pass null for a pseudo-row of metrics only). */
    public static List<String> row(String method, Map<String, Double> metrics, List<String> users, MethodResult r) {
        List<String> c = new ArrayList<>(List.of(method));
        for (String u : users) {
            c.add(metrics.containsKey(u) ? String.format(Locale.ROOT, "%.3f", metrics.get(u)) : "stopped");
        }
        c.add(String.format(Locale.ROOT, "%.3f",
                metrics.values().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN)));
        if (r == null) {
            for (int i = 0; i < 9; i++) c.add("-");
            return c;
        }
        Map<String, Long> b = r.serverBytesByCategory();
        c.add(bytes(r.serverBytes()));
        c.add(bytes(b.get("parameters")) + "/" + bytes(b.get("gradients")) + "/" + bytes(b.get("optimizer_state")) + "/"
                + bytes(b.get("activations")) + "/" + bytes(b.get("buffers")));
        c.add(bytes(r.userBytesMax()));
        c.add(r.downBytesPerStep() == 0 ? "-" : bytes(Math.round(r.downBytesPerStep())) + " ("
                + bytes(Math.round(r.downBytesAnalytic())) + ")");
        c.add(r.upBytesPerStep() == 0 ? "-" : bytes(Math.round(r.upBytesPerStep())) + " ("
                + bytes(Math.round(r.upBytesAnalytic())) + ")");
        c.add(String.format(Locale.ROOT, "%.2f", r.serverSeconds()));
        c.add(String.format(Locale.ROOT, "%.2f", r.transferSeconds()));
        c.add(String.format(Locale.ROOT, "%.2f", r.userSeconds()));
        c.add(String.format(Locale.ROOT, "%.2f", r.totalSeconds()));
        return c;
    }

    /** Bytes in B, KiB or MiB with one decimal. */
    public static String bytes(long b) {
        if (b < 1024) return b + " B";
        if (b < 1024 * 1024) return String.format(Locale.ROOT, "%.1f KiB", b / 1024.0);
        return String.format(Locale.ROOT, "%.2f MiB", b / (1024.0 * 1024));
    }

    /** A markdown table of the same rows. */
    public static String markdown(List<String> headers, List<List<String>> rows) {
        StringBuilder sb = new StringBuilder("| " + String.join(" | ", headers) + " |\n|");
        sb.append("---|".repeat(headers.size())).append('\n');
        for (List<String> r : rows) sb.append("| ").append(String.join(" | ", r)).append(" |\n");
        return sb.toString();
    }
}
