package cola4j.gl.app.train;

import cola4j.gl.app.io.JsonFiles;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-step metrics of a run, written to {@code <out>/metrics.csv} and {@code <out>/metrics.json} (each rewritten
 * whole and atomically by {@link #flush}; metrics.json also holds the training wall time {@code seconds}). CSV
 * header: {@code step,loss,lr,eval_loss,<metric>}; the last two are empty on steps without evaluation. {@code loss}
 * is the training batch loss before that step's update; {@code lr} is the learning rate of the most recent optimizer
 * update (with interval I, updates happen every I steps).
 */
public final class MetricsLog {
    /**
     * One step.
     *
     * @param step     1-based batch index
     * @param loss     training batch loss (before the update)
     * @param lr       learning rate of the latest update
     * @param evalLoss held-out loss, or null when not evaluated
     * @param metric   held-out task metric, or null when not evaluated
     */
    @JsonPropertyOrder({"step", "loss", "lr", "eval_loss", "metric"})
    public record Row(@JsonProperty("step") int step, @JsonProperty("loss") double loss, @JsonProperty("lr") double lr,
                      @JsonProperty("eval_loss") Double evalLoss, @JsonProperty("metric") Double metric) {}

    public static final String CSV = "metrics.csv", JSON = "metrics.json";

    private final Path dir;
    private final String metricName;
    private final List<Row> rows = new ArrayList<>();
    private double seconds = Double.NaN;

    /**
     * @param dir        output directory (null: keep rows in memory only)
     * @param metricName the task metric id (CSV column name)
     * @param resumed    rows of the checkpoint being resumed (kept as the log's beginning)
     */
    public MetricsLog(Path dir, String metricName, List<Row> resumed) {
        this.dir = dir;
        this.metricName = metricName;
        rows.addAll(resumed);
    }

    public void add(Row r) {
        rows.add(r);
    }

    /** All rows so far (a copy). */
    public List<Row> rows() {
        return List.copyOf(rows);
    }

    /** Sets the training wall time written to metrics.json (not part of the checkpoint: it differs run to run). */
    public void setSeconds(double seconds) {
        this.seconds = seconds;
    }

    /**
     * The training wall time metrics.json of {@code dir} records (the earlier sessions of a resumed run); 0 when the
     * file or the field is missing or unreadable (the time is informational, never part of the numbers).
     */
    public static double seconds(Path dir) {
        try {
            var node = JsonFiles.MAPPER.readTree(dir.resolve(JSON).toFile());
            double s = node != null && node.has("seconds") ? node.get("seconds").asDouble(0) : 0;
            return Double.isFinite(s) && s >= 0 ? s : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** Rewrites metrics.csv and metrics.json atomically. */
    public void flush() throws IOException {
        if (dir == null) return;
        StringBuilder sb = new StringBuilder("step,loss,lr,eval_loss," + metricName + "\n");
        for (Row r : rows) {
            sb.append(r.step()).append(',').append(r.loss()).append(',').append(r.lr()).append(',')
                    .append(r.evalLoss() == null ? "" : r.evalLoss()).append(',')
                    .append(r.metric() == null ? "" : r.metric()).append('\n');
        }
        sb.setLength(sb.length() - 1); // writeAtomic appends the final newline
        JsonFiles.writeAtomic(dir.resolve(CSV), sb.toString().getBytes(StandardCharsets.UTF_8));
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("metric", metricName);
        doc.put("rows", rows);
        if (Double.isFinite(seconds)) doc.put("seconds", seconds);
        JsonFiles.writeAtomic(dir.resolve(JSON), doc);
    }
}
