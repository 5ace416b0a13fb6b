package cola4j.gl.app.data;

import cola4j.gl.app.data.TextBatches.Encoded;
import cola4j.gl.app.data.TextDataset.TaskType;
import cola4j.models.data.Metric;
import cola4j.models.data.Task;
import cola4j.models.hf.HfInputs;
import cola4j.tensor.Rng;
import java.util.ArrayList;
import java.util.List;

/**
 * A data file's training split as a {@link Task}: {@code batch(size, rng)} draws {@code size} rows uniformly with
 * replacement ({@code rng.nextInt(n)} per row) and pads them ({@link TextBatches#batch}). The held-out split is
 * {@link #eval(int)}: its first rows in file order, never drawn for training. Metric: accuracy (cls), token accuracy
 * of the teacher-forced argmax over the label positions (lm, seq2seq).
 *
 * @param name  the task's name (the data file's name)
 * @param type  the task type
 * @param train tokenized training rows
 * @param held  tokenized held-out rows
 * @param padId the input padding id
 */
public record FileTask(String name, TaskType type, List<Encoded> train, List<Encoded> held, int padId)
        implements Task<HfInputs> {
    public FileTask {
        train = List.copyOf(train);
        held = List.copyOf(held);
        if (train.isEmpty() || held.isEmpty()) {
            throw new IllegalArgumentException("data task " + name + ": empty train or eval split");
        }
    }

    @Override
    public HfInputs batch(int size, Rng rng) {
        if (size < 1) throw new IllegalArgumentException("data task " + name + ": batch size " + size + " < 1");
        List<Encoded> rows = new ArrayList<>(size);
        for (int i = 0; i < size; i++) rows.add(train.get(rng.nextInt(train.size())));
        return TextBatches.batch(type, rows, padId);
    }

    /** The first min(examples, eval size) held-out rows, file order, in batches of at most {@code chunk} rows. */
    public List<HfInputs> eval(int examples, int chunk) {
        int n = Math.min(examples, held.size());
        List<HfInputs> out = new ArrayList<>();
        for (int s = 0; s < n; s += chunk) out.add(TextBatches.batch(type, held.subList(s, Math.min(n, s + chunk)),
                padId));
        return out;
    }

    @Override
    public Metric metric() {
        return type == TaskType.CLS ? Metric.ACCURACY : Metric.TOKEN_ACCURACY;
    }

    @Override
    public String description() {
        return name + " (" + type.cliName() + ", " + train.size() + " train / " + held.size() + " eval rows)";
    }
}
