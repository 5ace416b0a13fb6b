package cola4j.tests.backend;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.autograd.Var;
import cola4j.gl.AdaptationData;
import cola4j.gl.UserFit;
import cola4j.gl.UserFitConfig;
import cola4j.gl.auxiliary.AuxSpec;
import cola4j.gl.auxiliary.AuxiliaryFactory;
import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.gl.cola.ColaMode;
import cola4j.gl.cola.ColaServer;
import cola4j.gl.cola.LossFunction;
import cola4j.gl.cola.RowRouting;
import cola4j.gl.optim.AdamConfig;
import cola4j.gl.optim.AdamW;
import cola4j.gl.optim.Optimizer;
import cola4j.gl.optim.Sgd;
import cola4j.gl.optim.SgdConfig;
import cola4j.models.DecoderLM;
import cola4j.models.DecoderLMConfig;
import cola4j.models.EncoderClassifier;
import cola4j.models.EncoderClassifierConfig;
import cola4j.models.EncoderDecoder;
import cola4j.models.EncoderDecoderConfig;
import cola4j.models.ForwardContext;
import cola4j.models.MlpClassifier;
import cola4j.models.MlpClassifierConfig;
import cola4j.models.site.Site;
import cola4j.models.site.SiteSelector;
import cola4j.tensor.Backend;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A whole training step (two, so that the optimizer state is used) of each model family, and of ColA merged and
 * unmerged (server pass + user Gradient Learning step), run once on each tensor backend from the same seeds in
 * float64: every loss, every hidden-state gradient sent to the user and every parameter after the steps agree to
 * ≤ 1e-12 relative (max |heap − nd4j| over the largest |value| of each tensor), and the ND4J run keeps its
 * parameters in INDArrays.
 */
class CrossBackendStepTest {
    static final double TOL = 1e-12, LR = 1e-2;
    static final int STEPS = 2;

    /** What one run produced: named tensors (losses as scalars), copied out of the backend at the end. */
    record Run(LinkedHashMap<String, double[]> values, boolean allNd4j) {}

    @ParameterizedTest
    @ValueSource(strings = {"mlp", "decoder", "encoder", "seq2seq", "cola-unmerged", "cola-merged"})
    void backendsAgreeOnATrainingStep(String family) {
        Run heap = Backend.with(Backend.HEAP, () -> run(family));
        Run nd = Backend.with(Backend.ND4J, () -> run(family));
        assertThat(nd.allNd4j()).as("ND4J run keeps its parameters in INDArrays").isTrue();
        assertThat(nd.values().keySet()).containsExactlyElementsOf(heap.values().keySet());
        assertThat(heap.values()).hasSizeGreaterThan(STEPS);
        heap.values().forEach((k, a) -> {
            double[] b = nd.values().get(k);
            assertThat(b).as(k).hasSameSizeAs(a);
            double scale = 0, diff = 0;
            for (int i = 0; i < a.length; i++) {
                scale = Math.max(scale, Math.abs(a[i]));
                diff = Math.max(diff, Math.abs(a[i] - b[i]));
            }
            assertThat(diff).as("%s %s: max |heap - nd4j| (scale %s)", family, k, scale)
                    .isLessThanOrEqualTo(TOL * Math.max(scale, 1e-300));
        });
    }

    static Run run(String family) {
        return switch (family) {
            case "mlp" -> mlp();
            case "decoder" -> {
                DecoderLM m = new DecoderLM(DecoderLMConfig.tiny(), new Rng(11));
                int[][] x = ids(4, 6, 11, 1), y = ids(4, 6, 11, 2);
                yield train(m.namedParameters(), ctx -> m.loss(x, y, ctx), SGD);
            }
            case "encoder" -> {
                EncoderClassifier m = new EncoderClassifier(EncoderClassifierConfig.tiny(), new Rng(12));
                int[][] x = ids(3, 7, 13, 3);
                int[][] mask = {{1, 1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 0, 0, 0}, {1, 1, 1, 1, 1, 1, 0}};
                yield train(m.namedParameters(), ctx -> m.loss(x, mask, new int[] {0, 2, 1}, ctx), SGD);
            }
            case "seq2seq" -> {
                EncoderDecoder m = new EncoderDecoder(EncoderDecoderConfig.tiny(), new Rng(13));
                int[][] src = ids(2, 5, 11, 4), mask = {{1, 1, 1, 1, 1}, {1, 1, 1, 0, 0}};
                int[][] tin = ids(2, 4, 11, 5), tout = ids(2, 4, 11, 6);
                yield train(m.namedParameters(), ctx -> m.loss(src, mask, tin, tout, ctx), SGD);
            }
            default -> cola(family.equals("cola-merged") ? ColaMode.MERGED : ColaMode.UNMERGED);
        };
    }

