package cola4j.models.data;

import cola4j.tensor.Rng;

/**
 * A source of training/evaluation batches: a named task (or a mixture of tasks) and the metric it is scored by.
 *
 * <p>Contract: {@code batch} draws every random number from {@code rng} and nothing else, so the same rng state
 * gives the same batch. Evaluation sets are simply {@code batch(n, new Rng(evalSeed))}.
 *
 * @param <B> the batch record ({@link ClassificationBatch}, {@link LmBatch}, {@link Seq2SeqBatch}, {@link VectorBatch})
 */
public interface Task<B> {
    /**
     * The task name ({@code "first_last"}, {@code "shift"}, {@code "pretrain"} for a family's
     * pretraining mixture, ...).
     */
    String name();

    /** A human-readable description including the user variant, e.g. {@code "shift (user 3: k=4)"}. */
    default String description() {
        return name();
    }

    /** A batch of {@code size} i.i.d. examples drawn with {@code rng}. */
    B batch(int size, Rng rng);

    /** The headline metric of this task. */
    Metric metric();
}
