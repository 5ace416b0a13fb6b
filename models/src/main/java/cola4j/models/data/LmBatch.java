package cola4j.models.data;

import java.util.Arrays;

/**
 * A batch for a decoder-only (causal) language model, already shifted by one position.
 *
 * <p>The full sequence is {@code <bos> <task> x1..xn <sep> y1..ym <eos> <pad>*}; {@code inputs = seq[0..L-2]},
 * {@code targets[t] = seq[t+1]} where {@code seq[t+1]} is part of the answer {@code y1..ym <eos>}, else
 * {@link SymbolVocab#IGNORE_INDEX} ({@code -100}): the loss covers only the output part.
 *
 * @param inputs  token ids [B, T] fed to the model
 * @param targets next-token targets [B, T]; {@code -100} = ignore (prompt and padding positions)
 * @param mask    attention (padding) mask of {@code inputs} [B, T]: 1 = real token, 0 = padding;
 *                causality is the model's
 */
public record LmBatch(int[][] inputs, int[][] targets, int[][] mask) {
    public LmBatch {
        Batches.requireSameShape("LmBatch", "inputs", inputs, "targets", targets);
        Batches.requireSameShape("LmBatch", "inputs", inputs, "mask", mask);
    }

    /** Batch size B. */
    public int size() {
        return inputs.length;
    }

    /** Sequence length T. */
    public int seqLen() {
        return inputs.length == 0 ? 0 : inputs[0].length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LmBatch b && Arrays.deepEquals(inputs, b.inputs) && Arrays.deepEquals(targets, b.targets)
                && Arrays.deepEquals(mask, b.mask);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.deepHashCode(inputs) + Arrays.deepHashCode(targets)) + Arrays.deepHashCode(mask);
    }

    @Override
    public String toString() {
        return "LmBatch[B=" + size() + ", T=" + seqLen() + "]";
    }
}
