package cola4j.models.data;

import java.util.Arrays;

/**
 * A batch for an encoder classifier.
 *
 * @param tokens token ids [B, T]: {@code <cls> <task> s1..sn <pad>*} (position 0 is CLS, the pooled position)
 * @param mask   attention mask [B, T]: 1 = real token, 0 = padding
 * @param labels class index per example [B], in 0..numClasses-1 of the task
 */
public record ClassificationBatch(int[][] tokens, int[][] mask, int[] labels) {
    public ClassificationBatch {
        Batches.requireSameShape("ClassificationBatch", "tokens", tokens, "mask", mask);
        if (labels.length != tokens.length)
            throw new IllegalArgumentException("ClassificationBatch: labels length " + labels.length
                    + " != batch size " + tokens.length);
    }

    /** Batch size B. */
    public int size() {
        return labels.length;
    }

    /** Padded sequence length T. */
    public int seqLen() {
        return tokens.length == 0 ? 0 : tokens[0].length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClassificationBatch b && Arrays.deepEquals(tokens, b.tokens)
                && Arrays.deepEquals(mask, b.mask) && Arrays.equals(labels, b.labels);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.deepHashCode(tokens) + Arrays.deepHashCode(mask)) + Arrays.hashCode(labels);
    }

    @Override
    public String toString() {
        return "ClassificationBatch[B=" + size() + ", T=" + seqLen() + "]";
    }
}