    static Run mlp() {
        MlpClassifier m = new MlpClassifier(MlpClassifierConfig.tiny(), new Rng(10));
        Tensor x = new Rng(20).normal(DType.FLOAT64, 0, 1, 5, 6);
        return train(m.namedParameters(), ctx -> m.loss(x, new int[] {0, 2, 1, 1, 0}, ctx),
                p -> new AdamW(p, AdamConfig.adamW(LR)));
    }

    static int[][] ids(int rows, int len, int vocab, long seed) {
        Rng r = new Rng(seed);
        int[][] out = new int[rows][len];
        for (int[] row : out) for (int t = 0; t < len; t++) row[t] = r.nextInt(vocab);
        return out;
    }

    /**
     * SGD with Nesterov momentum for the transformers. Their attention key biases have a gradient that is zero in
     * exact arithmetic (softmax ignores a constant added to every score), so it is rounding noise (~1e-17) on both
     * backends, which Adam's m / (√v + ε) would scale up by lr/ε = 1e6 into the parameters; SGD keeps it at the
     * noise level, and the gradients themselves are compared below.
     */
    static final Function<LinkedHashMap<String, Var>, Optimizer> SGD =
            p -> new Sgd(p, new SgdConfig(LR, 0.9, 0, 1e-3, true));

    /**
     * STEPS optimizer steps on all parameters, with dropout drawn from a seeded Rng (same masks on both backends);
     * records each step's loss and all its gradients (one vector, compared against its largest element).
     */
    static Run train(LinkedHashMap<String, Var> params, Function<ForwardContext, Var> loss,
            Function<LinkedHashMap<String, Var>, Optimizer> optimizer) {
        Optimizer opt = optimizer.apply(params);
        LinkedHashMap<String, double[]> out = new LinkedHashMap<>();
        for (int s = 0; s < STEPS; s++) {
            opt.zeroGrad();
            Var l = loss.apply(ForwardContext.train(new Rng(100 + s)));
            l.backward();
            out.put("loss " + s, new double[] {l.value().item()});
            out.put("gradients " + s, params.values().stream().flatMapToDouble(v -> java.util.Arrays.stream(
                    v.grad().toDoubleArray())).toArray());
            opt.step();
        }
        return finish(out, params);
    }

    static Run finish(LinkedHashMap<String, double[]> out, Map<String, Var> params) {
        boolean nd = true;
        for (Map.Entry<String, Var> e : params.entrySet()) {
            out.put(e.getKey(), e.getValue().value().toDoubleArray());
            nd &= e.getValue().value().backend() == Backend.ND4J;
        }
        return new Run(out, nd);
    }

    /** The tiny decoder with LoRA on query and value: STEPS ColA steps (server pass, user fit). */
    static Run cola(ColaMode mode) {
        DecoderLM model = new DecoderLM(DecoderLMConfig.tiny().withDropout(0.0), new Rng(14));
        List<Site> sites = model.sites(SiteSelector.suffixes("attn.query", "attn.value"));
        LinkedHashMap<String, AuxiliaryModel> aux = new LinkedHashMap<>();
        for (int i = 0; i < sites.size(); i++) {
            Site s = sites.get(i);
            aux.put(s.name(), AuxiliaryFactory.create(AuxiliaryKind.LOWRANK, s.inFeatures(), s.outFeatures(),
                    AuxSpec.defaults(DType.FLOAT64, 30 + i)));
        }
        LinkedHashMap<String, Var> auxParams = UserFit.parameters(aux);
        UserFit user = new UserFit(0, aux, new AdamW(auxParams, AdamConfig.adamW(LR)),
                new UserFitConfig(1, Double.POSITIVE_INFINITY), null);
        ColaServer server = new ColaServer(model, sites);
        int[][] x = ids(3, 6, 11, 7), y = ids(3, 6, 11, 8);
        LossFunction loss = ctx -> model.loss(x, y, ctx);
        LinkedHashMap<String, double[]> out = new LinkedHashMap<>();
        for (int s = 0; s < STEPS; s++) {
            ColaServer.Pass p = server.pass(loss, Map.of(0, aux), RowRouting.single(0, 3), mode, null);
            out.put("loss " + s, new double[] {p.loss()});
            String step = "dL/dh " + s + " ";
            p.hiddenGradients().forEach((k, g) -> out.put(step + k, g.toDoubleArray()));
            List<AdaptationData> data = p.dataByUser().get(0);
            out.put("surrogate " + s, new double[] {user.offer(data).orElseThrow().surrogateLoss()});
        }
        Map<String, Var> all = new LinkedHashMap<>(auxParams);
        all.putAll(model.namedParameters());
        return finish(out, all);
    }
}
