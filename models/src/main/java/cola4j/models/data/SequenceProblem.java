package cola4j.models.data;

import java.util.function.UnaryOperator;

/**
 * One sequence-to-sequence algorithmic problem: a deterministic map from an input body (letter token ids) to an output
 * body. Inputs are drawn by {@link SequenceProblems#sampleInput}; {@link LmTask} and {@link Seq2SeqTask} format them.
 *
 * @param name      task name; also selects the prefix token ({@link SymbolVocab#taskToken})
 * @param variant   the user-variant parameters in words ({@code "k=3"}), empty for pretraining tasks
 * @param transform the map input body -> output body (same length for every built-in problem)
 */
public record SequenceProblem(String name, String variant, UnaryOperator<int[]> transform) {
    public SequenceProblem {
        SymbolVocab.taskToken(name); // validates the name
    }

    /** The output body for {@code input} (the input array is not modified). */
    public int[] apply(int[] input) {
        return transform.apply(input.clone());
    }
}
