package cola4j.gl.app.workload;

import cola4j.autograd.Var;
import cola4j.models.ForwardContext;
import cola4j.models.Model;
import cola4j.models.data.Metric;
import cola4j.models.data.Task;
import cola4j.models.data.TaskFamily;
import cola4j.models.site.SiteInterceptor;
import cola4j.tensor.Rng;
import java.util.List;

/**
 * A base model bound to its task family, so that training and evaluation code is family-agnostic. One implementation
 * per family: {@code encoder} (EncoderClassifier + ClassificationFamily), {@code decoder} (DecoderLM + LmFamily),
 * {@code seq2seq} (EncoderDecoder + Seq2SeqFamily), {@code mlp} (MlpClassifier + DigitsFamily). Built by
 * {@link Workloads#create}.
 *
 * <p>Losses: for a scored position n (a class label, or a target token ≠ −100) with logits z_n,
 * ℓ_n = −log softmax(z_n)[t_n]. {@link #loss(Batch, ForwardContext)} is the model's own mean over all scored
 * positions; {@link #loss(Batch, ForwardContext, int[])} is Σ_g of the means inside row groups ({@link GroupedLoss}).
 */
public interface Workload {
    /** The base model (its parameters are live: training changes them). */
    Model model();

    /** {@code encoder}, {@code decoder}, {@code seq2seq} or {@code mlp}. */
    String family();

    /** The task family: pretraining mixture and downstream tasks. */
    TaskFamily<?> tasks();

    /** The pretraining mixture {@code tasks().pretraining()}. */
    default Task<?> pretraining() {
        return tasks().pretraining();
    }

    /** Downstream task names {@code tasks().downstreamNames()}. */
    default List<String> downstreamNames() {
        return tasks().downstreamNames();
    }

    /** User {@code user}'s variant of a downstream task. */
    default Task<?> downstream(String name, int user) {
        return tasks().downstream(name, user);
    }

    /** {@code size} examples of {@code task} (a task of this workload's family) drawn with {@code rng}. */
    Batch sample(Task<?> task, int size, Rng rng);

    /** Number of rows B of a batch. */
    default int rows(Batch b) {
        return b.rows();
    }

    /**
     * The chance level of {@code task.metric()} on the same held-out examples {@link #evaluate} scores (same
     * {@code examples} and rng state give the same rows): the score of the best constant prediction
     * ({@link cola4j.models.data.Metrics#chance}), e.g. the most frequent label's rate for accuracy. Needs
     * no forward pass.
     */
    double chance(Task<?> task, int examples, Rng rng);

    /** Mean loss over the scored positions of the batch: exactly the model's own {@code loss(...)}. Scalar. */
    Var loss(Batch b, ForwardContext ctx);

    /**
     * Σ_g (mean loss over the scored positions of the rows in group g); {@code rowGroup[r] ≥ 0} is row r's group.
     * All zeros gives the ordinary mean (to rounding). Scalar.
     */
    Var loss(Batch b, ForwardContext ctx, int[] rowGroup);

    /**
     * The rows of all {@code parts} in order, sequences right-padded to a common length (PAD, mask 0, target −100).
     */
    Batch concatRows(List<Batch> parts);

    /**
     * The task's metric ({@code task.metric()}: accuracy, exact match or token accuracy) on {@code examples} held-out
     * examples drawn with {@code rng}, in eval mode (no dropout) under {@code GradMode.noGrad()}. Classifiers predict
     * the argmax class; sequence models are scored by <b>teacher-forced</b> argmax at every scored position (position t
     * sees the true prefix, not the model's own earlier predictions), which bounds free-running generation from above.
     * The digits family scores its test split (the first {@code examples} rows of a shuffle drawn with {@code rng}).
     */
    default double evaluate(Task<?> task, int examples, Rng rng) {
        return evaluate(task, examples, rng, ForwardContext.eval());
    }

    /**
     * {@link #evaluate(Task, int, Rng)} with a site interceptor in the eval context (e.g. adapters h + g(x), IA3
     * scalings); null = the base model alone.
     */
    default double evaluate(Task<?> task, int examples, Rng rng, SiteInterceptor interceptor) {
        return evaluate(task, examples, rng, ForwardContext.eval().withInterceptor(interceptor));
    }

    /**
     * {@link #evaluate(Task, int, Rng)} with the forward context {@code ctx} (eval mode; its interceptor, if any, is
     * called at every site, e.g. to add a user's adapters h + g(x)). The three-argument form is this with
     * {@code ForwardContext.eval()}.
     *
     * @throws IllegalArgumentException if {@code ctx} is in training mode
     */
    double evaluate(Task<?> task, int examples, Rng rng, ForwardContext ctx);

    /**
     * A stream of candidate evaluation examples: each {@code next(maxRows)} returns the next at most {@code maxRows}
     * examples in draw order ({@code null} once a finite source is used up).
     */
    @FunctionalInterface
    interface EvalSource {
        /** The next 1..maxRows candidates ({@code maxRows ≥ 1}), or null when none are left. */
        Batch next(int maxRows);
    }

    /**
     * The candidates {@link #evaluate(Task, int, Rng)} scores, in the same order: its {@code examples} rows are the
     * first {@code examples} candidates of this source (for the same rng state). Sequence families draw fresh i.i.d.
     * examples forever (the task's own {@code batch}, so chunking does not change the stream); the digits family yields
     * its test split once, in the order {@code evaluate} uses (all rows in file order when {@code examples} covers the
     * split, else a permutation drawn with {@code rng}).
     */
    EvalSource evalSource(Task<?> task, int examples, Rng rng);

    /** One {@link ExampleKey} per row of {@code b}, in row order: the identity of that example's input. */
    List<ExampleKey> inputKeys(Batch b);

    /** A batch of the rows {@code rows} of {@code b}, in that order (padding width kept). */
    Batch selectRows(Batch b, int[] rows);

    /**
     * {@code metric} of the base model (eval mode, no grad, no interceptor) on the rows of {@code data}, scored as in
     * {@link #evaluate(Task, int, Rng, ForwardContext)}. Used for fixed held-out sets ({@link HeldOut}).
     */
    double evaluate(Metric metric, List<Batch> data);

    /** Mean loss over the scored positions of all rows of {@code data}, eval mode, no grad, no interceptor. */
    double evalLoss(List<Batch> data);

    /** Mean loss over the scored positions of {@code examples} held-out examples, eval mode, no grad. */
    default double evalLoss(Task<?> task, int examples, Rng rng) {
        return evalLoss(task, examples, rng, (SiteInterceptor) null);
    }

    /** {@link #evalLoss(Task, int, Rng)} with a site interceptor in the eval context (null = none). */
    default double evalLoss(Task<?> task, int examples, Rng rng, SiteInterceptor interceptor) {
        return evalLoss(task, examples, rng, ForwardContext.eval().withInterceptor(interceptor));
    }

    /**
     * {@link #evalLoss(Task, int, Rng)} under the eval-mode context {@code ctx} (its interceptor and virtual tokens,
     * e.g. a trained prompt).
     *
     * @throws IllegalArgumentException if {@code ctx} is in training mode
     */
    double evalLoss(Task<?> task, int examples, Rng rng, ForwardContext ctx);
}
