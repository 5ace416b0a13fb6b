package cola4j.models;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.autograd.Activations;
import cola4j.autograd.Losses;
import cola4j.autograd.Var;
import cola4j.models.layers.MultiHeadAttention;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Causal and padding masks: what must not influence an output does not, bit for bit. */
class MaskTest {
    static final ForwardContext EVAL = ForwardContext.eval();

    @Test
    void changingAFutureTokenNeverChangesEarlierLogits() {
        DecoderLM m = new DecoderLM(DecoderLMConfig.tiny(), new Rng(1));
        int[] base = {1, 4, 6, 2, 8, 3, 7};
        Tensor ref = m.forward(new int[][] {base}, EVAL).value(); // [1, T, V]
        for (int k = 0; k < base.length; k++) {
            int[] changed = base.clone();
            changed[k] = (base[k] + 5) % 11;
            Tensor out = m.forward(new int[][] {changed}, EVAL).value();
            assertThat(out.slice(1, 0, k).bitEquals(ref.slice(1, 0, k))).as("positions before %d", k).isTrue();
            assertThat(out.slice(1, k, k + 1).maxAbsDiff(ref.slice(1, k, k + 1))).as("position %d itself changes", k)
                    .isGreaterThan(1e-6);
        }
    }

    @Test
    void decoderSideOfEncoderDecoderIsCausal() {
        EncoderDecoder m = new EncoderDecoder(EncoderDecoderConfig.tiny(), new Rng(2));
        int[][] src = {{3, 4, 5}};
        Tensor ref = m.forward(src, null, new int[][] {{1, 6, 7, 8}}, EVAL).value();
        Tensor out = m.forward(src, null, new int[][] {{1, 6, 9, 8}}, EVAL).value();
        assertThat(out.slice(1, 0, 2).bitEquals(ref.slice(1, 0, 2))).isTrue();
        assertThat(out.slice(1, 2, 4).maxAbsDiff(ref.slice(1, 2, 4))).isGreaterThan(1e-6);
    }

    @Test
    void paddedTokensNeverChangeUnpaddedOutputs() {
        EncoderClassifier m = new EncoderClassifier(EncoderClassifierConfig.tiny(), new Rng(3));
        int[][] mask = {{1, 1, 1, 0, 0}, {1, 1, 1, 1, 1}};
        Tensor ref = m.forward(new int[][] {{0, 5, 7, 1, 1}, {0, 2, 3, 4, 5}}, mask, EVAL).value();
        Tensor out = m.forward(new int[][] {{0, 5, 7, 11, 6}, {0, 2, 3, 4, 5}}, mask, EVAL).value();
        assertThat(out.bitEquals(ref)).isTrue();
        // and equals the unpadded sequence on its own (different T: equal up to summation order)
        Tensor alone = m.forward(new int[][] {{0, 5, 7}}, null, EVAL).value();
        assertThat(alone.maxAbsDiff(ref.slice(0, 0, 1))).isLessThan(1e-13);
        // without the mask the padded tokens do matter (the mask is what protects them)
        Tensor unmasked = m.forward(new int[][] {{0, 5, 7, 11, 6}, {0, 2, 3, 4, 5}}, null, EVAL).value();
        assertThat(unmasked.slice(0, 0, 1).maxAbsDiff(ref.slice(0, 0, 1))).isGreaterThan(1e-6);
    }

    @Test
    void leftPaddedDecoderLmInputsNeverChangeUnpaddedOutputs() {
        DecoderLM m = new DecoderLM(DecoderLMConfig.tiny(), new Rng(5));
        int[][] mask = {{0, 0, 1, 1, 1}, {1, 1, 1, 1, 1}};
        Tensor ref = m.forward(new int[][] {{0, 0, 4, 7, 2}, {3, 9, 1, 5, 6}}, mask, EVAL).value(); // [2, 5, V]
        Tensor out = m.forward(new int[][] {{8, 10, 4, 7, 2}, {3, 9, 1, 5, 6}}, mask, EVAL).value();
        // the real positions 2..4 of row 0 and all of row 1 are bit-identical whatever the padded ids hold
        assertThat(out.slice(0, 0, 1).slice(1, 2, 5).bitEquals(ref.slice(0, 0, 1).slice(1, 2, 5))).isTrue();
        assertThat(out.slice(0, 1, 2).bitEquals(ref.slice(0, 1, 2))).isTrue();
        // without the mask the padded ids do reach the real positions (the mask is what protects them)
        Tensor unmasked = m.forward(new int[][] {{8, 10, 4, 7, 2}, {3, 9, 1, 5, 6}}, null, EVAL).value();
        assertThat(unmasked.slice(0, 0, 1).slice(1, 2, 5).maxAbsDiff(ref.slice(0, 0, 1).slice(1, 2, 5)))
                .isGreaterThan(1e-6);
        // learned positions: left padding shifts the real tokens to positions 2..4,
        // so the result is not the unpadded one
        Tensor alone = m.forward(new int[][] {{4, 7, 2}}, EVAL).value();
        assertThat(alone.maxAbsDiff(ref.slice(0, 0, 1).slice(1, 2, 5))).isGreaterThan(1e-6);
        // and the gradient of a loss on real positions never reaches the padded ids' embedding rows
        DecoderLM g = new DecoderLM(DecoderLMConfig.tiny().withDropout(0), new Rng(5));
        Var logits = g.forward(new int[][] {{8, 10, 4, 7, 2}, {3, 9, 1, 5, 6}}, mask, EVAL).reshape(10, 11);
        Var loss = Losses.crossEntropy(logits, new int[] {-100, -100, 7, 2, 5, 9, 1, 5, 6, 3});
        loss.backward();
        Tensor embGrad = g.namedParameters().get("embed.token.weight").grad(); // [V, C]
        for (int id : new int[] {8, 10}) {
            assertThat(embGrad.slice(0, id, id + 1).maxAbs()).as("grad of padded id %d", id).isZero();
        }
    }

