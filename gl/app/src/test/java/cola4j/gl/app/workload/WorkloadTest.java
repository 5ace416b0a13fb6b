package cola4j.gl.app.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import cola4j.autograd.Var;
import cola4j.models.DecoderLM;
import cola4j.models.EncoderClassifier;
import cola4j.models.EncoderDecoder;
import cola4j.models.ForwardContext;
import cola4j.models.MlpClassifier;
import cola4j.models.data.ClassificationBatch;
import cola4j.models.data.LmBatch;
import cola4j.models.data.Seq2SeqBatch;
import cola4j.models.data.Task;
import cola4j.models.data.VectorBatch;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Workload losses against the models' own, grouped losses against per-group training, concatenation, factory errors.
 */
class WorkloadTest {
    static final ForwardContext EVAL = ForwardContext.eval();

    static List<Workload> tinyWorkloads() {
        List<Workload> ws = new ArrayList<>();
        for (String f : Workloads.families()) ws.add(Workloads.create(f, "tiny", DType.FLOAT64, 7));
        return ws;
    }

    /** The model's own loss on the batch's data record, called directly. */
    static Var modelLoss(Workload w, Batch b) {
        if (b instanceof Batch.Classification c) {
            return ((EncoderClassifier) w.model()).loss(c.data().tokens(), c.data().mask(), c.data().labels(), EVAL);
        }
        if (b instanceof Batch.Lm l) return ((DecoderLM) w.model()).loss(l.data().inputs(), l.data().targets(), EVAL);
        if (b instanceof Batch.Seq2Seq s) {
            return ((EncoderDecoder) w.model())
                    .loss(s.data().src(), s.data().srcMask(), s.data().tgtIn(), s.data().tgtOut(), EVAL);
        }
        Batch.Vectors v = (Batch.Vectors) b;
        return ((MlpClassifier) w.model()).loss(((MlpWorkload) w).input(v.data()), v.data().y(), EVAL);
    }

    @Test
    void lossIsExactlyTheModelsLossAndGroupZeroIsTheMean() {
        for (Workload w : tinyWorkloads()) {
            Batch b = w.sample(w.pretraining(), 6, new Rng(1));
            assertThat(w.rows(b)).isEqualTo(6);
            double own = modelLoss(w, b).value().item();
            assertThat(w.loss(b, EVAL).value().item()).as(w.family()).isEqualTo(own);
            assertThat(w.loss(b, EVAL, new int[6]).value().item()).as(w.family())
                    .isCloseTo(own, within(1e-14 * Math.abs(own)));
        }
    }

    /** Gradients of every parameter for a loss, as copies keyed by name. */
    static LinkedHashMap<String, Tensor> grads(Workload w, Var loss) {
        w.model().namedParameters().values().forEach(Var::zeroGrad);
        loss.backward();
        LinkedHashMap<String, Tensor> g = new LinkedHashMap<>();
        w.model().namedParameters()
                .forEach((k, v) -> g.put(k, v.grad() == null ? Tensor.zerosLike(v.value()) : v.grad().copy()));
        return g;
    }

    @Test
    void groupedLossAndGradientEqualTheSumOfEachGroupTrainedAlone() {
        for (Workload w : tinyWorkloads()) {
            Batch a = w.sample(w.downstream(w.downstreamNames().get(0), 0), 3, new Rng(2));
            Batch b = w.sample(w.pretraining(), 5, new Rng(3));
            Batch mixed = w.concatRows(List.of(a, b));
            assertThat(mixed.rows()).isEqualTo(8);
            int[] groups = {0, 0, 0, 1, 1, 1, 1, 1};
            Var grouped = w.loss(mixed, EVAL, groups);
            double la = w.loss(a, EVAL).value().item(), lb = w.loss(b, EVAL).value().item();
            assertThat(grouped.value().item()).as(w.family()).isCloseTo(la + lb, within(1e-12));
            LinkedHashMap<String, Tensor> gMixed = grads(w, grouped);
            LinkedHashMap<String, Tensor> gA = grads(w, w.loss(a, EVAL)), gB = grads(w, w.loss(b, EVAL));
            gMixed.forEach((name, g) -> {
                Tensor sum = gA.get(name).add(gB.get(name));
                assertThat(g.maxAbsDiff(sum)).as(w.family() + " " + name)
                        .isLessThanOrEqualTo(1e-12 * Math.max(1, sum.maxAbs()));
            });
            // group ids need not be contiguous or sorted: {1, 0} swapped gives the same value
            int[] swapped = {1, 1, 1, 0, 0, 0, 0, 0};
            assertThat(w.loss(mixed, EVAL, swapped).value().item()).isCloseTo(la + lb, within(1e-12));
        }
    }

