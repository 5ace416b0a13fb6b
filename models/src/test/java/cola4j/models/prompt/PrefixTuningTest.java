package cola4j.models.prompt;

import static cola4j.autograd.GradCheck.Config.MODEL;
import static cola4j.autograd.GradCheck.MODEL_TOL;
import static cola4j.autograd.GradCheck.checkParams;
import static org.assertj.core.api.Assertions.assertThat;

import cola4j.autograd.Var;
import cola4j.models.DecoderLM;
import cola4j.models.DecoderLMConfig;
import cola4j.models.EncoderDecoder;
import cola4j.models.EncoderDecoderConfig;
import cola4j.models.ForwardContext;
import cola4j.models.layers.Dropout;
import cola4j.models.layers.MultiHeadAttention;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link PrefixTuning} in float64 on the tiny presets: n = 0 is the base bit for bit; a prefix equal to the cached
 * keys and values of n real tokens gives exactly the base model on those tokens followed by the input (the
 * KV-cache identity: prefix visible to every query; position table zeroed, as the input keeps positions
 * 0..T−1); the MLP against its formula; every parameter's gradient by central differences; the attention core
 * with a prefix against an explicit loop.
 */
class PrefixTuningTest {
    static final ForwardContext EVAL = ForwardContext.eval();
    static final int[][] IDS = {{1, 4, 6, 2, 8}, {10, 0, 5, 5, 7}};

    @Test
    void zeroLengthPrefixIsTheBaseModelBitForBit() {
        DecoderLM d = new DecoderLM(DecoderLMConfig.tiny(), new Rng(1));
        for (int hidden : new int[] {0, 6}) {
            PrefixTuning none = new PrefixTuning(PrefixTuning.attentions(d), 0, 8, hidden, DType.FLOAT64, new Rng(2));
            assertThat(d.forward(IDS, EVAL.withTokens(none.tokens())).value().bitEquals(d.forward(IDS, EVAL).value()))
                    .isTrue();
        }
        EncoderDecoder s = new EncoderDecoder(EncoderDecoderConfig.tiny(), new Rng(3));
        PrefixTuning none = new PrefixTuning(PrefixTuning.attentions(s), 0, 8, 6, DType.FLOAT64, new Rng(2));
        int[][] src = {{3, 4, 5, 6}, {7, 8, 0, 0}}, mask = {{1, 1, 1, 1}, {1, 1, 0, 0}}, tgt = {{1, 9}, {1, 2}};
        assertThat(s.forward(src, mask, tgt, EVAL.withTokens(none.tokens())).value()
                .bitEquals(s.forward(src, mask, tgt, EVAL).value())).isTrue();
    }

    @Test
    void attentionsAreEverySelfAndCrossAttention() {
        assertThat(PrefixTuning.attentions(new DecoderLM(DecoderLMConfig.tiny(), new Rng(1))))
                .containsExactly("blocks.0.attn", "blocks.1.attn");
        assertThat(PrefixTuning.attentions(new EncoderDecoder(EncoderDecoderConfig.tiny(), new Rng(1))))
                .contains("encoder.blocks.0.attn", "decoder.blocks.0.attn", "decoder.blocks.0.cross_attn");
    }

