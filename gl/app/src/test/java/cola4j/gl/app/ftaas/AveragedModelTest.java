package cola4j.gl.app.ftaas;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.gl.cola.ColaMode;
import cola4j.models.site.Site;
import cola4j.tensor.DType;
import cola4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The model the merged-average (collaboration) mode serves, base + (1/K) Σ_u ΔW_u, is evaluated for every user
 * ({@link MethodResult#averagedModelMetrics}), and evaluating it leaves the shared base bit-identical. In float64,
 * merging the mean delta equals adding the mean of the users' auxiliary outputs (each auxiliary is linear in x), so the
 * metric equals the one of an interceptor that adds (1/K) Σ_u g_u(x).
 */
class AveragedModelTest {
    @Test
    void mergedAverageReportsTheServedModelAndRestoresTheBase() {
        DigitsTenants w = FtaasFixtures.digits(DType.FLOAT64);
        List<UserSpec> users = UserSpec.cycle(3, "lowrank", 2, 5, 1, "adamw", 0.05, 11);
        List<Tensor> before = new ArrayList<>();
        List<Site> sites = w.adaptedSites(w.base());
        sites.forEach(s -> before.add(s.weight().copy()));
        SessionConfig cfg = new SessionConfig(20, 8, ColaMode.MERGED_AVERAGE, TransferDtype.NATIVE, 10, 7, 2e-3);
        ColaSession<?> session = new ColaSession<>(w, users, cfg, "cola-lowrank-merged-average");
        MethodResult r = session.run(s -> {});

        assertThat(r.errors()).isEmpty();
        assertThat(r.averagedModelMetrics()).containsOnlyKeys("user-0", "user-1", "user-2");
        for (int i = 0; i < sites.size(); i++) {
            assertThat(sites.get(i).weight().bitEquals(before.get(i)))
                    .as("base restored bit-exactly: " + sites.get(i).name()).isTrue();
        }
        Map<Integer, Map<String, AuxiliaryModel>> aux = new java.util.LinkedHashMap<>();
        session.devices().forEach((u, d) -> aux.put(u, d.auxiliaries()));
        for (int u = 0; u < users.size(); u++) {
            double direct = Evaluation.averagedModel(w, w.base(), sites, aux, u);
            assertThat(r.averagedModelMetrics().get("user-" + u)).as("user " + u).isEqualTo(direct);
            double viaOutputs = meanOfOutputs(w, aux, u);
            assertThat(direct).as("merged mean ΔW = mean of auxiliary outputs, user " + u).isEqualTo(viaOutputs);
        }
        // the per-method metrics stay each user's own adapter, a different model here
        assertThat(r.metrics()).isNotEqualTo(r.averagedModelMetrics());
    }

    @Test
    void otherModesReportNoAveragedModel() {
        DigitsTenants w = FtaasFixtures.digits(DType.FLOAT64);
        List<UserSpec> users = UserSpec.cycle(2, "lowrank", 2, 5, 1, "adamw", 0.05, 11);
        SessionConfig cfg = new SessionConfig(2, 4, ColaMode.MERGED, TransferDtype.NATIVE, 2, 7, 2e-3);
        assertThat(new ColaSession<>(w, users, cfg, "cola-lowrank-merged").run(s -> {}).averagedModelMetrics())
                .isNull();
    }

    /** The metric with out = h + (1/K) Σ_u g_u(x) at every adapted site (no merge). */
    private static double meanOfOutputs(DigitsTenants w, Map<Integer, Map<String, AuxiliaryModel>> aux, int user) {
        Map<String, AuxiliaryModel> first = aux.values().iterator().next();
        cola4j.models.site.SiteInterceptor icpt = (site, x, h) -> {
            if (!first.containsKey(site.name())) return h;
            cola4j.autograd.Var sum = null;
            for (Map<String, AuxiliaryModel> a : aux.values()) {
                cola4j.autograd.Var g = cola4j.gl.cola.RoutedAuxiliary.output(Map.of(user, a),
                        cola4j.gl.cola.RowRouting.single(user, h.shape()[0]), site, x, true);
                sum = sum == null ? g : sum.add(g);
            }
            return h.add(sum.mul(1.0 / aux.size()));
        };
        return w.evaluate(w.base(), user, cola4j.models.ForwardContext.eval().withInterceptor(icpt));
    }
}
