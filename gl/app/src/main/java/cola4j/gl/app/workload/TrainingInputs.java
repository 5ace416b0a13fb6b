package cola4j.gl.app.workload;

import cola4j.models.data.Task;
import cola4j.tensor.Rng;
import java.util.HashSet;
import java.util.Set;

/**
 * The set of inputs ({@link ExampleKey}s) a base model saw while pretraining, so that held-out evaluation can skip
 * them ({@link HeldOut}). The pretraining stream is deterministic by seed ({@link Pretrainer}: step s draws
 * {@code workload.sample(pretraining mixture, batchSize, dataRng)} with {@code dataRng = Pretrainer.dataRng(seed)}, and
 * nothing else draws from dataRng), so the set of a cached checkpoint is rebuilt exactly by {@link #replay}: the same
 * draws, without any forward pass or weight update.
 */
public final class TrainingInputs {
    private final Set<ExampleKey> keys = new HashSet<>();
    private long examples;

    /** Adds every row of a training batch. */
    public void add(Workload w, Batch b) {
        keys.addAll(w.inputKeys(b));
        examples += b.rows();
    }

    /** True when {@code key}'s input occurred in training. */
    public boolean contains(ExampleKey key) {
        return keys.contains(key);
    }

    /** Number of distinct inputs seen. */
    public int distinct() {
        return keys.size();
    }

    /** Number of training examples seen (steps × batch size), repeats included. */
    public long examples() {
        return examples;
    }

    /** An unmodifiable view of the distinct inputs. */
    public Set<ExampleKey> keys() {
        return java.util.Collections.unmodifiableSet(keys);
    }

    /**
     * The inputs of {@link Pretrainer#train}'s stream for {@code cfg} and {@code seed}: {@code cfg.steps()} batches of
     * {@code cfg.batchSize()} from {@code w.pretraining()} drawn with {@link Pretrainer#dataRng(long)}. The model is
     * not touched (sampling needs no weights).
     */
    public static TrainingInputs replay(Workload w, PretrainConfig cfg, long seed) {
        TrainingInputs t = new TrainingInputs();
        Rng dataRng = Pretrainer.dataRng(seed);
        Task<?> mix = w.pretraining();
        for (int s = 0; s < cfg.steps(); s++) t.add(w, w.sample(mix, cfg.batchSize(), dataRng));
        return t;
    }
}
