package cola4j.models.data;

import java.util.List;

/**
 * The decoder-LM task family (format: {@link LmTask}). Pretraining mixture {@code copy}, {@code reverse}, {@code sort};
 * downstream per user {@code shift}, {@code cipher}, {@code rotate} (definitions in {@link SequenceProblems}).
 */
public final class LmFamily implements TaskFamily<LmBatch> {
    private final LengthRange len;

    /** A family drawing inputs of lengths in {@code len}. */
    public LmFamily(LengthRange len) {
        this.len = len;
    }

    /** A family with {@link LengthRange#DEFAULT} (6..12 symbols). */
    public LmFamily() {
        this(LengthRange.DEFAULT);
    }

    /** Model sequence length T of every batch ({@code 2 * maxLen + 3}). */
    public int seqLen() {
        return 2 * len.max() + 3;
    }

    /** The input length range. */
    public LengthRange lengths() {
        return len;
    }

    @Override
    public List<String> pretrainingNames() {
        return SequenceTasks.PRETRAIN;
    }

    @Override
    public List<String> downstreamNames() {
        return SequenceTasks.DOWNSTREAM;
    }

    @Override
    public LmTask pretraining() {
        return new LmTask("pretrain", SequenceTasks.pretrainingMixture(), len);
    }

    @Override
    public LmTask pretraining(String name) {
        return new LmTask(name, List.of(SequenceTasks.pretraining(name, "LM")), len);
    }

    @Override
    public LmTask downstream(String name, int user) {
        return new LmTask(name, List.of(SequenceTasks.downstream(name, user, len, "LM")), len);
    }
}
