package cola4j.gl.app.workload;

import cola4j.autograd.Var;
import cola4j.gl.app.data.FileTask;
import cola4j.gl.app.data.TextDataset.TaskType;
import cola4j.models.ForwardContext;
import cola4j.models.data.Task;
import cola4j.models.data.TaskFamily;
import cola4j.models.hf.HfInputs;
import cola4j.models.hf.HfModel;
import cola4j.tensor.Rng;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * {@code hf:DIR}: a Hugging Face model ({@link HfModel}) trained on a data file ({@link FileTask}). Loss: the model's
 * own (transformers' mean cross-entropy over labels ≠ −100). Scored positions, as transformers scores them:
 * <pre>
 *   SEQUENCE_CLASSIFICATION  logits [B, K] against labels [B][0]
 *   CAUSAL_LM                logits[b, t] against labels[b][t + 1]   (t = 0..T−2; the model shifts)
 *   SEQ2SEQ_LM               decoder logits[b, t] against labels[b][t]
 * </pre>
 * Evaluation uses the file's held-out split (its first rows in file order), never draws from the training rows.
 * The family has one downstream task (the file) and no pretraining mixture: the base comes pretrained.
 */
public final class HfWorkload extends AbstractWorkload<HfInputs, HfModel> {
    private final FileTask task;
    private final int padId;

    public HfWorkload(HfModel model, FileTask task) {
        super("hf", model, new Family(task), HfInputs.class);
        this.task = task;
        this.padId = task.padId();
        boolean fits = switch (model.task()) {
            case SEQUENCE_CLASSIFICATION -> task.type() == TaskType.CLS;
            case CAUSAL_LM -> task.type() == TaskType.LM;
            case SEQ2SEQ_LM -> task.type() == TaskType.SEQ2SEQ;
        };
        if (!fits) {
            throw new IllegalArgumentException("task type " + task.type().cliName() + " does not fit a "
                    + model.config().modelType() + " model (" + model.task() + ")");
        }
    }

    /** The one-task family of a data file. */
    record Family(FileTask task) implements TaskFamily<HfInputs> {
        @Override
        public List<String> pretrainingNames() {
            return List.of();
        }

        @Override
        public Task<HfInputs> pretraining() {
            throw new IllegalStateException("an hf: model is trained on its data file only (no pretraining mixture)");
        }

        @Override
        public Task<HfInputs> pretraining(String name) {
            throw TaskFamily.unknown("pretraining", name, List.of());
        }

        @Override
        public List<String> downstreamNames() {
            return List.of(task.name());
        }

        @Override
        public Task<HfInputs> downstream(String name, int user) {
            TaskFamily.requireUser(user);
            if (!name.equals(task.name())) throw TaskFamily.unknown("data", name, downstreamNames());
            return task;
        }
    }

    /** The data file's task. */
    public FileTask task() {
        return task;
    }

    @Override
    Batch wrap(HfInputs data) {
        return new Batch.Hf(data);
    }

    @Override
    HfInputs unwrap(Batch b) {
        if (b instanceof Batch.Hf h) return h.data();
        throw wrongBatch(b, Batch.Hf.class);
    }

    @Override
    Var modelLoss(HfInputs d, ForwardContext ctx) {
        return model.loss(d, ctx);
    }

    @Override
    Scored score(HfInputs d, ForwardContext ctx) {
        Var z = model.logits(d, ctx);
        int[] s = z.shape();
        if (s.length == 2) return new Scored(z, Padding.concat(List.of(gold(d))), 1);
        return new Scored(z.reshape(s[0] * s[1], s[2]), Padding.concat(List.of(gold(d))), s[1]);
    }

    @Override
    HfInputs concat(List<HfInputs> parts) {
        List<int[][]> ids = parts.stream().map(HfInputs::inputIds).toList();
        int w = Padding.maxWidth(ids);
        List<int[][]> labels = parts.stream().map(HfInputs::labels).toList();
        int lw = model.task() == HfModel.Task.SEQUENCE_CLASSIFICATION ? 1 : Padding.maxWidth(labels);
        return new HfInputs(Padding.concat(ids, w, padId),
                Padding.concat(parts.stream().map(HfInputs::attentionMask).toList(), w, 0), null, null,
                Padding.concat(labels, lw, -100));
    }

    /** [B][P]: the label each scored position is compared with (−100: not scored); see the class comment. */
    @Override
    int[][] gold(HfInputs d) {
        if (model.task() != HfModel.Task.CAUSAL_LM) return d.labels();
        int[][] l = d.labels(), g = new int[l.length][];
        for (int b = 0; b < l.length; b++) {
            g[b] = new int[l[b].length];
            for (int t = 0; t < l[b].length; t++) g[b][t] = t + 1 < l[b].length ? l[b][t + 1] : -100;
        }
        return g;
    }

    @Override
    int scoredCount(HfInputs d) {
        return cola4j.models.data.Metrics.scoredCount(gold(d));
    }

    @Override
    ExampleKey key(HfInputs d, int row) {
        return ExampleKey.ofTokens(d.inputIds()[row], Padding.realLength(d.attentionMask()[row]));
    }

    @Override
    HfInputs rows(HfInputs d, int[] rows) {
        return new HfInputs(Padding.pick(d.inputIds(), rows), Padding.pick(d.attentionMask(), rows), null, null,
                Padding.pick(d.labels(), rows));
    }

    /** The held-out split's first min(examples, size) rows (file order), whatever {@code rng}. */
    @Override
    List<HfInputs> evalData(Task<?> t, int examples, Rng rng) {
        if (examples < 1) throw new IllegalArgumentException("hf workload: examples " + examples + " < 1");
        if (t != task) throw new IllegalArgumentException("hf workload: unknown task " + t.name());
        return new ArrayList<>(task.eval(examples, EVAL_CHUNK));
    }

    @Override
    public EvalSource evalSource(Task<?> t, int examples, Rng rng) {
        evalData(t, examples, rng); // the same checks
        HfInputs all = task.eval(examples, Integer.MAX_VALUE).get(0);
        int n = all.inputIds().length;
        int[] next = {0};
        return maxRows -> {
            if (next[0] >= n) return null;
            int k = Math.min(maxRows, n - next[0]);
            int[] idx = IntStream.range(next[0], next[0] + k).toArray();
            next[0] += k;
            return wrap(rows(all, idx));
        };
    }
}