    @Test
    void concatRowsPadsSequencesToTheLongest() {
        Workload w = Workloads.create("decoder", "tiny", DType.FLOAT64, 1);
        LmBatch shortB = new LmBatch(new int[][] {{1, 2, 3}}, new int[][] {{-100, 5, 6}}, new int[][] {{1, 1, 1}});
        LmBatch longB = new LmBatch(new int[][] {{1, 2, 3, 4, 5}}, new int[][] {{-100, -100, 7, 8, 9}},
                new int[][] {{1, 1, 1, 1, 1}});
        LmBatch c = ((Batch.Lm) w.concatRows(List.of(new Batch.Lm(shortB), new Batch.Lm(longB)))).data();
        assertThat(c.inputs()).isDeepEqualTo(new int[][] {{1, 2, 3, 0, 0}, {1, 2, 3, 4, 5}});
        assertThat(c.targets()).isDeepEqualTo(new int[][] {{-100, 5, 6, -100, -100}, {-100, -100, 7, 8, 9}});
        assertThat(c.mask()).isDeepEqualTo(new int[][] {{1, 1, 1, 0, 0}, {1, 1, 1, 1, 1}});
        // padding changes nothing: the padded batch's grouped loss equals the two batches' separate means
        double sep = w.loss(new Batch.Lm(shortB), EVAL).value().item()
                + w.loss(new Batch.Lm(longB), EVAL).value().item();
        assertThat(w.loss(new Batch.Lm(c), EVAL, new int[] {0, 1}).value().item()).isCloseTo(sep, within(1e-12));

        Workload s = Workloads.create("seq2seq", "tiny", DType.FLOAT64, 1);
        Seq2SeqBatch s1 = new Seq2SeqBatch(new int[][] {{5, 6}}, new int[][] {{1, 1}}, new int[][] {{1, 7}},
                new int[][] {{7, 2}}, new int[][] {{1, 1}});
        Seq2SeqBatch s2 = new Seq2SeqBatch(new int[][] {{5, 6, 7}}, new int[][] {{1, 1, 1}}, new int[][] {{1, 7, 8}},
                new int[][] {{7, 8, 2}}, new int[][] {{1, 1, 1}});
        Seq2SeqBatch sc = ((Batch.Seq2Seq) s.concatRows(List.of(new Batch.Seq2Seq(s1), new Batch.Seq2Seq(s2)))).data();
        assertThat(sc.src()[0]).containsExactly(5, 6, 0);
        assertThat(sc.srcMask()[0]).containsExactly(1, 1, 0);
        assertThat(sc.tgtOut()[0]).containsExactly(7, 2, -100);
        double sepS = s.loss(new Batch.Seq2Seq(s1), EVAL).value().item()
                + s.loss(new Batch.Seq2Seq(s2), EVAL).value().item();
        assertThat(s.loss(new Batch.Seq2Seq(sc), EVAL, new int[] {0, 1}).value().item()).isCloseTo(sepS, within(1e-12));
    }

