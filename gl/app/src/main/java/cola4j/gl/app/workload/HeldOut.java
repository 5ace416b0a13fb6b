package cola4j.gl.app.workload;

import cola4j.models.data.Task;
import cola4j.tensor.Rng;
import java.util.ArrayList;
import java.util.List;

/**
 * Held-out evaluation sets: evaluation candidates whose input never occurred in training.
 *
 * <p>Draw rule: take the candidates of {@link Workload#evalSource} in order (for sequence families fresh i.i.d. draws
 * from {@code rng}; for digits the test split) and keep each one whose {@link ExampleKey} is not in the
 * {@link TrainingInputs}, until {@code examples} are kept, the source is used up, or {@link #MAX_DRAWS_PER_EXAMPLE}
 * · {@code examples} candidates have been drawn. Kept examples may repeat one another (draws are i.i.d.), exactly as
 * in an unfiltered evaluation; with no overlap the kept rows are exactly the rows {@code evaluate(task, examples, rng)}
 * scores. Zero kept examples is an error (nothing could be evaluated).
 *
 * <p>Note: for a task whose input space the training stream nearly covers (e.g. short bodies over a few letters), the
 * kept examples are the rarer inputs (typically the longest bodies): the held-out distribution is then not the training
 * distribution, and its metric answers "how well does the base do on inputs it never saw".
 */
public final class HeldOut {
    /** The cap on candidates drawn per requested example. */
    public static final int MAX_DRAWS_PER_EXAMPLE = 50;

    private HeldOut() {}

    /**
     * How a held-out set was drawn.
     *
     * @param requested    examples asked for
     * @param used         examples kept and evaluated (= requested unless the cap or the source ran out)
     * @param excludedSeen candidates skipped because their input occurred in training
     * @param drawn        candidates examined: used + excludedSeen
     * @param exhausted    true when fewer than {@code requested} were kept (cap reached or source used up)
     */
    public record Stats(int requested, int used, int excludedSeen, long drawn, boolean exhausted) {}

    /**
     * A held-out set.
     *
     * @param batches the kept rows, in draw order, in chunks of at most {@link AbstractWorkload#EVAL_CHUNK}
     * @param stats   how it was drawn
     */
    public record Examples(List<Batch> batches, Stats stats) {}

    /**
     * Draws up to {@code examples} held-out examples of {@code task} (see the class comment).
     *
     * @throws IllegalStateException if no candidate is held out (every one drawn occurred in training)
     */
    public static Examples draw(Workload w, Task<?> task, int examples, Rng rng, TrainingInputs seen) {
        Examples e = drawOrNone(w, task, examples, rng, seen);
        if (e.stats().used() == 0) {
            throw new IllegalStateException("held-out evaluation of " + w.family() + " task '" + task.name() + "': all "
                    + e.stats().drawn() + " candidates drawn occurred in training (input space exhausted); nothing to "
                    + "evaluate");
        }
        return e;
    }

    /**
     * As {@link #draw}, but a task whose every candidate occurred in training gives an empty set ({@code batches}
     * empty, {@code stats.used()} = 0, {@code exhausted}) instead of an error, for reports that say so (e.g. the tiny
     * encoder's {@code majority}: 236 possible inputs, all of them in its pretraining stream).
     */
    public static Examples drawOrNone(Workload w, Task<?> task, int examples, Rng rng, TrainingInputs seen) {
        if (examples < 1) throw new IllegalArgumentException("HeldOut.draw: examples " + examples + " < 1");
        Workload.EvalSource source = w.evalSource(task, examples, rng);
        long cap = (long) MAX_DRAWS_PER_EXAMPLE * examples, drawn = 0;
        int used = 0, excluded = 0;
        List<Batch> kept = new ArrayList<>();
        while (used < examples && drawn < cap) {
            int want = (int) Math.min(Math.min(examples - used, AbstractWorkload.EVAL_CHUNK), cap - drawn);
            Batch b = source.next(want);
            if (b == null) break;
            drawn += b.rows();
            List<ExampleKey> keys = w.inputKeys(b);
            int[] keep = new int[keys.size()];
            int k = 0;
            for (int r = 0; r < keys.size(); r++) if (!seen.contains(keys.get(r))) keep[k++] = r;
            excluded += keys.size() - k;
            used += k;
            if (k == keys.size()) kept.add(b);
            else if (k > 0) kept.add(w.selectRows(b, java.util.Arrays.copyOf(keep, k)));
        }
        Stats stats = new Stats(examples, used, excluded, drawn, used < examples);
        return new Examples(used == 0 ? List.of() : rechunk(w, kept), stats);
    }

    /**
     * The rows of {@code parts} regrouped in order into chunks of {@link AbstractWorkload#EVAL_CHUNK} (the last
     * may be shorter).
     */
    private static List<Batch> rechunk(Workload w, List<Batch> parts) {
        Batch all = parts.size() == 1 ? parts.get(0) : w.concatRows(parts);
        List<Batch> out = new ArrayList<>();
        for (int from = 0; from < all.rows(); from += AbstractWorkload.EVAL_CHUNK) {
            int to = Math.min(all.rows(), from + AbstractWorkload.EVAL_CHUNK);
            int[] rows = new int[to - from];
            for (int i = 0; i < rows.length; i++) rows[i] = from + i;
            out.add(from == 0 && to == all.rows() ? all : w.selectRows(all, rows));
        }
        return out;
    }
}