    @Test
    void cachedKeysAndValuesAsPrefixReproduceTheBaseModel() {
        DecoderLM d = new DecoderLM(DecoderLMConfig.tiny(), new Rng(1));
        PromptTuningTest.zero(d, "embed.position.weight"); // the input keeps positions 0..T−1, not n..n+T−1
        int[] p = {3, 9};
        int n = p.length, c = 8;
        Map<String, Tensor> cache = new HashMap<>();
        ForwardContext capture = EVAL.withInterceptor((site, x, h) -> {
            if (site.name().endsWith("attn.key") || site.name().endsWith("attn.value")) {
                cache.put(site.name(), h.value().slice(0, 0, 1).slice(1, 0, n).reshape(n, c)); // row 0, positions < n
            }
            return h;
        });
        Tensor want = d.forward(PromptTuningTest.prepend(p, IDS), capture).value().slice(1, n, n + 5);
        List<String> slots = PrefixTuning.attentions(d);
        PrefixTuning pre = new PrefixTuning(slots, n, c, 0, DType.FLOAT64, new Rng(2));
        Tensor e = pre.namedParameters().get("embedding.weight").value(); // [n, 2·L·C]
        for (int s = 0; s < slots.size(); s++) {
            Tensor k = cache.get(slots.get(s) + ".key"), v = cache.get(slots.get(s) + ".value");
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < c; j++) {
                    e.setFlat(i * 2 * slots.size() * c + 2 * s * c + j, k.getFlat(i * c + j));
                    e.setFlat(i * 2 * slots.size() * c + (2 * s + 1) * c + j, v.getFlat(i * c + j));
                }
            }
        }
        Tensor got = d.forward(IDS, EVAL.withTokens(pre.tokens())).value();
        assertThat(got.maxAbsDiff(want)).isLessThan(1e-13);
        assertThat(got.maxAbsDiff(d.forward(IDS, EVAL).value())).as("the prefix matters").isGreaterThan(1e-6);
    }

    @Test
    void reparameterisationIsTanhMlpOfTheEmbedding() {
        PrefixTuning pre = new PrefixTuning(List.of("a", "b"), 3, 4, 5, DType.FLOAT64, new Rng(8));
        Map<String, Var> w = pre.namedParameters();
        assertThat(w.keySet()).containsExactly("embedding.weight", "transform.0.weight", "transform.0.bias",
                "transform.2.weight", "transform.2.bias");
        Tensor e = w.get("embedding.weight").value(), w1 = w.get("transform.0.weight").value();
        Tensor b1 = w.get("transform.0.bias").value(), w2 = w.get("transform.2.weight").value();
        Tensor b2 = w.get("transform.2.bias").value(), z = pre.prefixes().value();
        assertThat(z.shape()).containsExactly(3, 2 * 2 * 4);
        double worst = 0;
        for (int i = 0; i < 3; i++) {
            double[] a = new double[5];
            for (int h = 0; h < 5; h++) {
                double s = b1.getFlat(h);
                for (int j = 0; j < 4; j++) s += e.getFlat(i * 4 + j) * w1.getFlat(h * 4 + j);
                a[h] = Math.tanh(s);
            }
            for (int o = 0; o < 16; o++) {
                double s = b2.getFlat(o);
                for (int h = 0; h < 5; h++) s += a[h] * w2.getFlat(o * 5 + h);
                worst = Math.max(worst, Math.abs(s - z.getFlat(i * 16 + o)));
            }
        }
        assertThat(worst).isLessThan(1e-14);
        Var key = pre.tokens().prefix("b").key(); // slot 1's key: columns 2·1·4 .. 3·4
        assertThat(key.value().bitEquals(z.slice(1, 8, 12))).isTrue();
        assertThat(pre.tokens().prefix("c")).isNull();
    }

    @Test
    void prefixGradientsMatchFiniteDifferencesWithTheBaseFrozen() {
        DecoderLM d = new DecoderLM(DecoderLMConfig.tiny(), new Rng(1));
        d.freeze();
        for (int hidden : new int[] {0, 6}) {
            PrefixTuning pre = new PrefixTuning(PrefixTuning.attentions(d), 2, 8, hidden, DType.FLOAT64, new Rng(4));
            checkParams(() -> d.nextTokenLoss(IDS, ForwardContext.train(new Rng(9)).withTokens(pre.tokens())),
                    pre.namedParameters(), 40, 7, MODEL).require("decoder prefix H=" + hidden, MODEL_TOL);
        }
        assertThat(d.namedParameters().values()).allSatisfy(v -> assertThat(v.grad()).isNull());
        EncoderDecoder s = new EncoderDecoder(EncoderDecoderConfig.tiny(), new Rng(3));
        s.freeze();
        PrefixTuning pre = new PrefixTuning(PrefixTuning.attentions(s), 2, 8, 6, DType.FLOAT64, new Rng(4));
        int[][] src = {{3, 4, 5, 6}, {7, 8, 0, 0}}, mask = {{1, 1, 1, 1}, {1, 1, 0, 0}};
        int[][] tgtIn = {{1, 9, 10}, {1, 2, 0}}, tgtOut = {{9, 10, 2}, {2, -100, -100}};
        checkParams(() -> s.loss(src, mask, tgtIn, tgtOut, ForwardContext.train(new Rng(9)).withTokens(pre.tokens())),
                pre.namedParameters(), 40, 7, MODEL).require("encoder-decoder prefix", MODEL_TOL);
    }

    @Test
    void everyQuerySeesThePrefixAndNoneSeesTheFuture() {
        DecoderLM d = new DecoderLM(DecoderLMConfig.tiny(), new Rng(1));
        PrefixTuning pre = new PrefixTuning(PrefixTuning.attentions(d), 2, 8, 6, DType.FLOAT64, new Rng(4));
        Tensor ref = d.forward(IDS, EVAL.withTokens(pre.tokens())).value();
        for (int k = 0; k < IDS[0].length; k++) {
            int[][] changed = {IDS[0].clone()};
            changed[0][k] = (changed[0][k] + 5) % 11;
            Tensor out = d.forward(changed, EVAL.withTokens(pre.tokens())).value(), row0 = ref.slice(0, 0, 1);
            assertThat(out.slice(1, 0, k).bitEquals(row0.slice(1, 0, k))).as("positions before %d", k).isTrue();
            assertThat(out.slice(1, k, k + 1).maxAbsDiff(row0.slice(1, k, k + 1))).isGreaterThan(1e-6);
        }
        Tensor e = pre.namedParameters().get("embedding.weight").value();
        e.setFlat(8 + 1, e.getFlat(8 + 1) + 0.5); // the second prefix position
        Tensor moved = d.forward(IDS, EVAL.withTokens(pre.tokens())).value();
        for (int t = 0; t < IDS[0].length; t++) {
            assertThat(moved.slice(1, t, t + 1).maxAbsDiff(ref.slice(1, t, t + 1))).as("position %d", t)
                    .isGreaterThan(1e-8);
        }
    }

    @Test
    void attentionWithPrefixMatchesAnExplicitLoop() {
        Rng r = new Rng(11);
        int b = 2, tq = 3, np = 2, c = 4, heads = 2, hs = 2, tk = np + tq;
        Tensor q = r.normal(DType.FLOAT64, 0, 1, b, tq, c), k = r.normal(DType.FLOAT64, 0, 1, b, tk, c);
        Tensor v = r.normal(DType.FLOAT64, 0, 1, b, tk, c);
        int[][] keyMask = {{1, 1, 1, 1, 1}, {1, 1, 1, 1, 0}};
        for (boolean causal : new boolean[] {true, false}) {
            Tensor y = MultiHeadAttention.attend(Var.constant(q), Var.constant(k), Var.constant(v), heads, causal, np,
                    keyMask, new Dropout(0.0), EVAL).value();
            double worst = 0;
            for (int n = 0; n < b; n++) {
                for (int h = 0; h < heads; h++) {
                    for (int i = 0; i < tq; i++) {
                        double[] s = new double[tk];
                        double max = Double.NEGATIVE_INFINITY, z = 0;
                        for (int j = 0; j < tk; j++) {
                            boolean ok = (!causal || j < np || j - np <= i) && keyMask[n][j] == 1;
                            double dot = 0;
                            for (int e = 0; e < hs; e++) {
                                dot += q.getFlat((n * tq + i) * c + h * hs + e)
                                        * k.getFlat((n * tk + j) * c + h * hs + e);
                            }
                            s[j] = ok ? dot / Math.sqrt(hs) : Double.NEGATIVE_INFINITY;
                            max = Math.max(max, s[j]);
                        }
                        for (int j = 0; j < tk; j++) z += Math.exp(s[j] - max);
                        for (int e = 0; e < hs; e++) {
                            double out = 0;
                            for (int j = 0; j < tk; j++) {
                                out += Math.exp(s[j] - max) / z * v.getFlat((n * tk + j) * c + h * hs + e);
                            }
                            worst = Math.max(worst, Math.abs(out - y.getFlat((n * tq + i) * c + h * hs + e)));
                        }
                    }
                }
            }
            assertThat(worst).as("causal %s", causal).isLessThan(1e-14);
        }
    }
}