    @Test
    void paddedSourceNeverChangesDecoderOutputs() {
        EncoderDecoder m = new EncoderDecoder(EncoderDecoderConfig.tiny(), new Rng(4));
        int[][] srcMask = {{1, 1, 0, 0}};
        int[][] tgt = {{1, 6, 7}};
        Tensor ref = m.forward(new int[][] {{3, 4, 0, 0}}, srcMask, tgt, EVAL).value();
        Tensor out = m.forward(new int[][] {{3, 4, 9, 10}}, srcMask, tgt, EVAL).value();
        assertThat(out.bitEquals(ref)).isTrue();
    }

    /** Attention against a direct loop implementation of the documented formula. */
    @Test
    void attentionMatchesLoopFormula() {
        int b = 2, t = 3, c = 4, nh = 2, hs = 2;
        MultiHeadAttention a = new MultiHeadAttention("attn", c, nh, 0.0, DType.FLOAT64, new Rng(5));
        Tensor x = new Rng(6).normal(DType.FLOAT64, 0, 1, b, t, c);
        int[][] mask = {{1, 1, 0}, {1, 1, 1}};
        Tensor got = a.forward(Var.constant(x), Var.constant(x), true, mask, EVAL).value();
        var p = a.namedParameters();
        Tensor q = lin(x, p.get("query.weight").value(), p.get("query.bias").value());
        Tensor k = lin(x, p.get("key.weight").value(), p.get("key.bias").value());
        Tensor v = lin(x, p.get("value.weight").value(), p.get("value.bias").value());
        Tensor y = Tensor.zeros(DType.FLOAT64, b, t, c);
        for (int n = 0; n < b; n++) {
            for (int h = 0; h < nh; h++) {
                for (int i = 0; i < t; i++) {
                    double[] s = new double[t];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < t; j++) {
                        if (j > i || mask[n][j] == 0) { s[j] = Double.NaN; continue; }
                        double dot = 0;
                        for (int d = 0; d < hs; d++) dot += q.get(n, i, h * hs + d) * k.get(n, j, h * hs + d);
                        s[j] = dot / Math.sqrt(hs);
                        max = Math.max(max, s[j]);
                    }
                    double z = 0;
                    for (int j = 0; j < t; j++) if (!Double.isNaN(s[j])) z += Math.exp(s[j] - max);
                    for (int d = 0; d < hs; d++) {
                        double acc = 0;
                        for (int j = 0; j < t; j++) {
                            if (!Double.isNaN(s[j])) acc += Math.exp(s[j] - max) / z * v.get(n, j, h * hs + d);
                        }
                        y.setFlat((n * t + i) * c + h * hs + d, acc);
                    }
                }
            }
        }
        Tensor want = lin(y, p.get("out.weight").value(), p.get("out.bias").value());
        assertThat(got.maxAbsDiff(want)).isLessThan(1e-13);
    }

    private static Tensor lin(Tensor x, Tensor w, Tensor bias) {
        return x.matmul(w, false, true).add(bias);
    }

    @Test
    void softmaxRowsSumToOne() {
        Var x = Var.constant(new Rng(1).normal(DType.FLOAT64, 0, 5, 3, 7));
        Tensor s = Activations.softmax(x, -1).value().sum(false, -1);
        for (int i = 0; i < 3; i++) assertThat(s.getFlat(i)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-15));
    }
}
