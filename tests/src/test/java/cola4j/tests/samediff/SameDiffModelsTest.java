package cola4j.tests.samediff;

import cola4j.autograd.GradMode;
import cola4j.autograd.Var;
import cola4j.oracle.SameDiffOracle;
import cola4j.oracle.SdTransformer;
import cola4j.models.DecoderLM;
import cola4j.models.DecoderLMConfig;
import cola4j.models.EncoderClassifier;
import cola4j.models.EncoderClassifierConfig;
import cola4j.models.EncoderDecoder;
import cola4j.models.EncoderDecoderConfig;
import cola4j.models.ForwardContext;
import cola4j.models.MlpClassifier;
import cola4j.models.MlpClassifierConfig;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * The four models at their {@code tiny()} presets (float64; dropout 0.1 configured, inactive in
 * {@link ForwardContext#eval()}) against SameDiff graphs rebuilt from docs/models.md with the same parameter
 * values: logits, loss and the gradient of the loss with respect to every named parameter.
 *
 * <p>Parameters are first moved off their init ({@link Agreement#perturb}, σ = 0.1) so LayerNorm γ/β and the small
 * embeddings take generic values. Tolerance {@link #TOL} = 1e-10 max-norm relative for every value and gradient:
 * both sides are IEEE double evaluations of the same formula with different kernels and summation orders
 * through ≤ 4 blocks of width ≤ 32, which leaves ~1e-15–1e-13 of rounding; any formula, mask, layout or VJP
 * mistake shows up at ≥ 1e-4. Attention key biases have an analytically zero gradient (see {@link Agreement}).
 */
class SameDiffModelsTest {
    static final double TOL = 1e-10;

    @Test
    void encoderClassifier() {
        EncoderClassifierConfig c = EncoderClassifierConfig.tiny();
        EncoderClassifier model = new EncoderClassifier(c, new Rng(11));
        Map<String, Var> params = model.namedParameters();
        Agreement.perturb(params, 12, 0.1);
        int[][] ids = {{1, 5, 7, 2, 0, 0}, {1, 12, 3, 3, 9, 2}, {1, 4, 2, 0, 0, 0}};
        int[][] mask = {{1, 1, 1, 1, 0, 0}, {1, 1, 1, 1, 1, 1}, {1, 1, 1, 0, 0, 0}};
        int[] labels = {2, 0, 1};
        int b = ids.length, t = ids[0].length;

        Tensor logits = noGrad(() -> model.forward(ids, mask, ForwardContext.eval()));
        Var loss = model.loss(ids, mask, labels, ForwardContext.eval());
        loss.backward();

        SdTransformer sdt = new SdTransformer(new SameDiffOracle(), params, c.heads());
        SDVariable h = sdt.stack("", ids, mask, c.layers(), c.dModel(), c.maxLen(), false, null, 0, null); // [B·T, C]
        SDVariable first = h.reshape(b, t, c.dModel()).get(SDIndex.all(), SDIndex.point(0), SDIndex.all()); // [B, C]
        SDVariable z = sdt.oracle().sd().math().tanh(sdt.linear("head.dense", first, true));
        SDVariable sLogits = sdt.linear("head.out", z, true); // [B, K]
        check("EncoderClassifier", sdt, params, logits, sLogits, loss, sdt.crossEntropy(sLogits, labels, c.classes()),
                b, c.classes());
    }

    @Test
    void decoderLm() {
        DecoderLMConfig c = DecoderLMConfig.tiny();
        DecoderLM model = new DecoderLM(c, new Rng(21));
        Map<String, Var> params = model.namedParameters();
        Agreement.perturb(params, 22, 0.1);
        // next-token targets: prompt positions and right padding (id 0 after the end token 2) are ignored
        int[][] inputs = {{1, 4, 6, 8, 3, 2, 0}, {1, 9, 10, 5, 7, 6, 3}};
        int[][] targets = {{-100, -100, 8, 3, 2, -100, -100}, {9, 10, 5, 7, 6, 3, 2}};
        int b = inputs.length, t = inputs[0].length, v = c.vocabSize();

        Tensor logits = noGrad(() -> model.forward(inputs, ForwardContext.eval()));
        Var loss = model.loss(inputs, targets, ForwardContext.eval());
        loss.backward();

        SdTransformer sdt = new SdTransformer(new SameDiffOracle(), params, c.heads());
        // [B·T, C]
        SDVariable h = sdt.stack("", inputs, null, c.layers(), c.dModel(), c.maxLen(), true, null, 0, null);
        SDVariable sLogits = sdt.linear("lm_head", h, false); // [B·T, V]
        check("DecoderLM", sdt, params, logits.reshape(b * t, v), sLogits, loss,
                sdt.crossEntropy(sLogits, flatten(targets), v), b * t, v);
    }

    @Test
    void encoderDecoder() {
        EncoderDecoderConfig c = EncoderDecoderConfig.tiny();
        EncoderDecoder model = new EncoderDecoder(c, new Rng(31));
        Map<String, Var> params = model.namedParameters();
        Agreement.perturb(params, 32, 0.1);
        int[][] src = {{5, 6, 7, 8, 2}, {9, 3, 2, 0, 0}};
        int[][] srcMask = {{1, 1, 1, 1, 1}, {1, 1, 1, 0, 0}};
        int[][] tgtIn = {{1, 8, 7, 6, 5, 4}, {1, 3, 9, 2, 0, 0}};   // start token 1, right padding 0
        int[][] tgtOut = {{8, 7, 6, 5, 4, 2}, {3, 9, 2, -100, -100, -100}};
        int b = src.length, s = src[0].length, t = tgtIn[0].length, v = c.vocabSize();

        Tensor logits = noGrad(() -> model.forward(src, srcMask, tgtIn, ForwardContext.eval()));
        Var loss = model.loss(src, srcMask, tgtIn, tgtOut, ForwardContext.eval());
        loss.backward();

        SdTransformer sdt = new SdTransformer(new SameDiffOracle(), params, c.heads());
        SDVariable memory = sdt.stack("encoder", src, srcMask, c.encoderLayers(), c.dModel(), c.maxLen(), false, null,
                0, null); // [B·S, C]
        SDVariable h = sdt.stack("decoder", tgtIn, null, c.decoderLayers(), c.dModel(), c.maxLen(), true, memory, s,
                srcMask); // [B·Tt, C]
        SDVariable sLogits = sdt.linear("lm_head", h, false); // [B·Tt, V]
        check("EncoderDecoder", sdt, params, logits.reshape(b * t, v), sLogits, loss,
                sdt.crossEntropy(sLogits, flatten(tgtOut), v), b * t, v);
    }

    @Test
    void mlpClassifier() {
        MlpClassifierConfig c = MlpClassifierConfig.tiny();
        MlpClassifier model = new MlpClassifier(c, new Rng(41));
        Map<String, Var> params = model.namedParameters();
        Agreement.perturb(params, 42, 0.1);
        Tensor x = new Rng(43).normal(DType.FLOAT64, 0, 1, 4, 2, 3); // [B, 2, 3], flattened row-major to [B, 6]
        int[] labels = {2, 0, 1, 1};

        Tensor logits = noGrad(() -> model.forward(x, ForwardContext.eval()));
        Var loss = model.loss(x, labels, ForwardContext.eval());
        loss.backward();

        SdTransformer sdt = new SdTransformer(new SameDiffOracle(), params, 1);
        SDVariable a = sdt.constant(x.reshape(4, c.inputDim()));
        for (int i = 0; i < c.hidden().size(); i++) {
            a = sdt.oracle().sd().nn().relu(sdt.linear("layers." + i, a, true), 0.0);
        }
        SDVariable sLogits = sdt.linear("head", a, true);
        check("MlpClassifier", sdt, params, logits, sLogits, loss, sdt.crossEntropy(sLogits, labels, c.classes()), 4,
                c.classes());
    }

    /** Logits, loss and all parameter gradients; refLogits is [rows, k]. */
    private static void check(String what, SdTransformer sdt, Map<String, Var> params, Tensor logits,
            SDVariable refLogits,
                              Var loss, SDVariable refLoss, int rows, int k) {
        SameDiffOracle.Result ref = sdt.oracle().run(refLoss);
        Agreement a = new Agreement(what, TOL);
        a.values("logits", logits, sdt.oracle().eval(refLogits).reshape(rows, k));
        a.loss(loss, ref.loss());
        a.grads(params, ref.grads());
        a.summary();
    }

    private static Tensor noGrad(java.util.function.Supplier<Var> f) {
        try (var s = GradMode.noGrad()) {
            return f.get().value();
        }
    }

    private static int[] flatten(int[][] rows) {
        int t = rows[0].length;
        int[] flat = new int[rows.length * t];
        for (int i = 0; i < rows.length; i++) System.arraycopy(rows[i], 0, flat, i * t, t);
        return flat;
    }
}