    @Test
    void evaluateScoresAPerfectAndAWrongPredictorExactly() {
        // an MLP whose head always outputs the largest logit for class 3: accuracy = fraction of label 3
        Workload w = Workloads.create("mlp", "tiny", DType.FLOAT64, 1);
        MlpClassifier m = (MlpClassifier) w.model();
        var head = m.sites().get("head");
        head.weight().copyFrom(Tensor.zerosLike(head.weight()));
        Tensor bias = Tensor.zerosLike(head.bias());
        bias.setFlat(3, 10.0);
        head.bias().copyFrom(bias);
        Task<?> task = w.pretraining();
        VectorBatch test = ((cola4j.models.data.DigitsTask) task).testSet();
        double share3 = Arrays.stream(test.y()).filter(y -> y == 3).count() / (double) test.size();
        assertThat(w.evaluate(task, 100_000, new Rng(0))).isEqualTo(share3);
        // evalLoss of a constant predictor: −log softmax(b)[y] averaged over the test split
        double lse = Math.log(9 + Math.exp(10.0));
        double expected = share3 * (lse - 10.0) + (1 - share3) * lse;
        assertThat(w.evalLoss(task, 100_000, new Rng(0))).isCloseTo(expected, within(1e-12));
    }

    @Test
    void evaluateOfAConstantClassifierIsTheLabelShare() {
        // encoder classifier whose head reads nothing and predicts class 1 for every input: accuracy = share of label 1
        Workload w = Workloads.create("encoder", "tiny", DType.FLOAT64, 1);
        var out = w.model().sites().get("head.out");
        out.weight().copyFrom(Tensor.zerosLike(out.weight()));
        Tensor bias = Tensor.zerosLike(out.bias());
        bias.setFlat(1, 5.0);
        out.bias().copyFrom(bias);
        Task<?> task = w.downstream("count_symbol", 0);
        Batch b = w.sample(task, 300, new Rng(9));
        double share1 = Arrays.stream(((Batch.Classification) b).data().labels()).filter(y -> y == 1).count() / 300.0;
        assertThat(w.evaluate(task, 300, new Rng(9))).isEqualTo(share1);
    }

    @Test
    void sequenceModelsWithZeroHeadsScoreZeroAndLossLogV() {
        for (String f : List.of("decoder", "seq2seq")) {
            Workload w = Workloads.create(f, "tiny", DType.FLOAT64, 1);
            var head = w.model().sites().get("lm_head");
            head.weight().copyFrom(Tensor.zerosLike(head.weight())); // logits 0: argmax is id 0 (PAD), never a target
            assertThat(w.evaluate(w.pretraining(), 40, new Rng(3))).as(f).isEqualTo(0.0);
            assertThat(w.evalLoss(w.pretraining(), 40, new Rng(3))).as(f)
                    .isCloseTo(Math.log(head.outFeatures()), within(1e-12));
        }
    }

