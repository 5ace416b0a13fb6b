package cola4j.models.data;

import java.util.List;

/**
 * A family of tasks sharing one input format (and so one base model): a pretraining mixture and the downstream tasks
 * the base has not seen, each with deterministic per-user variants.
 *
 * <p>Implementations: {@link ClassificationFamily}, {@link LmFamily}, {@link Seq2SeqFamily}, {@link DigitsFamily}.
 *
 * @param <B> the batch record of the family
 */
public interface TaskFamily<B> {
    /** Names of the pretraining tasks, in mixture order. */
    List<String> pretrainingNames();

    /**
     * The pretraining mixture: each example is drawn from a uniformly chosen pretraining task. Named
     * {@code "pretrain"}.
     */
    Task<B> pretraining();

    /** One pretraining task alone (for per-task evaluation); IllegalArgumentException listing the names if unknown. */
    Task<B> pretraining(String name);

    /** Names of the downstream tasks (never seen in pretraining). */
    List<String> downstreamNames();

    /**
     * User {@code user}'s variant of downstream task {@code name}; the same (name, user) always gives the same task.
     * IllegalArgumentException listing the available names if {@code name} is unknown, or if {@code user < 0}.
     */
    Task<B> downstream(String name, int user);

    /** The IllegalArgumentException for an unknown task name, listing the available ones. */
    static IllegalArgumentException unknown(String what, String name, List<String> available) {
        return new IllegalArgumentException("unknown " + what + " task '" + name + "'; available: " + available);
    }

    /** Checks a user id is non-negative. */
    static int requireUser(int user) {
        if (user < 0) throw new IllegalArgumentException("user id must be >= 0, got " + user);
        return user;
    }
}
