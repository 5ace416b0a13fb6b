package cola4j.gl.app.workload;

import cola4j.autograd.Var;
import cola4j.models.EncoderDecoder;
import cola4j.models.ForwardContext;
import cola4j.models.data.Metrics;
import cola4j.models.data.Seq2SeqBatch;
import cola4j.models.data.Seq2SeqFamily;
import cola4j.models.data.SymbolVocab;
import java.util.List;

/**
 * {@code seq2seq}: an {@link EncoderDecoder} on the {@link Seq2SeqFamily}, teacher-forced: src [B, S] (padding masked),
 * tgtIn [B, T] → logits [B, T, V], flattened to [B·T, V] against tgtOut [B·T] (−100 on padding). Metric: exact
 * match of the teacher-forced argmax over the whole target including {@code <eos>}.
 */
public final class Seq2SeqWorkload extends AbstractWorkload<Seq2SeqBatch, EncoderDecoder> {
    public Seq2SeqWorkload(EncoderDecoder model, Seq2SeqFamily tasks) {
        super("seq2seq", model, tasks, Seq2SeqBatch.class);
        int need = Math.max(tasks.srcLen(), tasks.tgtLen());
        if (model.config().maxLen() < need) {
            throw new IllegalArgumentException("Seq2SeqWorkload: model maxLen " + model.config().maxLen()
                    + " < task length " + need);
        }
    }

    @Override
    Batch wrap(Seq2SeqBatch data) {
        return new Batch.Seq2Seq(data);
    }

    @Override
    Seq2SeqBatch unwrap(Batch b) {
        if (b instanceof Batch.Seq2Seq s) return s.data();
        throw wrongBatch(b, Batch.Seq2Seq.class);
    }

    @Override
    Var modelLoss(Seq2SeqBatch d, ForwardContext ctx) {
        return model.loss(d.src(), d.srcMask(), d.tgtIn(), d.tgtOut(), ctx);
    }

    @Override
    Scored score(Seq2SeqBatch d, ForwardContext ctx) {
        int b = d.size(), t = d.tgtIn()[0].length;
        // [B, T, V] -> [B*T, V]
        Var logits = model.forward(d.src(), d.srcMask(), d.tgtIn(), ctx).reshape(b * t, model.config().vocabSize());
        return new Scored(logits, Padding.concat(List.of(d.tgtOut())), t);
    }

    @Override
    Seq2SeqBatch concat(List<Seq2SeqBatch> parts) {
        List<int[][]> src = parts.stream().map(Seq2SeqBatch::src).toList();
        List<int[][]> tgt = parts.stream().map(Seq2SeqBatch::tgtIn).toList();
        int ws = Padding.maxWidth(src), wt = Padding.maxWidth(tgt);
        return new Seq2SeqBatch(Padding.concat(src, ws, SymbolVocab.PAD),
                Padding.concat(parts.stream().map(Seq2SeqBatch::srcMask).toList(), ws, 0),
                Padding.concat(tgt, wt, SymbolVocab.PAD),
                Padding.concat(parts.stream().map(Seq2SeqBatch::tgtOut).toList(), wt, SymbolVocab.IGNORE_INDEX),
                Padding.concat(parts.stream().map(Seq2SeqBatch::tgtMask).toList(), wt, 0));
    }

    @Override
    int[][] gold(Seq2SeqBatch d) {
        return d.tgtOut(); // [B][T], −100 on padding
    }

    @Override
    ExampleKey key(Seq2SeqBatch d, int row) {
        return ExampleKey.ofTokens(d.src()[row], Padding.realLength(d.srcMask()[row])); // <task> x1..xn
    }

    @Override
    Seq2SeqBatch rows(Seq2SeqBatch d, int[] rows) {
        return new Seq2SeqBatch(Padding.pick(d.src(), rows), Padding.pick(d.srcMask(), rows),
                Padding.pick(d.tgtIn(), rows), Padding.pick(d.tgtOut(), rows), Padding.pick(d.tgtMask(), rows));
    }

    @Override
    int scoredCount(Seq2SeqBatch d) {
        return Metrics.scoredCount(d.tgtOut());
    }
}
