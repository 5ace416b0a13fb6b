package cola4j.tests.hf;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.autograd.GradMode;
import cola4j.autograd.Var;
import cola4j.gl.UserFit;
import cola4j.gl.UserFitConfig;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.gl.auxiliary.LowRankAux;
import cola4j.gl.auxiliary.LowRankConfig;
import cola4j.gl.baselines.LoraTrainer;
import cola4j.gl.cola.ColaMode;
import cola4j.gl.cola.ColaServer;
import cola4j.gl.cola.ColaTrainer;
import cola4j.gl.cola.RowRouting;
import cola4j.gl.cola.Trainer;
import cola4j.gl.optim.Sgd;
import cola4j.gl.optim.SgdConfig;
import cola4j.models.ForwardContext;
import cola4j.models.hf.HfCheckpoint;
import cola4j.models.hf.HfInputs;
import cola4j.models.hf.HfLoader;
import cola4j.models.hf.HfModel;
import cola4j.models.site.Site;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import cola4j.tensor.io.SafetensorsFile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * cola4j's Hugging Face models against the golden fixtures in float64: logits and loss, and one SGD step of LoRA
 * (LoraTrainer, backprop) and of ColA (ColaTrainer, unmerged: Gradient Learning from dL/dh) from the same factors,
 * each to ≤ 1e-10 relative. The weights are stored as F32/F16/BF16, so this also checks conversion on load.
 */
class HfFixtureTest {
    static final double TOL = 1e-10;

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "bert", "roberta", "bart"})
    void logitsAndLossMatchTheReference(String name) throws Exception {
        Map<String, Tensor> e = HfFixtures.expected(name).tensors();
        HfCheckpoint ck = HfLoader.load(HfFixtures.dir(name), DType.FLOAT64);
        assertThat(ck.initialized()).isEmpty();
        HfInputs in = HfFixtures.inputs(e);
        try (var g = GradMode.noGrad()) {
            Tensor logits = ck.model().logits(in, ForwardContext.eval()).value();
            assertThat(logits.shape()).containsExactly(e.get("logits").shape());
            double err = HfFixtures.relErr(logits, e.get("logits"));
            assertThat(err).as("%s logits rel err", name).isLessThanOrEqualTo(TOL);
            double loss = ck.model().loss(in, ForwardContext.eval()).value().item();
            assertThat(Math.abs(loss - e.get("loss").getFlat(0)) / e.get("loss").getFlat(0))
                    .as("%s loss", name).isLessThanOrEqualTo(TOL);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "bert", "roberta", "bart"})
    void oneLoraStepMatchesTheReference(String name) throws Exception {
        checkStep(name, false);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "bert", "roberta", "bart"})
    void oneColaStepMatchesTheLoraReference(String name) throws Exception {
        checkStep(name, true);
    }

    private static void checkStep(String name, boolean cola) throws Exception {
        SafetensorsFile f = HfFixtures.expected(name);
        Map<String, Tensor> e = f.tensors();
        HfModel model = HfLoader.load(HfFixtures.dir(name), DType.FLOAT64).model();
        model.freeze();
        int rank = Integer.parseInt(f.metadata().get("rank"));
        double alpha = Double.parseDouble(f.metadata().get("alpha")), lr = Double.parseDouble(f.metadata().get("lr"));
        List<String> names = List.of(f.metadata().get("sites").split(","));
        List<Site> sites = new ArrayList<>();
        LinkedHashMap<String, AuxiliaryModel> aux = new LinkedHashMap<>();
        for (String s : names) {
            Site site = model.sites().get(s);
            assertThat(site).as("site %s", s).isNotNull();
            sites.add(site);
            LowRankAux a = new LowRankAux(site.inFeatures(), site.outFeatures(),
                    new LowRankConfig(rank, alpha, DType.FLOAT64, 0));
            a.namedParameters().get("lora_A.weight").value().copyFrom(e.get("lora." + s + ".A0"));
            a.namedParameters().get("lora_B.weight").value().copyFrom(e.get("lora." + s + ".B0"));
            aux.put(s, a);
        }
        HfInputs in = HfFixtures.inputs(e);
        int rows = in.inputIds().length;
        Trainer t = cola
                ? new ColaTrainer(new ColaServer(model, sites), List.of(new UserFit(0, aux,
                        new Sgd(UserFit.parameters(aux), SgdConfig.plain(lr)), UserFitConfig.noClip(1), null)),
                        ColaMode.UNMERGED)
                : new LoraTrainer(model, sites, Map.of(0, aux), p -> new Sgd(p, SgdConfig.plain(lr)), null, 1,
                        Double.POSITIVE_INFINITY);
        double loss = t.step(ctx -> model.loss(in, ctx), RowRouting.single(0, rows), new Rng(0));
        assertThat(Math.abs(loss - e.get("lora_loss").getFlat(0)) / e.get("lora_loss").getFlat(0))
                .as("%s loss with LoRA", name).isLessThanOrEqualTo(TOL);
        for (String s : names) {
            Map<String, Var> p = aux.get(s).namedParameters();
            for (String[] k : new String[][] {{"lora_A.weight", "A"}, {"lora_B.weight", "B"}}) {
                Tensor after = p.get(k[0]).value(), want = e.get("lora." + s + "." + k[1] + "1");
                Tensor before = e.get("lora." + s + "." + k[1] + "0");
                assertThat(want.maxAbsDiff(before)).as("the step moves %s.%s", s, k[1]).isGreaterThan(1e-6);
                assertThat(HfFixtures.relErr(after, want)).as("%s %s.%s after one step", cola ? "ColA" : "LoRA", s,
                        k[1]).isLessThanOrEqualTo(TOL);
            }
        }
    }
}
