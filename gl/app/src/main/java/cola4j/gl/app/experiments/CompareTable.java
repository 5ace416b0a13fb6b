package cola4j.gl.app.experiments;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The comparison table of {@code cola compare} for one base: per method, over S seeds and the tasks,
 * <pre>
 *   a(m, t, s) = mean of the last k = ⌈E/4⌉ of the E held-out evaluations    ({@link CompareRun#tailMetric})
 *   metric(m, t) = mean ± sample sd over s of a(m, t, s)                        ({@link MeanStd})
 *   mean(m)      = mean ± sd over s of (1/T) Σ_t a(m, t, s)
 *   server bytes per step = down + up                                          ({@link CompareRun})
 *   step ms      = median over every step of every run of the trainer's step time
 * </pre>
 * Everything but {@link Row#timing} is a function of the options and seeds (same bytes from run to run).
 *
 * @param setup         what was run
 * @param baseMetric    the untouched base's held-out metric per task (same sample as every evaluation)
 * @param rows          one row per method, in the order run
 * @param notApplicable method → why the train program or the model refused it
 */
public record CompareTable(@JsonProperty("setup") Setup setup,
                           @JsonProperty("base_metric") TreeMap<String, Double> baseMetric,
                           @JsonProperty("rows") List<Row> rows,
                           @JsonProperty("not_applicable") TreeMap<String, String> notApplicable) {
    /** The note on the bytes of methods that train on the server. */
    public static final String SERVER_SIDE_NOTE = "trained on the server by backprop: no adaptation data or"
            + " parameters cross between server and user (the batch itself is not counted for any method)";
    /** The note on ColA's bytes. */
    public static final String COLA_NOTE = "down: adaptation data x and dL/dh of every adapted site, measured;"
            + " up: the auxiliary parameters after each update (unmerged) or ΔW (merged), AnalyticBytes";

    /**
     * The run's settings.
     *
     * @param family        model family
     * @param preset        model size
     * @param dtype         float32 or float64
     * @param baseSeed      seed of the pretrained base
     * @param baseSha256    SHA-256 of the base's weights (every run started from it)
     * @param metric        the task metric id
     * @param tasks         the downstream tasks (user 0's variants)
     * @param seeds         training seeds 0..S-1
     * @param steps         training steps per run
     * @param batch         examples per step
     * @param evalEvery     steps between evaluations
     * @param evalExamples  held-out examples per evaluation
     * @param tailRule      which evaluations the metric averages
     */
    public record Setup(@JsonProperty("family") String family, @JsonProperty("preset") String preset,
                        @JsonProperty("dtype") String dtype, @JsonProperty("base_seed") long baseSeed,
                        @JsonProperty("base_weights_sha256") String baseSha256,
                        @JsonProperty("metric") String metric, @JsonProperty("tasks") List<String> tasks,
                        @JsonProperty("seeds") int seeds, @JsonProperty("steps") int steps,
                        @JsonProperty("batch") int batch, @JsonProperty("eval_every") int evalEvery,
                        @JsonProperty("eval_examples") int evalExamples,
                        @JsonProperty("tail_rule") String tailRule) {}

    /**
     * One method.
     *
     * @param method         the row's name
     * @param trainArgs      the {@code cola train} options that select it
     * @param trainable      trained parameters (ColA: the user's; the server trains none)
     * @param metric         task → mean ± sd over seeds of the tail-mean metric
     * @param perSeed        task → the tail-mean metric of each seed
     * @param mean           mean ± sd over seeds of the task-averaged tail-mean metric
     * @param evalLoss       task → mean ± sd over seeds of the last held-out loss
     * @param downBytes      bytes per step server → user (measured)
     * @param downAnalytic   the same from shapes alone ({@code AnalyticBytes.downPayloadPerStep}; 0 for non-ColA)
     * @param upBytes        bytes per step user → server
     * @param serverBytes    down + up
     * @param bytesNote      how the bytes were obtained, or why they are 0
     * @param timing         wall-clock measurements (vary from run to run)
     */
    public record Row(@JsonProperty("method") String method, @JsonProperty("train_args") List<String> trainArgs,
                      @JsonProperty("trainable_parameters") long trainable,
                      @JsonProperty("metric") TreeMap<String, MeanStd> metric,
                      @JsonProperty("per_seed") TreeMap<String, List<Double>> perSeed,
                      @JsonProperty("mean") MeanStd mean,
                      @JsonProperty("eval_loss") TreeMap<String, MeanStd> evalLoss,
                      @JsonProperty("down_bytes_per_step") double downBytes,
                      @JsonProperty("down_bytes_per_step_analytic") long downAnalytic,
                      @JsonProperty("up_bytes_per_step") double upBytes,
                      @JsonProperty("server_bytes_per_step") double serverBytes,
                      @JsonProperty("bytes_note") String bytesNote,
                      @JsonProperty("timing") Timing timing) {}

    /**
     * Wall-clock numbers of a row.
     *
     * @param stepMsMedian median trainer step time over every step of every run, milliseconds
     * @param steps        how many steps the median is over
     */
    public record Timing(@JsonProperty("step_ms_median") double stepMsMedian, @JsonProperty("steps") int steps) {}

    /** The row of one method from its runs (every task × seed, same method). */
    public static Row row(CompareMethod m, List<CompareRun> runs, List<String> tasks, int seeds) {
        TreeMap<String, MeanStd> metric = new TreeMap<>(), loss = new TreeMap<>();
        TreeMap<String, List<Double>> perSeed = new TreeMap<>();
        double[] seedMean = new double[seeds];
        for (String t : tasks) {
            double[] a = new double[seeds], l = new double[seeds];
            for (int s = 0; s < seeds; s++) {
                CompareRun r = find(runs, t, s);
                a[s] = r.tailMetric();
                l[s] = r.finalEvalLoss();
                seedMean[s] += a[s] / tasks.size();
            }
            metric.put(t, MeanStd.of(a));
            loss.put(t, MeanStd.of(l));
            perSeed.put(t, Arrays.stream(a).boxed().toList());
        }
        CompareRun first = runs.get(0);
        for (CompareRun r : runs) {
            if (r.trainable() != first.trainable()) {
                throw new IllegalStateException("compare: " + m.name() + " trains " + r.trainable() + " parameters on "
                        + r.task() + " but " + first.trainable() + " on " + first.task());
            }
        }
        double down = runs.stream().mapToDouble(CompareRun::downPerStep).max().orElse(0),
                up = runs.stream().mapToDouble(CompareRun::upPerStep).max().orElse(0);
        boolean shipped = down > 0 || up > 0;
        long analytic = runs.stream().mapToLong(CompareRun::downAnalytic).max().orElse(0);
        return new Row(m.name(), m.trainArgs(), first.trainable(), metric, perSeed, MeanStd.of(seedMean), loss, down,
                analytic, up, down + up, shipped ? COLA_NOTE : SERVER_SIDE_NOTE, timing(runs));
    }

    /** The median step time over every step of {@code runs}. */
    static Timing timing(List<CompareRun> runs) {
        List<Long> all = new ArrayList<>();
        for (CompareRun r : runs) for (long n : r.stepNanos()) all.add(n);
        all.sort(null);
        int n = all.size();
        double median = n == 0 ? Double.NaN : n % 2 == 1 ? all.get(n / 2) : (all.get(n / 2 - 1) + all.get(n / 2)) / 2.0;
        return new Timing(Math.round(median / 1e3) / 1e3, n);
    }

    private static CompareRun find(List<CompareRun> runs, String task, long seed) {
        return runs.stream().filter(r -> r.task().equals(task) && r.seed() == seed).findFirst()
                .orElseThrow(() -> new IllegalStateException("compare: no run of task " + task + ", seed " + seed));
    }

    /** The rows keyed by method, in order. */
    public Map<String, Row> byMethod() {
        Map<String, Row> m = new LinkedHashMap<>();
        for (Row r : rows) m.put(r.method(), r);
        return m;
    }
}
