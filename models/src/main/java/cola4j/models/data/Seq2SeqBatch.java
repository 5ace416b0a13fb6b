package cola4j.models.data;

import java.util.Arrays;

/**
 * A batch for an encoder-decoder model (teacher forcing).
 *
 * <p>Source {@code <task> x1..xn <pad>*}; decoder input {@code <bos> y1..ym <pad>*}; decoder target
 * {@code y1..ym <eos> -100*}.
 *
 * @param src     source token ids [B, S]
 * @param srcMask source padding mask [B, S]: 1 = real token, 0 = padding
 * @param tgtIn   decoder input ids [B, T] (targets shifted right behind {@code <bos>})
 * @param tgtOut  decoder targets [B, T]; {@link SymbolVocab#IGNORE_INDEX} ({@code -100}) at padding positions
 * @param tgtMask decoder padding mask of {@code tgtIn} [B, T]: 1 = real token (causality is the model's)
 */
public record Seq2SeqBatch(int[][] src, int[][] srcMask, int[][] tgtIn, int[][] tgtOut, int[][] tgtMask) {
    public Seq2SeqBatch {
        Batches.requireSameShape("Seq2SeqBatch", "src", src, "srcMask", srcMask);
        Batches.requireSameShape("Seq2SeqBatch", "tgtIn", tgtIn, "tgtOut", tgtOut);
        Batches.requireSameShape("Seq2SeqBatch", "tgtIn", tgtIn, "tgtMask", tgtMask);
        if (src.length != tgtIn.length)
            throw new IllegalArgumentException("Seq2SeqBatch: src batch " + src.length
                    + " != tgt batch " + tgtIn.length);
    }

    /** Batch size B. */
    public int size() {
        return src.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Seq2SeqBatch b && Arrays.deepEquals(src, b.src) && Arrays.deepEquals(srcMask, b.srcMask)
                && Arrays.deepEquals(tgtIn, b.tgtIn) && Arrays.deepEquals(tgtOut, b.tgtOut)
                && Arrays.deepEquals(tgtMask, b.tgtMask);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(new Object[] {src, srcMask, tgtIn, tgtOut, tgtMask});
    }

    @Override
    public String toString() {
        return "Seq2SeqBatch[B=" + size() + ", S=" + (src.length == 0 ? 0 : src[0].length)
                + ", T=" + (tgtIn.length == 0 ? 0 : tgtIn[0].length) + "]";
    }
}
