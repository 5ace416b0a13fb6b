package cola4j.gl.app.workload;

import cola4j.autograd.GradMode;
import cola4j.autograd.Var;
import cola4j.models.ForwardContext;
import cola4j.models.Model;
import cola4j.models.data.Metric;
import cola4j.models.data.Metrics;
import cola4j.models.data.Task;
import cola4j.models.data.TaskFamily;
import cola4j.tensor.Rng;
import java.util.ArrayList;
import java.util.List;

/**
 * What the four workloads share: sampling with a type check, the grouped loss, metric evaluation and evaluation loss
 * over chunks of at most {@link #EVAL_CHUNK} rows. A family supplies its data record type {@code D}, the model's own
 * mean loss, and the flattened logits/targets of a batch ({@link Scored}).
 *
 * @param <D> the family's batch record
 * @param <M> the family's model
 */
abstract class AbstractWorkload<D, M extends Model> implements Workload {
    /** Rows per forward pass in {@link #evaluate} and {@link #evalLoss} (bounds activation memory). */
    static final int EVAL_CHUNK = 256;

    /**
     * A batch's predictions in flat form.
     *
     * @param logits          [N, K], N = rows · positionsPerRow; row r owns positions r·P .. r·P + P − 1
     * @param targets         [N] class ids, −100 where not scored
     * @param positionsPerRow P: 1 for classifiers, the (padded) target length T for sequence models
     */
    record Scored(Var logits, int[] targets, int positionsPerRow) {}

    protected final M model;
    private final String family;
    private final TaskFamily<D> tasks;
    private final Class<D> dataType;

    AbstractWorkload(String family, M model, TaskFamily<D> tasks, Class<D> dataType) {
        this.family = family;
        this.model = model;
        this.tasks = tasks;
        this.dataType = dataType;
    }

    /** Wraps a data record as the family's {@link Batch} variant. */
    abstract Batch wrap(D data);

    /** The data record of a batch; IllegalArgumentException if it is another family's variant. */
    abstract D unwrap(Batch b);

    /** The model's own mean loss ({@code model.loss(...)}). */
    abstract Var modelLoss(D data, ForwardContext ctx);

    /** Flattened logits and targets of a batch. */
    abstract Scored score(D data, ForwardContext ctx);

    /** Rows of all parts in order, padded to a common length. */
    abstract D concat(List<D> parts);

    /**
     * The gold targets of a batch, one row per example: [B][1] labels, or [B][T] tokens with −100 where not scored.
     */
    abstract int[][] gold(D data);

    /** Number of scored positions of a batch (the weight of its mean loss). */
    abstract int scoredCount(D data);

    /** The identity of row {@code row}'s input ({@link ExampleKey}). */
    abstract ExampleKey key(D data, int row);

    /** The rows {@code rows} of a batch, in that order. */
    abstract D rows(D data, int[] rows);

    /** Held-out evaluation data, in chunks of at most {@link #EVAL_CHUNK} rows; default: fresh draws of the task. */
    List<D> evalData(Task<?> task, int examples, Rng rng) {
        if (examples < 1) throw new IllegalArgumentException(family + " workload: examples " + examples + " < 1");
        List<D> out = new ArrayList<>();
        for (int done = 0; done < examples; done += EVAL_CHUNK) {
            out.add(unwrap(sample(task, Math.min(EVAL_CHUNK, examples - done), rng)));
        }
        return out;
    }

    /**
     * Default: endless fresh draws {@code sample(task, maxRows, rng)} (the stream {@link #evalData} takes
     * its rows from).
     */
    @Override
    public EvalSource evalSource(Task<?> task, int examples, Rng rng) {
        if (examples < 1) throw new IllegalArgumentException(family + " workload: examples " + examples + " < 1");
        return maxRows -> sample(task, maxRows, rng);
    }

    @Override
    public List<ExampleKey> inputKeys(Batch b) {
        D d = unwrap(b);
        List<ExampleKey> keys = new ArrayList<>(b.rows());
        for (int r = 0; r < b.rows(); r++) keys.add(key(d, r));
        return keys;
    }

    @Override
    public Batch selectRows(Batch b, int[] rows) {
        for (int r : rows) {
            if (r < 0 || r >= b.rows()) {
                throw new IllegalArgumentException(family + " workload: row " + r + " outside [0, " + b.rows() + ")");
            }
        }
        return wrap(rows(unwrap(b), rows));
    }

    @Override
    public double evaluate(Metric metric, List<Batch> data) {
        return evaluateOn(metric, data.stream().map(this::unwrap).toList(), ForwardContext.eval());
    }

    @Override
    public double evalLoss(List<Batch> data) {
        return evalLossOn(data.stream().map(this::unwrap).toList(), ForwardContext.eval());
    }

    @Override
    public M model() {
        return model;
    }

    @Override
    public String family() {
        return family;
    }

    @Override
    public TaskFamily<D> tasks() {
        return tasks;
    }

