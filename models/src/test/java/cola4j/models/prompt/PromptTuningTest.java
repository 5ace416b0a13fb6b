package cola4j.models.prompt;

import static cola4j.autograd.GradCheck.Config.MODEL;
import static cola4j.autograd.GradCheck.MODEL_TOL;
import static cola4j.autograd.GradCheck.checkParams;
import static org.assertj.core.api.Assertions.assertThat;

import cola4j.autograd.Var;
import cola4j.models.DecoderLM;
import cola4j.models.DecoderLMConfig;
import cola4j.models.EncoderClassifier;
import cola4j.models.EncoderClassifierConfig;
import cola4j.models.EncoderDecoder;
import cola4j.models.EncoderDecoderConfig;
import cola4j.models.ForwardContext;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * {@link PromptTuning} in float64 on the tiny presets: n = 0 is the base bit for bit; a prompt equal to the token
 * embeddings of real tokens p gives exactly the base model on [p; input] (position table zeroed); dL/dP by central
 * differences with the base frozen; the causal mask still hides the future and every position sees the prompt.
 */
class PromptTuningTest {
    static final ForwardContext EVAL = ForwardContext.eval();
    static final int[][] IDS = {{1, 4, 6, 2, 8}, {10, 0, 5, 5, 7}};

    static Tensor rows(Tensor table, int... ids) {
        int c = table.shape()[1];
        Tensor t = Tensor.zeros(table.dtype(), ids.length, c);
        for (int i = 0; i < ids.length; i++) {
            for (int j = 0; j < c; j++) t.setFlat(i * c + j, table.getFlat(ids[i] * c + j));
        }
        return t;
    }

    static int[][] prepend(int[] p, int[][] ids) {
        int[][] out = new int[ids.length][];
        for (int i = 0; i < ids.length; i++) {
            out[i] = new int[p.length + ids[i].length];
            System.arraycopy(p, 0, out[i], 0, p.length);
            System.arraycopy(ids[i], 0, out[i], p.length, ids[i].length);
        }
        return out;
    }

    @Test
    void zeroLengthPromptIsTheBaseModelBitForBit() {
        DecoderLM d = new DecoderLM(DecoderLMConfig.tiny(), new Rng(1));
        PromptTuning none = PromptTuning.sampleVocab("", 0, d.namedParameters().get("embed.token.weight").value(),
                new Rng(2));
        assertThat(d.forward(IDS, EVAL.withTokens(none)).value().bitEquals(d.forward(IDS, EVAL).value())).isTrue();
        EncoderDecoder s = new EncoderDecoder(EncoderDecoderConfig.tiny(), new Rng(3));
        int[][] src = {{3, 4, 5, 6}, {7, 8, 0, 0}}, mask = {{1, 1, 1, 1}, {1, 1, 0, 0}}, tgt = {{1, 9}, {1, 2}};
        PromptTuning enc = new PromptTuning("encoder", Tensor.zeros(cola4j.tensor.DType.FLOAT64, 0, 8));
        assertThat(s.forward(src, mask, tgt, EVAL.withTokens(enc)).value()
                .bitEquals(s.forward(src, mask, tgt, EVAL).value())).isTrue();
        EncoderClassifier e = new EncoderClassifier(EncoderClassifierConfig.tiny(), new Rng(4));
        PromptTuning cls = new PromptTuning("", Tensor.zeros(cola4j.tensor.DType.FLOAT64, 0, 8));
        assertThat(e.forward(IDS, null, EVAL.withTokens(cls)).value().bitEquals(e.forward(IDS, null, EVAL).value()))
                .isTrue();
    }

    /** Sets a parameter tensor to zeros in place. */
    static void zero(cola4j.models.Model m, String name) {
        Tensor t = m.namedParameters().get(name).value();
        for (int i = 0; i < t.numel(); i++) t.setFlat(i, 0.0);
    }

    /**
     * With the position table zeroed (positions are the one thing that differs: the virtual tokens get none and the
     * real ones keep 0..T−1), a prompt of real token embeddings E[p] is the base model on [p; input].
     */
    @Test
    void promptOfTokenEmbeddingsIsTheBaseModelOnPromptThenInput() {
        DecoderLM d = new DecoderLM(DecoderLMConfig.tiny(), new Rng(1));
        zero(d, "embed.position.weight");
        int[] p = {3, 9};
        PromptTuning pt = new PromptTuning("", rows(d.namedParameters().get("embed.token.weight").value(), p));
        Tensor got = d.forward(IDS, EVAL.withTokens(pt)).value();                  // [2, 5, V]
        Tensor want = d.forward(prepend(p, IDS), EVAL).value().slice(1, 2, 7);     // [2, 7, V] -> its last 5
        assertThat(got.maxAbsDiff(want)).isLessThan(1e-13);

        EncoderDecoder s = new EncoderDecoder(EncoderDecoderConfig.tiny(), new Rng(3));
        zero(s, "encoder.embed.position.weight");
        int[][] src = {{3, 4, 5}, {7, 8, 0}}, mask = {{1, 1, 1}, {1, 1, 0}}, tgt = {{1, 9, 10}, {1, 2, 0}};
        PromptTuning enc = new PromptTuning("encoder",
                rows(s.namedParameters().get("encoder.embed.token.weight").value(), p));
        Tensor sGot = s.forward(src, mask, tgt, EVAL.withTokens(enc)).value();
        Tensor sWant = s.forward(prepend(p, src), prepend(new int[] {1, 1}, mask), tgt, EVAL).value();
        assertThat(sGot.maxAbsDiff(sWant)).isLessThan(1e-13);
        assertThat(sGot.maxAbsDiff(s.forward(src, mask, tgt, EVAL).value())).as("the prompt matters")
                .isGreaterThan(1e-6);
    }

