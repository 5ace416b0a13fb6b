package cola4j.gl.app.workload;

import cola4j.autograd.Var;
import cola4j.models.EncoderClassifier;
import cola4j.models.ForwardContext;
import cola4j.models.data.ClassificationBatch;
import cola4j.models.data.ClassificationFamily;
import cola4j.models.data.SymbolVocab;
import java.util.List;

/**
 * {@code encoder}: an {@link EncoderClassifier} on the {@link ClassificationFamily} (tokens [B, T] with mask → logits
 * [B, K], K ≥ {@link ClassificationFamily#MAX_CLASSES}). One scored position per row (its label); metric: accuracy of
 * the argmax class over all K outputs.
 */
public final class EncoderWorkload extends AbstractWorkload<ClassificationBatch, EncoderClassifier> {
    public EncoderWorkload(EncoderClassifier model, ClassificationFamily tasks) {
        super("encoder", model, tasks, ClassificationBatch.class);
        if (model.config().classes() < ClassificationFamily.MAX_CLASSES) {
            throw new IllegalArgumentException("EncoderWorkload: the classifier has " + model.config().classes()
                    + " classes; the family needs " + ClassificationFamily.MAX_CLASSES);
        }
        if (model.config().maxLen() < tasks.seqLen()) {
            throw new IllegalArgumentException("EncoderWorkload: model maxLen " + model.config().maxLen()
                    + " < task length " + tasks.seqLen());
        }
    }

    @Override
    Batch wrap(ClassificationBatch data) {
        return new Batch.Classification(data);
    }

    @Override
    ClassificationBatch unwrap(Batch b) {
        if (b instanceof Batch.Classification c) return c.data();
        throw wrongBatch(b, Batch.Classification.class);
    }

    @Override
    Var modelLoss(ClassificationBatch d, ForwardContext ctx) {
        return model.loss(d.tokens(), d.mask(), d.labels(), ctx);
    }

    @Override
    Scored score(ClassificationBatch d, ForwardContext ctx) {
        return new Scored(model.forward(d.tokens(), d.mask(), ctx), d.labels(), 1); // logits [B, K]
    }

    @Override
    ClassificationBatch concat(List<ClassificationBatch> parts) {
        List<int[][]> tokens = parts.stream().map(ClassificationBatch::tokens).toList();
        int w = Padding.maxWidth(tokens);
        return new ClassificationBatch(Padding.concat(tokens, w, SymbolVocab.PAD),
                Padding.concat(parts.stream().map(ClassificationBatch::mask).toList(), w, 0),
                Padding.concat(parts.stream().map(ClassificationBatch::labels).toList()));
    }

    @Override
    int[][] gold(ClassificationBatch d) {
        int[][] g = new int[d.size()][];
        for (int i = 0; i < g.length; i++) g[i] = new int[] {d.labels()[i]}; // [B][1]
        return g;
    }

    @Override
    ExampleKey key(ClassificationBatch d, int row) {
        return ExampleKey.ofTokens(d.tokens()[row], Padding.realLength(d.mask()[row])); // <cls> <task> s1..sn
    }

    @Override
    ClassificationBatch rows(ClassificationBatch d, int[] rows) {
        return new ClassificationBatch(Padding.pick(d.tokens(), rows), Padding.pick(d.mask(), rows),
                Padding.pick(d.labels(), rows));
    }

    @Override
    int scoredCount(ClassificationBatch d) {
        return d.size();
    }
}
