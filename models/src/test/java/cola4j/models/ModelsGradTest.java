package cola4j.models;

import static cola4j.autograd.GradCheck.Config.MODEL;
import static cola4j.autograd.GradCheck.MODEL_TOL;
import static cola4j.autograd.GradCheck.checkParams;
import static cola4j.autograd.GradCheck.project;
import static org.assertj.core.api.Assertions.assertThat;

import cola4j.autograd.Var;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Each model's loss gradient against central finite differences ({@link cola4j.autograd.GradCheck#checkParams},
 * {@code Config.MODEL}, {@code MODEL_TOL}), tiny presets, float64, dropout active.
 */
class ModelsGradTest {
    static ForwardContext train() {
        return ForwardContext.train(new Rng(99));
    }

    @Test
    void encoderClassifier() {
        EncoderClassifier m = new EncoderClassifier(EncoderClassifierConfig.tiny(), new Rng(1));
        int[][] ids = {{0, 5, 7, 2, 1}, {0, 12, 3, 9, 9}};
        int[][] mask = {{1, 1, 1, 1, 1}, {1, 1, 1, 0, 0}};
        int[] labels = {2, 0};
        int n = checkParams(() -> m.loss(ids, mask, labels, train()), m.namedParameters(), 4, 7, MODEL)
                .require("encoderClassifier", MODEL_TOL).checked();
        assertThat(n).isGreaterThan(100);
    }

    @Test
    void decoderLM() {
        DecoderLM m = new DecoderLM(DecoderLMConfig.tiny(), new Rng(2));
        int[][] ids = {{1, 4, 6, 2, 8, 3}, {10, 0, 5, 5, 7, 9}};
        checkParams(() -> m.nextTokenLoss(ids, train()), m.namedParameters(), 4, 7, MODEL)
                .require("decoderLM", MODEL_TOL);
    }

    @Test
    void decoderLMIgnoresTargets() {
        DecoderLM m = new DecoderLM(DecoderLMConfig.tiny(), new Rng(2));
        int[][] in = {{1, 4, 6, 2}}, tg = {{-100, -100, 2, 8}};
        checkParams(() -> m.loss(in, tg, train()), m.namedParameters(), 3, 7, MODEL)
                .require("decoderLMIgnoresTargets", MODEL_TOL);
        // the ignored rows do not count: equals the mean over the two counted positions computed by hand
        Tensor logits = m.forward(in, ForwardContext.eval()).value();
        double want = 0;
        for (int t = 2; t < 4; t++) {
            Tensor row = logits.slice(1, t, t + 1).reshape(-1);
            double max = row.maxAbs(), z = 0;
            for (int v = 0; v < row.numel(); v++) z += Math.exp(row.getFlat(v) - max);
            want += -(row.getFlat(tg[0][t]) - max - Math.log(z));
        }
        assertThat(m.loss(in, tg, ForwardContext.eval()).value().item())
                .isCloseTo(want / 2, org.assertj.core.data.Offset.offset(1e-13));
    }

    @Test
    void encoderDecoder() {
        EncoderDecoder m = new EncoderDecoder(EncoderDecoderConfig.tiny(), new Rng(3));
        int[][] src = {{3, 4, 5, 6}, {7, 8, 0, 0}}, srcMask = {{1, 1, 1, 1}, {1, 1, 0, 0}};
        int[][] tgtIn = {{1, 9, 10}, {1, 2, 0}}, tgtOut = {{9, 10, 2}, {2, -100, -100}};
        checkParams(() -> m.loss(src, srcMask, tgtIn, tgtOut, train()), m.namedParameters(), 3, 7, MODEL)
                .require("encoderDecoder", MODEL_TOL);
    }

    @Test
    void mlpClassifier() {
        MlpClassifier m = new MlpClassifier(MlpClassifierConfig.tiny(), new Rng(4));
        Tensor x = new Rng(5).normal(cola4j.tensor.DType.FLOAT64, 0, 1, 4, 2, 3); // [B, 2, 3] flattened to [B, 6]
        int[] labels = {0, 2, 1, 2};
        int n = checkParams(() -> m.loss(x, labels, train()), m.namedParameters(), 1000, 7, MODEL)
                .require("mlpClassifier", MODEL_TOL).checked();
        assertThat(n).isEqualTo((int) m.parameterCount());
    }

    @Test
    void namesArePinned() {
        EncoderDecoder m = new EncoderDecoder(EncoderDecoderConfig.tiny(), new Rng(3));
        assertThat(m.namedParameters().keySet())
                .startsWith("encoder.embed.token.weight", "encoder.embed.position.weight",
                "encoder.blocks.0.ln1.weight", "encoder.blocks.0.ln1.bias", "encoder.blocks.0.attn.query.weight");
        assertThat(m.namedParameters()).containsKeys("decoder.blocks.1.cross_attn.value.bias",
                        "decoder.blocks.1.ln_cross.weight", "decoder.ln_f.bias", "lm_head.weight")
                .doesNotContainKey("lm_head.bias");
        EncoderClassifier c = new EncoderClassifier(EncoderClassifierConfig.tiny(), new Rng(1));
        assertThat(c.namedParameters())
                .containsKeys("blocks.1.mlp.fc1.weight", "head.dense.bias", "head.out.weight", "ln_f.weight");
        for (Var v : c.namedParameters().values()) assertThat(v.requiresGrad()).isTrue();
    }
}