    @Test
    void promptGradientMatchesFiniteDifferencesWithTheBaseFrozen() {
        DecoderLM d = new DecoderLM(DecoderLMConfig.tiny(), new Rng(1));
        Tensor table = d.namedParameters().get("embed.token.weight").value();
        d.freeze();
        PromptTuning pt = PromptTuning.sampleVocab("", 3, table, new Rng(5));
        int checked = checkParams(() -> d.nextTokenLoss(IDS, ForwardContext.train(new Rng(9)).withTokens(pt)),
                pt.namedParameters(), Integer.MAX_VALUE, 7, MODEL).require("decoder prompt", MODEL_TOL).checked();
        assertThat(checked).isEqualTo(3 * 8);
        assertThat(d.namedParameters().values()).allSatisfy(v -> assertThat(v.grad()).isNull());

        EncoderDecoder s = new EncoderDecoder(EncoderDecoderConfig.tiny(), new Rng(3));
        Tensor encTable = s.namedParameters().get("encoder.embed.token.weight").value();
        s.freeze();
        PromptTuning enc = PromptTuning.sampleVocab("encoder", 2, encTable, new Rng(6));
        int[][] src = {{3, 4, 5, 6}, {7, 8, 0, 0}}, mask = {{1, 1, 1, 1}, {1, 1, 0, 0}};
        int[][] tgtIn = {{1, 9, 10}, {1, 2, 0}}, tgtOut = {{9, 10, 2}, {2, -100, -100}};
        checkParams(() -> s.loss(src, mask, tgtIn, tgtOut, ForwardContext.train(new Rng(9)).withTokens(enc)),
                enc.namedParameters(), Integer.MAX_VALUE, 7, MODEL).require("encoder prompt", MODEL_TOL);
    }

    @Test
    void everyPositionSeesThePromptAndNoneSeesTheFuture() {
        DecoderLM d = new DecoderLM(DecoderLMConfig.tiny(), new Rng(1));
        PromptTuning pt = PromptTuning.sampleVocab("", 2,
                d.namedParameters().get("embed.token.weight").value(), new Rng(5));
        ForwardContext ctx = EVAL.withTokens(pt);
        Tensor ref = d.forward(IDS, ctx).value();
        for (int k = 0; k < IDS[0].length; k++) {
            int[][] changed = {IDS[0].clone()};
            changed[0][k] = (changed[0][k] + 5) % 11;
            Tensor out = d.forward(changed, ctx).value();
            Tensor row0 = ref.slice(0, 0, 1);
            assertThat(out.slice(1, 0, k).bitEquals(row0.slice(1, 0, k))).as("positions before %d", k).isTrue();
            assertThat(out.slice(1, k, k + 1).maxAbsDiff(row0.slice(1, k, k + 1))).isGreaterThan(1e-6);
        }
        Var p = pt.embeddings();
        p.value().setFlat(8 + 3, p.value().getFlat(8 + 3) + 0.5); // the last virtual token, one coordinate
        Tensor moved = d.forward(IDS, ctx).value();
        for (int t = 0; t < IDS[0].length; t++) {
            assertThat(moved.slice(1, t, t + 1).maxAbsDiff(ref.slice(1, t, t + 1))).as("position %d", t)
                    .isGreaterThan(1e-8);
        }
    }

    @Test
    void paddedSourceStaysInvisibleBehindAnEncoderPrompt() {
        EncoderDecoder s = new EncoderDecoder(EncoderDecoderConfig.tiny(), new Rng(3));
        PromptTuning enc = PromptTuning.sampleVocab("encoder", 2,
                s.namedParameters().get("encoder.embed.token.weight").value(), new Rng(6));
        int[][] mask = {{1, 1, 0, 0}}, tgt = {{1, 9, 10}};
        ForwardContext ctx = EVAL.withTokens(enc);
        Tensor a = s.forward(new int[][] {{7, 8, 0, 0}}, mask, tgt, ctx).value();
        Tensor b = s.forward(new int[][] {{7, 8, 5, 9}}, mask, tgt, ctx).value();
        assertThat(a.bitEquals(b)).isTrue();
    }

    @Test
    void virtualTokensNeedNoRoomInThePositionTable() {
        DecoderLM d = new DecoderLM(DecoderLMConfig.tiny(), new Rng(1)); // maxLen 8 < 6 + 5
        PromptTuning pt = PromptTuning.sampleVocab("", 6,
                d.namedParameters().get("embed.token.weight").value(), new Rng(5));
        assertThat(d.forward(IDS, EVAL.withTokens(pt)).shape()).containsExactly(2, 5, 11);
        assertThat(d.forward(IDS, EVAL.withTokens(pt)).value().isFinite()).isTrue();
    }
}
