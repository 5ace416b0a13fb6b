package cola4j.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cola4j.autograd.Var;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** float32 vs float64, determinism, dropout modes, generation and input errors. */
class DtypeAndGenerationTest {
    static final ForwardContext EVAL = ForwardContext.eval();

    @Test
    void float32AgreesWithFloat64AndTrains() {
        int[][] ids = {{0, 5, 7, 2, 1}, {0, 12, 3, 9, 9}}, mask = {{1, 1, 1, 1, 1}, {1, 1, 1, 0, 0}};
        // same seed: float32 parameters are the float64 draws rounded, so outputs agree to float32 precision
        EncoderClassifier c64 = new EncoderClassifier(EncoderClassifierConfig.tiny(), new Rng(1));
        EncoderClassifier c32 = new EncoderClassifier(EncoderClassifierConfig.tiny().withDtype(DType.FLOAT32),
                new Rng(1));
        Tensor a = c64.forward(ids, mask, EVAL).value(), b = c32.forward(ids, mask, EVAL).value();
        assertThat(b.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(a.maxAbsDiff(b)).isLessThan(1e-5);
        Var l32 = c32.loss(ids, mask, new int[] {1, 2}, ForwardContext.train(new Rng(3)));
        l32.backward();
        for (Var p : c32.namedParameters().values()) assertThat(p.grad().dtype()).isEqualTo(DType.FLOAT32);

        DecoderLM d32 = new DecoderLM(DecoderLMConfig.tiny().withDtype(DType.FLOAT32), new Rng(2));
        DecoderLM d64 = new DecoderLM(DecoderLMConfig.tiny(), new Rng(2));
        int[][] lmIds = {{0, 5, 7, 2, 1}, {0, 10, 3, 9, 9}};
        assertThat(d32.nextTokenLoss(lmIds, EVAL).value().item())
                .isCloseTo(d64.nextTokenLoss(lmIds, EVAL).value().item(), org.assertj.core.data.Offset.offset(1e-5));
        EncoderDecoder e32 = new EncoderDecoder(EncoderDecoderConfig.tiny().withDtype(DType.FLOAT32), new Rng(2));
        EncoderDecoder e64 = new EncoderDecoder(EncoderDecoderConfig.tiny(), new Rng(2));
        int[][] src = {{3, 4, 5}}, tin = {{1, 6}}, tout = {{6, 2}};
        assertThat(e32.loss(src, null, tin, tout, EVAL).value().item()).isCloseTo(
                e64.loss(src, null, tin, tout, EVAL).value().item(), org.assertj.core.data.Offset.offset(1e-5));
        MlpClassifier m32 = new MlpClassifier(MlpClassifierConfig.tiny().withDtype(DType.FLOAT32), new Rng(2));
        MlpClassifier m64 = new MlpClassifier(MlpClassifierConfig.tiny(), new Rng(2));
        Tensor x = new Rng(4).normal(DType.FLOAT64, 0, 1, 3, 6);
        assertThat(m32.forward(x.to(DType.FLOAT32), EVAL).value().maxAbsDiff(m64.forward(x, EVAL).value()))
                .isLessThan(1e-5);
        assertThatThrownBy(() -> m32.forward(x, EVAL)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dtype float32");
    }

    @Test
    void sameSeedSameNumbersAndDropoutOnlyInTraining() {
        int[][] ids = {{1, 4, 6, 2, 8}};
        DecoderLM a = new DecoderLM(DecoderLMConfig.tiny(), new Rng(7)),
                b = new DecoderLM(DecoderLMConfig.tiny(), new Rng(7));
        assertThat(a.forward(ids, EVAL).value().bitEquals(b.forward(ids, EVAL).value())).isTrue();
        Tensor t1 = a.forward(ids, ForwardContext.train(new Rng(5))).value();
        Tensor t2 = a.forward(ids, ForwardContext.train(new Rng(5))).value();
        Tensor t3 = a.forward(ids, ForwardContext.train(new Rng(6))).value();
        assertThat(t1.bitEquals(t2)).isTrue();
        assertThat(t1.maxAbsDiff(t3)).isGreaterThan(1e-6);
        assertThat(t1.maxAbsDiff(a.forward(ids, EVAL).value())).isGreaterThan(1e-6);
        DecoderLM noDrop = new DecoderLM(DecoderLMConfig.tiny().withDropout(0), new Rng(7));
        assertThat(noDrop.forward(ids,
                ForwardContext.train(new Rng(5))).value().bitEquals(noDrop.forward(ids, EVAL).value())).isTrue();
    }

    @Test
    void greedyGenerationFollowsTheArgmax() {
        DecoderLM m = new DecoderLM(DecoderLMConfig.tiny(), new Rng(3));
        int[] out = m.generateGreedy(new int[] {1, 2}, 10, -1);
        assertThat(out).hasSize(12).startsWith(1, 2);
        for (int t = 2; t < out.length; t++) {
            int from = Math.max(0, t - 8);
            int[] ctx = java.util.Arrays.copyOfRange(out, from, t);
            Tensor logits = m.forward(new int[][] {ctx}, EVAL).value().slice(1, ctx.length - 1, ctx.length).reshape(-1);
            int best = 0;
            for (int v = 1; v < logits.numel(); v++) if (logits.getFlat(v) > logits.getFlat(best)) best = v;
            assertThat(out[t]).as("token %d", t).isEqualTo(best);
        }
        // the end token stops generation and is included
        int end = out[4];
        int[] stopped = m.generateGreedy(new int[] {1, 2}, 10, end);
        int firstEnd = 2;
        while (out[firstEnd] != end) firstEnd++;
        assertThat(stopped).containsExactly(java.util.Arrays.copyOfRange(out, 0, firstEnd + 1));
    }

    @Test
    void sampledGenerationIsSeeded() {
        DecoderLM m = new DecoderLM(DecoderLMConfig.tiny(), new Rng(3));
        int[] a = m.generateSampled(new int[] {1}, 20, -1, 1.0, new Rng(11));
        int[] b = m.generateSampled(new int[] {1}, 20, -1, 1.0, new Rng(11));
        int[] c = m.generateSampled(new int[] {1}, 20, -1, 1.0, new Rng(12));
        assertThat(a).containsExactly(b).hasSize(21);
        assertThat(a).isNotEqualTo(c);
        assertThat(m.generateSampled(new int[] {1}, 6, -1, 1e-9, new Rng(11)))
                .containsExactly(m.generateGreedy(new int[] {1}, 6, -1));
    }

    @Test
    void encoderDecoderGreedyDecode() {
        EncoderDecoder m = new EncoderDecoder(EncoderDecoderConfig.tiny(), new Rng(3));
        int[] src = {3, 4, 5};
        int[] out = m.greedyDecode(src, 1, -1, 5);
        assertThat(out).hasSize(5);
        int[] prefix = new int[6];
        prefix[0] = 1;
        System.arraycopy(out, 0, prefix, 1, 5);
        Tensor logits = m.forward(new int[][] {src}, null, new int[][] {java.util.Arrays.copyOf(prefix, 5)}, EVAL)
                .value();
        for (int t = 0; t < 5; t++) {
            Tensor row = logits.slice(1, t, t + 1).reshape(-1);
            int best = 0;
            for (int v = 1; v < row.numel(); v++) if (row.getFlat(v) > row.getFlat(best)) best = v;
            assertThat(out[t]).isEqualTo(best);
        }
    }

    @Test
    void encoderDecoderGreedyDecodeStopsAtTheEndTokenAndIncludesIt() {
        EncoderDecoder m = new EncoderDecoder(EncoderDecoderConfig.tiny(), new Rng(4));
        int[] src = {3, 4, 5, 6};
        int[] free = m.greedyDecode(src, 1, -1, 7); // no end token: exactly maxNewTokens
        assertThat(free).hasSize(7);
        for (int k = 0; k < free.length; k++) {
            int end = free[k];
            int first = 0;
            while (free[first] != end) first++;
            // stops right after the first occurrence of the end token, which is included; the prefix is unchanged
            assertThat(m.greedyDecode(src, 1, end, 7)).as("end token %d", end)
                    .containsExactly(java.util.Arrays.copyOf(free, first + 1));
        }
        // an end token never produced changes nothing
        int unused = 0;
        while (contains(free, unused)) unused++;
        assertThat(m.greedyDecode(src, 1, unused, 7)).containsExactly(free);
        assertThat(m.greedyDecode(src, 1, free[0], 0)).isEmpty();
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) if (x == v) return true;
        return false;
    }

    @Test
    void badInputsNameTheProblem() {
        EncoderClassifier m = new EncoderClassifier(EncoderClassifierConfig.tiny(), new Rng(1));
        assertThatThrownBy(() -> m.forward(new int[][] {{1, 13}}, null, EVAL))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("id 13");
        assertThatThrownBy(() -> m.forward(new int[][] {{1, 2}, {1}}, null, EVAL)).hasMessageContaining("ragged");
        assertThatThrownBy(() -> m.forward(new int[][] {new int[9]}, null, EVAL)).hasMessageContaining("length 9");
        assertThatThrownBy(() -> m.forward(new int[][] {{1, 2}}, new int[][] {{0, 0}}, EVAL))
                .hasMessageContaining("all padding");
        assertThatThrownBy(() -> m.loss(new int[][] {{1, 2}}, null, new int[] {3}, EVAL))
                .hasMessageContaining("target 3");
        assertThatThrownBy(() -> new EncoderClassifierConfig(13, 8, 10, 2, 3, 0.1, 3, DType.FLOAT64))
                .hasMessageContaining("not divisible");
        assertThatThrownBy(() -> ForwardContext.train(null)).hasMessageContaining("Rng");
    }
}
