package cola4j.models.data;

import cola4j.tensor.Rng;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * One algorithmic classification problem: how to draw an input body (symbol token ids, no prefix) and its label.
 * Built by {@link ClassificationProblems}; formatted into batches by {@link ClassificationTask}.
 *
 * @param name       task name; also selects the prefix token ({@link SymbolVocab#taskToken})
 * @param variant    the user-variant parameters in words ({@code "k=5"}), empty for pretraining tasks
 * @param numClasses labels lie in 0..numClasses-1
 * @param sampler    draws one input body (symbol token ids) from the rng
 * @param labeler    the label of any body: a total function of the body (used by tests on foreign inputs too)
 */
public record ClassificationProblem(String name, String variant, int numClasses,
                                    Function<Rng, int[]> sampler, ToIntFunction<int[]> labeler) {
    public ClassificationProblem {
        SymbolVocab.taskToken(name); // validates the name
        if (numClasses < 2) {
            throw new IllegalArgumentException("ClassificationProblem " + name + ": numClasses " + numClasses + " < 2");
        }
    }

    /** A body drawn from the problem's input distribution. */
    public int[] sample(Rng rng) {
        return sampler.apply(rng);
    }

    /** The label of {@code body}, checked to lie in range. */
    public int label(int[] body) {
        int y = labeler.applyAsInt(body);
        if (y < 0 || y >= numClasses)
            throw new IllegalStateException("ClassificationProblem " + name + ": label " + y + " not in 0.."
                    + (numClasses - 1));
        return y;
    }
}