    @Test
    void wrongBatchesTasksAndNamesAreClearErrors() {
        Workload enc = Workloads.create("encoder", "tiny", DType.FLOAT64, 1);
        Workload dec = Workloads.create("decoder", "tiny", DType.FLOAT64, 1);
        Batch lm = dec.sample(dec.pretraining(), 2, new Rng(1));
        assertThatThrownBy(() -> enc.loss(lm, EVAL)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("encoder workload: expected a Batch.Classification, got Batch.Lm");
        assertThatThrownBy(() -> enc.sample(dec.pretraining(), 2, new Rng(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("LmBatch");
        assertThatThrownBy(() -> dec.loss(lm, EVAL, new int[3])).hasMessageContaining("3 row groups for 2 rows");
        assertThatThrownBy(() -> dec.loss(lm, EVAL, new int[] {0, -1})).hasMessageContaining("negative group id");
        assertThatThrownBy(() -> Workloads.create("rnn", "tiny", DType.FLOAT64, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown model family 'rnn'; available: encoder, decoder, seq2seq, mlp");
        assertThatThrownBy(() -> Workloads.create("mlp", "huge", DType.FLOAT64, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown preset 'huge'; available: tiny, small");
    }

    @Test
    void groupWithoutScoredPositionsIsRejected() {
        Workload dec = Workloads.create("decoder", "tiny", DType.FLOAT64, 1);
        LmBatch b = new LmBatch(new int[][] {{1, 2}, {1, 2}}, new int[][] {{-100, 5}, {-100, -100}},
                new int[][] {{1, 1}, {1, 1}});
        assertThatThrownBy(() -> dec.loss(new Batch.Lm(b), EVAL, new int[] {0, 1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("group 1 has rows but no scored position");
        assertThat(dec.loss(new Batch.Lm(b), EVAL, new int[] {0, 0}).value().item()).isFinite();
    }

    /** What docs/models.md states about the presets `cola pretrain` builds (Workloads.create). */
    @Test
    void presetsSetMaxLenToThePaddedTaskLengthAndTakeTheDtypeGiven() {
        for (DType dtype : DType.values()) {
            var enc = ((EncoderWorkload) Workloads.create("encoder", "small", dtype, 0)).model().config();
            var dec = ((DecoderWorkload) Workloads.create("decoder", "small", dtype, 0)).model().config();
            var s2s = ((Seq2SeqWorkload) Workloads.create("seq2seq", "small", dtype, 0)).model().config();
            // small: bodies of 3..6 symbols; encoder <cls> <task> body = 6 + 2; LM 2·6 + 3;
            // seq2seq <task> body = 6 + 1
            assertThat(Workloads.lengths("small")).isEqualTo(new cola4j.models.data.LengthRange(3, 6));
            assertThat(List.of(enc.maxLen(), dec.maxLen(), s2s.maxLen())).containsExactly(8, 15, 7);
            assertThat(List.of(enc.vocabSize(), dec.vocabSize(), s2s.vocabSize()))
                    .containsOnly(cola4j.models.data.SymbolVocab.SIZE);
            assertThat(enc.classes()).isEqualTo(10);
            assertThat(List.of(enc.dtype(), dec.dtype(), s2s.dtype())).containsOnly(dtype);
            assertThat(List.of(enc.dModel(), enc.layers(), enc.heads())).containsExactly(64, 2, 4);
            assertThat(enc.dropout()).isZero();
            // tiny: bodies of 3..4, C 16 (the tiny records' 8 doubled), 2 layers, 2 heads, no dropout, the dtype given
            var tinyEnc = ((EncoderWorkload) Workloads.create("encoder", "tiny", dtype, 0)).model().config();
            var tinyDec = ((DecoderWorkload) Workloads.create("decoder", "tiny", dtype, 0)).model().config();
            var tinyS2s = ((Seq2SeqWorkload) Workloads.create("seq2seq", "tiny", dtype, 0)).model().config();
            assertThat(List.of(tinyEnc.maxLen(), tinyDec.maxLen(), tinyS2s.maxLen())).containsExactly(6, 11, 5);
            assertThat(List.of(tinyEnc.dModel(), tinyEnc.layers(), tinyEnc.heads())).containsExactly(16, 2, 2);
            assertThat(List.of(tinyDec.dModel(), tinyDec.layers(), tinyDec.heads())).containsExactly(16, 2, 2);
            assertThat(List.of(tinyS2s.dModel(), tinyS2s.encoderLayers(), tinyS2s.decoderLayers(), tinyS2s.heads()))
                    .containsExactly(16, 2, 2, 2);
            assertThat(List.of(tinyEnc.dropout(), tinyDec.dropout(), tinyS2s.dropout())).containsOnly(0.0);
            assertThat(List.of(tinyEnc.dtype(), tinyDec.dtype(), tinyS2s.dtype())).containsOnly(dtype);
            var tinyMlp = ((MlpWorkload) Workloads.create("mlp", "tiny", dtype, 0)).model().config();
            assertThat(tinyMlp.hidden()).containsExactly(16);
            assertThat(tinyMlp.dtype()).isEqualTo(dtype);
        }
    }

    @Test
    void sameSeedSameModelAndBatches() {
        for (String f : Workloads.families()) {
            Workload a = Workloads.create(f, "tiny", DType.FLOAT32, 11),
                    b = Workloads.create(f, "tiny", DType.FLOAT32, 11);
            assertThat(a.model().dtype()).isEqualTo(DType.FLOAT32);
            a.model().namedParameters().forEach((k, v) ->
                    assertThat(v.value().bitEquals(b.model().namedParameters().get(k).value())).as(k).isTrue());
            Batch x = a.sample(a.pretraining(), 4, new Rng(5)), y = b.sample(b.pretraining(), 4, new Rng(5));
            assertThat(x).isEqualTo(y);
            assertThat(a.loss(x, EVAL).value().item()).isEqualTo(b.loss(y, EVAL).value().item());
        }
    }
}
