package cola4j.gl.app.experiments;

import cola4j.gl.app.io.JsonFiles;
import cola4j.gl.app.train.TrainConfig;
import cola4j.gl.app.workload.Pretrainer;
import cola4j.gl.app.workload.Workload;
import cola4j.tensor.Rng;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code cola compare} on one base: every method × task × training seed 0..S-1, each run on a fresh copy of the same
 * frozen base ({@link FrozenBase}) with the config the train program builds for it, then one {@link CompareTable}.
 * Same options and seeds, same table (apart from its timing fields).
 */
public final class Comparison {
    private Comparison() {}

    /** The train program's config of a method on a task with a training seed. */
    public interface Configs {
        TrainConfig config(CompareMethod m, String task, int seed);
    }

    /**
     * The JSON document of one base.
     *
     * @param run   when and where (varies from run to run)
     * @param table the numbers (do not, apart from the rows' timing)
     */
    public record Document(@JsonProperty("run") CompareMarkdown.RunInfo run,
                           @JsonProperty("table") CompareTable table) {}

    /**
     * Runs every method of {@code methods} on every task for seeds 0..seeds-1 and tabulates them.
     *
     * @param notApplicable methods refused by the train program or the model, with the reason (kept in the table)
     * @param log           one line per run
     */
    public static CompareTable run(FrozenBase base, String family, String preset, List<CompareMethod> methods,
            Map<String, String> notApplicable, List<String> tasks, int seeds, Configs configs, PrintStream log)
            throws IOException {
        if (methods.isEmpty() || tasks.isEmpty() || seeds < 1) {
            throw new IllegalArgumentException("compare: at least one method, one task and one seed are needed");
        }
        TrainConfig first = configs.config(methods.get(0), tasks.get(0), 0);
        Workload probe = base.fresh();
        TreeMap<String, Double> baseMetric = new TreeMap<>();
        String metric = null;
        for (String t : tasks) {
            var task = probe.downstream(t, 0);
            metric = task.metric().id();
            baseMetric.put(t, probe.evaluate(task, first.evalExamples(), new Rng(Pretrainer.EVAL_SEED)));
        }
        List<CompareTable.Row> rows = new ArrayList<>();
        int evaluations = (first.steps() + first.evalEvery() - 1) / first.evalEvery();
        for (CompareMethod m : methods) {
            List<CompareRun> runs = new ArrayList<>();
            for (String t : tasks) {
                for (int s = 0; s < seeds; s++) {
                    TrainConfig c = configs.config(m, t, s);
                    requireSameSchedule(first, c, m.name());
                    long t0 = System.nanoTime();
                    CompareRun r = CompareRun.train(m.name(), base.fresh(), c);
                    runs.add(r);
                    log.printf("compare: %s %s %s seed %d: %s %.4f (tail mean), eval loss %.4f, %.1f s%n", family,
                            m.name(), t, s, r.metricName(), r.tailMetric(), r.finalEvalLoss(),
                            (System.nanoTime() - t0) / 1e9);
                }
            }
            rows.add(CompareTable.row(m, runs, tasks, seeds));
        }
        int k = CompareRun.tailCount(evaluations);
        String rule = "mean of the last " + k + " of " + evaluations + " evaluations";
        CompareTable.Setup setup = new CompareTable.Setup(family, preset, first.dtype().cliName, first.baseSeed(),
                base.identity().weightsSha256(), metric, tasks, seeds, first.steps(), first.batch(), first.evalEvery(),
                first.evalExamples(), rule);
        return new CompareTable(setup, baseMetric, rows, new TreeMap<>(notApplicable));
    }

    /** Every run of a table shares steps, batch and evaluation schedule (they come from the same options). */
    private static void requireSameSchedule(TrainConfig a, TrainConfig b, String method) {
        if (a.steps() != b.steps() || a.batch() != b.batch() || a.evalEvery() != b.evalEvery()
                || a.evalExamples() != b.evalExamples() || a.dtype() != b.dtype() || a.baseSeed() != b.baseSeed()) {
            throw new IllegalStateException("compare: " + method + " got another schedule than the first method");
        }
    }

    /** {@code value} as JSON with every object's keys sorted (maps and records alike), pretty-printed. */
    public static byte[] sortedJson(Object value) throws IOException {
        JsonNode tree = JsonFiles.MAPPER.valueToTree(value);
        return JsonFiles.MAPPER.writeValueAsBytes(sorted(tree));
    }

    private static JsonNode sorted(JsonNode n) {
        if (n.isObject()) {
            TreeMap<String, JsonNode> fields = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                fields.put(e.getKey(), sorted(e.getValue()));
            }
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            o.setAll(new LinkedHashMap<>(fields));
            return o;
        }
        if (n.isArray()) {
            ArrayNode a = JsonNodeFactory.instance.arrayNode();
            for (JsonNode c : n) a.add(sorted(c));
            return a;
        }
        return n;
    }
}
