package cola4j.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cola4j.autograd.Var;
import cola4j.models.layers.Linear;
import cola4j.models.site.GradientProbe;
import cola4j.models.site.Site;
import cola4j.models.site.SiteSelector;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Site names, selection, merge/unmerge, interceptors and freezing. */
class SiteTest {
    static final ForwardContext EVAL = ForwardContext.eval();

    static List<String> names(List<Site> sites) {
        return sites.stream().map(Site::name).toList();
    }

    @Test
    void everySiteHasItsParameters() {
        for (Model m : List.<Model>of(new EncoderClassifier(EncoderClassifierConfig.tiny(), new Rng(1)),
                new DecoderLM(DecoderLMConfig.tiny(), new Rng(1)),
                new EncoderDecoder(EncoderDecoderConfig.tiny(), new Rng(1)),
                new MlpClassifier(MlpClassifierConfig.tiny(), new Rng(1)))) {
            var params = m.namedParameters();
            for (Site s : m.sites().values()) {
                assertThat(params.get(s.name() + ".weight").value()).as(s.name()).isSameAs(s.weight());
                if (s.bias() != null) assertThat(params.get(s.name() + ".bias").value()).isSameAs(s.bias());
            }
        }
    }

    @Test
    void selectionBySuffixRegexAndLayers() {
        EncoderDecoder m = new EncoderDecoder(EncoderDecoderConfig.tiny(), new Rng(1));
        assertThat(names(m.sites(SiteSelector.suffixes("query", "value")))).containsExactly(
                "encoder.blocks.0.attn.query", "encoder.blocks.0.attn.value",
                "encoder.blocks.1.attn.query", "encoder.blocks.1.attn.value",
                "decoder.blocks.0.attn.query", "decoder.blocks.0.attn.value",
                "decoder.blocks.0.cross_attn.query", "decoder.blocks.0.cross_attn.value",
                "decoder.blocks.1.attn.query", "decoder.blocks.1.attn.value",
                "decoder.blocks.1.cross_attn.query", "decoder.blocks.1.cross_attn.value");
        assertThat(names(m.sites(SiteSelector.suffixes("attn.query")))).containsExactly(
                "encoder.blocks.0.attn.query", "encoder.blocks.1.attn.query",
                "decoder.blocks.0.attn.query", "decoder.blocks.1.attn.query");
        assertThat(names(m.sites(SiteSelector.regex("decoder\\.blocks\\.\\d+\\.cross_attn\\.(key|out)").layers(1))))
                .containsExactly("decoder.blocks.1.cross_attn.key", "decoder.blocks.1.cross_attn.out");
        assertThat(names(m.sites(SiteSelector.suffixes("fc1").layers(0))))
                .containsExactly("encoder.blocks.0.mlp.fc1", "decoder.blocks.0.mlp.fc1");
        assertThat(names(m.sites(SiteSelector.suffixes("lm_head")))).containsExactly("lm_head");
        assertThat(m.sites(SiteSelector.all())).hasSize(m.sites().size());
        // regex must match the whole name: "query" alone matches nothing
        assertThatThrownBy(() -> m.sites(SiteSelector.regex("query"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("matches no site").hasMessageContaining("encoder.blocks.0.attn.query");
        MlpClassifier mlp = new MlpClassifier(MlpClassifierConfig.tiny(), new Rng(1));
        assertThat(names(mlp.sites(SiteSelector.all().layers(1)))).containsExactly("layers.1");
    }

    @Test
    void unknownPatternsListTheAvailableNames() {
        DecoderLM m = new DecoderLM(DecoderLMConfig.tiny(), new Rng(1));
        assertThatThrownBy(() -> m.sites(SiteSelector.suffixes("query", "c_attn")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'c_attn'")
                .hasMessageContaining("blocks.1.mlp.fc2").hasMessageContaining("lm_head");
        assertThatThrownBy(() -> m.sites(SiteSelector.suffixes("query").layers(5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("layer 5")
                .hasMessageContaining("blocks.0.attn.query");
        assertThatThrownBy(() -> SiteSelector.regex("(")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid regex");
    }

    @Test
    void layerIndexIsParsedFromTheName() {
        assertThat(Site.layerIndexOf("decoder.blocks.12.attn.query")).hasValue(12);
        assertThat(Site.layerIndexOf("layers.3")).hasValue(3);
        assertThat(Site.layerIndexOf("lm_head")).isEmpty();
        assertThat(Site.layerIndexOf("myblocks.2.x")).isEmpty();
        // PEFT's COMMON_LAYERS_PATTERN names (Hugging Face GPT-2, BERT, BART)
        assertThat(Site.layerIndexOf("transformer.h.11.attn.c_attn")).hasValue(11);
        assertThat(Site.layerIndexOf("bert.encoder.layer.2.attention.self.query")).hasValue(2);
        assertThat(Site.layerIndexOf("model.decoder.layers.5.fc1")).hasValue(5);
        assertThat(Site.layerIndexOf("transformer.wh.1.c")).isEmpty();
    }

    @Test
    void mergeChangesTheFunctionAndUnmergeRestoresWithinOneUlp() {
        for (DType dt : DType.values()) {
            Linear l = new Linear("fc", 6, 5, true, dt, new Rng(1));
            Tensor w0 = l.weight().copy(), b0 = l.bias().copy();
            Tensor dw = new Rng(2).normal(dt, 0, 0.5, 5, 6), db = new Rng(3).normal(dt, 0, 0.5, 5);
            Tensor x = new Rng(4).normal(dt, 0, 1, 3, 6);
            Tensor h0 = l.forward(Var.constant(x), EVAL).value();
            l.addDelta(dw, db);
            Tensor merged = l.forward(Var.constant(x), EVAL).value();
            Tensor want = h0.add(x.matmul(dw, false, true)).add(db); // h + x·ΔWᵀ + Δb
            assertThat(merged.maxAbsDiff(want)).isLessThan(dt == DType.FLOAT64 ? 1e-13 : 1e-5);
            Tensor w1 = l.weight().copy(), b1 = l.bias().copy();
            l.subtractDelta(dw, db);
            int inexact = 0;
            for (int i = 0; i < w0.numel(); i++) {
                double a = w0.getFlat(i), r = l.weight().getFlat(i);
                double bound = (ulp(dt, w1.getFlat(i)) + ulp(dt, r)) / 2;
                assertThat(Math.abs(r - a)).as("%s element %d", dt, i).isLessThanOrEqualTo(bound);
                if (r != a) inexact++;
            }
            for (int i = 0; i < b0.numel(); i++) {
                double r = l.bias().getFlat(i);
                assertThat(Math.abs(r - b0.getFlat(i))).isLessThanOrEqualTo((ulp(dt, b1.getFlat(i)) + ulp(dt, r)) / 2);
            }
            // as documented: W + ΔW − ΔW is not bit-exact in general (here some of the 30 elements differ) ...
            assertThat(inexact).as("%s inexact elements", dt).isGreaterThan(0);
            // ... and a saved copy restores bit-exactly
            l.weight().copyFrom(w0);
            l.bias().copyFrom(b0);
            assertThat(l.weight().bitEquals(w0) && l.bias().bitEquals(b0)).isTrue();
        }
        Tensor w = Tensor.of(new double[] {0.1}, 1, 1);
        w.addInPlace(Tensor.of(new double[] {0.2}, 1, 1), 1).addInPlace(Tensor.of(new double[] {0.2}, 1, 1), -1);
        assertThat(w.getFlat(0)).isEqualTo(0.10000000000000003);
    }

    static double ulp(DType dt, double v) {
        return dt == DType.FLOAT64 ? Math.ulp(v) : Math.ulp((float) v);
    }

    @Test
    void deltaShapeErrors() {
        Linear l = new Linear("blocks.0.attn.query", 4, 3, false, DType.FLOAT64, new Rng(1));
        assertThatThrownBy(() -> l.addDelta(Tensor.zeros(DType.FLOAT64, 4, 3), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blocks.0.attn.query")
                .hasMessageContaining("[4, 3]").hasMessageContaining("[3, 4]");
        assertThatThrownBy(() -> l.addDelta(Tensor.zeros(DType.FLOAT64, 3, 4), Tensor.zeros(DType.FLOAT64, 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no bias");
        assertThatThrownBy(() -> l.addDelta(Tensor.zeros(DType.FLOAT32, 3, 4), null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void interceptorSeesInputAndOutputAndItsResultIsUsed() {
        EncoderClassifier m = new EncoderClassifier(EncoderClassifierConfig.tiny(), new Rng(1));
        int[][] ids = {{0, 5, 7, 2}, {0, 1, 3, 9}};
        List<String> seen = new ArrayList<>();
        List<Site> targets = m.sites(SiteSelector.suffixes("value"));
        Tensor base = m.forward(ids, null, EVAL).value();
        Tensor observed = m.forward(ids, null, EVAL.withInterceptor((site, x, h) -> {
            seen.add(site.name());
            if (site.kind() == Site.Kind.EMBEDDING) {
                boolean pos = site.name().endsWith("position"); // positions are looked up once, [1, T, maxLen]
                assertThat(x.shape()).containsExactly(pos ? 1 : 2, 4, site.inFeatures());
                assertThat(h.shape()).containsExactly(pos ? 1 : 2, 4, site.outFeatures());
                assertThat(x.value().sum(false, -1).maxAbsDiff(Tensor.ones(DType.FLOAT64, x.shape()[0], x.shape()[1])))
                        .isZero();
            } else if (site.name().startsWith("head")) {
                assertThat(x.shape()).containsExactly(2, site.inFeatures());
                assertThat(h.shape()).containsExactly(2, site.outFeatures());
            } else {
                assertThat(x.shape()).containsExactly(2, 4, site.inFeatures());
                assertThat(h.shape()).containsExactly(2, 4, site.outFeatures());
            }
            return h;
        })).value();
        assertThat(seen).containsExactlyElementsOf(m.sites().keySet()); // each site once, in parameter order
        assertThat(observed.bitEquals(base)).isTrue();
        // returning h + g(x) changes the output exactly as merging g's weight would
        Tensor delta = new Rng(5).normal(DType.FLOAT64, 0, 0.3, 8, 8);
        Tensor adapted = m.forward(ids, null, EVAL.withInterceptor((site, x, h) ->
                targets.contains(site) ? h.add(x.matmul(Var.constant(delta), false, true)) : h)).value();
        assertThat(adapted.maxAbsDiff(base)).isGreaterThan(1e-6);
        for (Site s : targets) s.addDelta(delta, null);
        Tensor merged = m.forward(ids, null, EVAL).value();
        assertThat(merged.maxAbsDiff(adapted)).isLessThan(1e-12);
        assertThatThrownBy(() -> m.forward(ids, null, EVAL.withInterceptor((s, x, h) -> x.sum(true, -1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("interceptor at site embed.token");
    }

    @Test
    void frozenModelAllocatesNoParameterGradientsButProbesSeeDlDh() {
        DecoderLM m = new DecoderLM(DecoderLMConfig.tiny(), new Rng(1));
        int[][] ids = {{1, 4, 6, 2, 8}};
        // reference: trainable model, dL/d(bias of fc2) = Σ_rows dL/dh of that site
        m.sites(SiteSelector.suffixes("fc2")); // exists
        GradientProbe trainProbe = new GradientProbe(m.sites(SiteSelector.suffixes("fc2", "query")));
        m.nextTokenLoss(ids, EVAL.withInterceptor(trainProbe)).backward();
        Tensor biasGrad = m.namedParameters().get("blocks.1.mlp.fc2.bias").grad();
        Tensor dh = trainProbe.only("blocks.1.mlp.fc2").gradH(); // [1, T, C]
        assertThat(dh.sum(false, 0, 1).maxAbsDiff(biasGrad)).isLessThan(1e-14);
        Tensor wGrad = m.namedParameters().get("blocks.0.attn.query.weight").grad();
        GradientProbe.Capture q = trainProbe.only("blocks.0.attn.query");
        // dWᵀ... = Σ dhᵀ·x  [out, in]
        Tensor fromCapture = q.gradH().reshape(-1, 8).matmul(q.x().reshape(-1, 8), true, false);
        assertThat(fromCapture.maxAbsDiff(wGrad)).isLessThan(1e-14);

        m.freeze();
        for (Var v : m.namedParameters().values()) assertThat(v.requiresGrad()).isFalse();
        GradientProbe probe = new GradientProbe(m.sites(SiteSelector.suffixes("fc2", "query")));
        m.nextTokenLoss(ids, EVAL.withInterceptor(probe)).backward();
        for (Var v : m.namedParameters().values()) assertThat(v.grad()).isNull();
        assertThat(probe.only("blocks.1.mlp.fc2").gradH().maxAbsDiff(dh)).isLessThan(1e-15);
        assertThat(probe.only("blocks.0.attn.query").gradH().maxAbsDiff(q.gradH())).isLessThan(1e-15);
        assertThat(probe.captures()).hasSize(4);

        m.setTrainable(true);
        m.nextTokenLoss(ids, EVAL).backward();
        assertThat(m.namedParameters().get("lm_head.weight").grad()).isNotNull();
    }
}