    @Override
    public Batch sample(Task<?> task, int size, Rng rng) {
        Object data = task.batch(size, rng);
        if (!dataType.isInstance(data)) {
            throw new IllegalArgumentException(family + " workload: task '" + task.name() + "' yields "
                    + data.getClass().getSimpleName() + ", not " + dataType.getSimpleName());
        }
        return wrap(dataType.cast(data));
    }

    @Override
    public Var loss(Batch b, ForwardContext ctx) {
        return modelLoss(unwrap(b), ctx);
    }

    @Override
    public Var loss(Batch b, ForwardContext ctx, int[] rowGroup) {
        if (rowGroup.length != b.rows()) {
            throw new IllegalArgumentException(family + " workload: " + rowGroup.length + " row groups for "
                    + b.rows() + " rows");
        }
        Scored s = score(unwrap(b), ctx);
        return GroupedLoss.crossEntropy(s.logits(), s.targets(), s.positionsPerRow(), rowGroup);
    }

    @Override
    public Batch concatRows(List<Batch> parts) {
        if (parts.isEmpty()) throw new IllegalArgumentException(family + " workload: concatRows of no batches");
        return wrap(concat(parts.stream().map(this::unwrap).toList()));
    }

    @Override
    public double evaluate(Task<?> task, int examples, Rng rng, ForwardContext ctx) {
        if (ctx.training()) {
            throw new IllegalArgumentException(family + " workload: evaluate needs an eval-mode context (no dropout)");
        }
        return evaluateOn(task.metric(), evalData(task, examples, rng), ctx);
    }

    /**
     * The metric of the rows of {@code data} under {@code ctx} (eval mode): argmax predictions against
     * the gold targets.
     */
    private double evaluateOn(Metric metric, List<D> data, ForwardContext ctx) {
        if (ctx.training()) {
            throw new IllegalArgumentException(family + " workload: evaluate needs an eval-mode context (no dropout)");
        }
        if (data.isEmpty()) throw new IllegalArgumentException(family + " workload: nothing to evaluate");
        List<int[]> pred = new ArrayList<>(), gold = new ArrayList<>();
        try (var s = GradMode.noGrad()) {
            for (D d : data) {
                Scored sc = score(d, ctx);
                int[] p = Metrics.argmaxRows(sc.logits().value()); // [N]
                int width = sc.positionsPerRow();
                for (int r = 0; r < p.length / width; r++) {
                    pred.add(java.util.Arrays.copyOfRange(p, r * width, (r + 1) * width));
                    gold.add(java.util.Arrays.copyOfRange(sc.targets(), r * width, (r + 1) * width));
                }
            }
        }
        int[][] pr = padRagged(pred, 0), go = padRagged(gold, cola4j.models.data.SymbolVocab.IGNORE_INDEX);
        return switch (metric) {
            case ACCURACY -> Metrics.accuracy(column0(pr), column0(go));
            case EXACT_MATCH -> Metrics.exactMatch(pr, go);
            case TOKEN_ACCURACY -> Metrics.tokenAccuracy(pr, go);
        };
    }

    @Override
    public double chance(Task<?> task, int examples, Rng rng) {
        List<int[]> gold = new ArrayList<>();
        for (D d : evalData(task, examples, rng)) gold.addAll(java.util.Arrays.asList(gold(d)));
        return Metrics.chance(task.metric(), gold.toArray(int[][]::new));
    }

    @Override
    public double evalLoss(Task<?> task, int examples, Rng rng, ForwardContext ctx) {
        if (ctx.training()) {
            throw new IllegalArgumentException(family + " workload: evalLoss needs an eval-mode context (no dropout)");
        }
        return evalLossOn(evalData(task, examples, rng), ctx);
    }

    /** Mean loss over the scored positions of all rows of {@code data} (each chunk weighted by its scored count). */
    private double evalLossOn(List<D> data, ForwardContext ctx) {
        if (data.isEmpty()) throw new IllegalArgumentException(family + " workload: no evaluation data");
        Metrics.Mean mean = new Metrics.Mean();
        try (var s = GradMode.noGrad()) {
            for (D d : data) mean.add(modelLoss(d, ctx).value().item(), scoredCount(d));
        }
        return mean.mean();
    }

    /** The error for a batch of another family. */
    IllegalArgumentException wrongBatch(Batch b, Class<? extends Batch> expected) {
        return new IllegalArgumentException(family + " workload: expected a Batch." + expected.getSimpleName()
                + ", got Batch." + b.getClass().getSimpleName());
    }

    private static int[] column0(int[][] rows) {
        int[] c = new int[rows.length];
        for (int i = 0; i < rows.length; i++) c[i] = rows[i][0];
        return c;
    }

    /** Rows of possibly different lengths (chunks of different T) right-padded with {@code fill}. */
    private static int[][] padRagged(List<int[]> rows, int fill) {
        int w = rows.stream().mapToInt(r -> r.length).max().orElse(0);
        int[][] out = new int[rows.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = java.util.Arrays.copyOf(rows.get(i), w);
            java.util.Arrays.fill(out[i], rows.get(i).length, w, fill);
        }
        return out;
    }
}
