package cola4j.gl.app.workload;

import cola4j.autograd.Var;
import cola4j.models.ForwardContext;
import cola4j.models.MlpClassifier;
import cola4j.models.data.DigitsFamily;
import cola4j.models.data.DigitsTask;
import cola4j.models.data.Task;
import cola4j.models.data.VectorBatch;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code mlp}: an {@link MlpClassifier} on the {@link DigitsFamily}: x [B, 64] (converted to the model dtype) →
 * logits [B, 10]. Training batches sample the train split; {@link #evaluate} and {@link #evalLoss} use the task's
 * <b>test</b> split (a random subset of {@code examples} rows when fewer than all are asked for).
 */
public final class MlpWorkload extends AbstractWorkload<VectorBatch, MlpClassifier> {
    public MlpWorkload(MlpClassifier model, DigitsFamily tasks) {
        super("mlp", model, tasks, VectorBatch.class);
    }

    @Override
    Batch wrap(VectorBatch data) {
        return new Batch.Vectors(data);
    }

    @Override
    VectorBatch unwrap(Batch b) {
        if (b instanceof Batch.Vectors v) return v.data();
        throw wrongBatch(b, Batch.Vectors.class);
    }

    /** x [B][D] as a tensor [B, D] of the model's dtype. */
    Tensor input(VectorBatch d) {
        double[] flat = new double[d.size() * d.dim()];
        for (int i = 0; i < d.size(); i++) System.arraycopy(d.x()[i], 0, flat, i * d.dim(), d.dim());
        return Tensor.of(flat, d.size(), d.dim()).to(model.dtype());
    }

    @Override
    Var modelLoss(VectorBatch d, ForwardContext ctx) {
        return model.loss(input(d), d.y(), ctx);
    }

    @Override
    Scored score(VectorBatch d, ForwardContext ctx) {
        return new Scored(model.forward(input(d), ctx), d.y(), 1); // logits [B, K]
    }

    @Override
    VectorBatch concat(List<VectorBatch> parts) {
        List<double[]> x = new ArrayList<>();
        for (VectorBatch p : parts) x.addAll(Arrays.asList(p.x()));
        return new VectorBatch(x.toArray(double[][]::new), Padding.concat(parts.stream().map(VectorBatch::y).toList()));
    }

    @Override
    int[][] gold(VectorBatch d) {
        int[][] g = new int[d.size()][];
        for (int i = 0; i < g.length; i++) g[i] = new int[] {d.y()[i]}; // [B][1]
        return g;
    }

    @Override
    ExampleKey key(VectorBatch d, int row) {
        return ExampleKey.ofFeatures(d.x()[row]); // the 64 pixel values
    }

    @Override
    VectorBatch rows(VectorBatch d, int[] rows) {
        return new VectorBatch(Padding.pick(d.x(), rows), Padding.pick(d.y(), rows));
    }

    @Override
    int scoredCount(VectorBatch d) {
        return d.size();
    }

    /**
     * The test split once: all rows in file order when {@code examples} covers it, else a permutation drawn
     * with {@code rng}.
     */
    @Override
    public EvalSource evalSource(Task<?> task, int examples, Rng rng) {
        if (!(task instanceof DigitsTask dt)) {
            throw new IllegalArgumentException("mlp workload: task '" + task.name() + "' is not a digits task");
        }
        if (examples < 1) throw new IllegalArgumentException("mlp workload: examples " + examples + " < 1");
        VectorBatch test = dt.testSet();
        int[] order = examples >= test.size() ? null : rng.permutation(test.size());
        int[] next = {0};
        return maxRows -> {
            if (maxRows < 1) throw new IllegalArgumentException("mlp workload: maxRows " + maxRows + " < 1");
            if (next[0] >= test.size()) return null;
            int from = next[0], to = Math.min(test.size(), from + maxRows);
            int[] rows = new int[to - from];
            for (int i = from; i < to; i++) rows[i - from] = order == null ? i : order[i];
            next[0] = to;
            return wrap(rows(test, rows));
        };
    }

    /** The first min(examples, test size) rows of {@link #evalSource}, in chunks of at most {@link #EVAL_CHUNK}. */
    @Override
    List<VectorBatch> evalData(Task<?> task, int examples, Rng rng) {
        EvalSource source = evalSource(task, examples, rng);
        int n = Math.min(examples, ((DigitsTask) task).testSet().size());
        List<VectorBatch> out = new ArrayList<>();
        for (int done = 0; done < n; done += EVAL_CHUNK) out.add(unwrap(source.next(Math.min(EVAL_CHUNK, n - done))));
        return out;
    }
}
