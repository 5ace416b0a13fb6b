package cola4j.gl.app.workload;

import cola4j.autograd.Var;
import cola4j.models.DecoderLM;
import cola4j.models.ForwardContext;
import cola4j.models.data.LmBatch;
import cola4j.models.data.LmFamily;
import cola4j.models.data.SymbolVocab;
import java.util.List;

/**
 * {@code decoder}: a {@link DecoderLM} on the {@link LmFamily}. inputs [B, T] → logits [B, T, V], flattened to
 * [B·T, V] against targets [B·T] (−100 on the prompt and padding); the scored positions are the answer tokens and
 * {@code <eos>}. Right padding needs no mask in the forward: causal attention already hides later (padded) keys from
 * every real position. Metric: exact match of the teacher-forced argmax over the whole answer.
 */
public final class DecoderWorkload extends AbstractWorkload<LmBatch, DecoderLM> {
    public DecoderWorkload(DecoderLM model, LmFamily tasks) {
        super("decoder", model, tasks, LmBatch.class);
        if (model.config().maxLen() < tasks.seqLen()) {
            throw new IllegalArgumentException("DecoderWorkload: model maxLen " + model.config().maxLen()
                    + " < task length " + tasks.seqLen());
        }
    }

    @Override
    Batch wrap(LmBatch data) {
        return new Batch.Lm(data);
    }

    @Override
    LmBatch unwrap(Batch b) {
        if (b instanceof Batch.Lm l) return l.data();
        throw wrongBatch(b, Batch.Lm.class);
    }

    @Override
    Var modelLoss(LmBatch d, ForwardContext ctx) {
        return model.loss(d.inputs(), d.targets(), ctx);
    }

    @Override
    Scored score(LmBatch d, ForwardContext ctx) {
        int b = d.size(), t = d.seqLen();
        Var logits = model.forward(d.inputs(), ctx).reshape(b * t, model.config().vocabSize()); // [B, T, V] -> [B*T, V]
        return new Scored(logits, Padding.concat(List.of(d.targets())), t);
    }

    @Override
    LmBatch concat(List<LmBatch> parts) {
        List<int[][]> inputs = parts.stream().map(LmBatch::inputs).toList();
        int w = Padding.maxWidth(inputs);
        return new LmBatch(Padding.concat(inputs, w, SymbolVocab.PAD),
                Padding.concat(parts.stream().map(LmBatch::targets).toList(), w, SymbolVocab.IGNORE_INDEX),
                Padding.concat(parts.stream().map(LmBatch::mask).toList(), w, 0));
    }

    @Override
    int[][] gold(LmBatch d) {
        return d.targets(); // [B][T], −100 on prompt and padding
    }

    @Override
    ExampleKey key(LmBatch d, int row) {
        return ExampleKey.ofTokens(d.inputs()[row], Padding.realLength(d.mask()[row])); // <bos> <task> x <sep> y
    }

    @Override
    LmBatch rows(LmBatch d, int[] rows) {
        return new LmBatch(Padding.pick(d.inputs(), rows), Padding.pick(d.targets(), rows),
                Padding.pick(d.mask(), rows));
    }

    @Override
    int scoredCount(LmBatch d) {
        return cola4j.models.data.Metrics.scoredCount(d.targets());
    }
}
