package cola4j.models.data;

import java.util.List;

/**
 * The encoder-decoder task family (format: {@link Seq2SeqTask}). Pretraining mixture {@code copy}, {@code reverse},
 * {@code sort}; downstream per user {@code shift}, {@code cipher}, {@code rotate} (definitions in
 * {@link SequenceProblems}).
 */
public final class Seq2SeqFamily implements TaskFamily<Seq2SeqBatch> {
    private final LengthRange len;

    /** A family drawing inputs of lengths in {@code len}. */
    public Seq2SeqFamily(LengthRange len) {
        this.len = len;
    }

    /** A family with {@link LengthRange#DEFAULT} (6..12 symbols). */
    public Seq2SeqFamily() {
        this(LengthRange.DEFAULT);
    }

    /** Source length S ({@code maxLen + 1}). */
    public int srcLen() {
        return len.max() + 1;
    }

    /** Target length T ({@code maxLen + 1}). */
    public int tgtLen() {
        return len.max() + 1;
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
    public Seq2SeqTask pretraining() {
        return new Seq2SeqTask("pretrain", SequenceTasks.pretrainingMixture(), len);
    }

    @Override
    public Seq2SeqTask pretraining(String name) {
        return new Seq2SeqTask(name, List.of(SequenceTasks.pretraining(name, "seq2seq")), len);
    }

    @Override
    public Seq2SeqTask downstream(String name, int user) {
        return new Seq2SeqTask(name, List.of(SequenceTasks.downstream(name, user, len, "seq2seq")), len);
    }
}
