package cola4j.gl.app.experiments;

import cola4j.gl.copra.AuxiliaryMerge;
import cola4j.gl.copra.PrunePattern;
import cola4j.gl.copra.Shapley;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import cola4j.gl.app.workload.Workload;
import cola4j.gl.app.workload.Workloads;
import cola4j.models.data.Task;
import cola4j.models.site.Site;
import cola4j.models.site.SiteSelector;
import cola4j.tensor.DType;
import cola4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The experiment on the tiny decoder (no pretraining: only the mechanics are checked). */
class CopraExperimentTest {
    private static CopraConfig cfg(String method) {
        return new CopraConfig(method, 6, 4, 1e-2, 2, 4, 0.1, 0.75, 16, 0.5, 0.5, List.of("attn.value"), 50,
                CopraConfig.ShapleyPlayers.LAYERS, cola4j.gl.copra.SparseMerge.SignMethod.TOTAL);
    }

    @ParameterizedTest
    @ValueSource(strings = {"lora", "cola"})
    void deterministicBaseRestoredAndShapleyEfficient(String method) {
        Workload w = Workloads.create("decoder", "tiny", DType.FLOAT64, 1);
        List<Site> sites = w.model().sites(SiteSelector.suffixes("attn.query", "attn.value"));
        CopraExperiment e = new CopraExperiment(w, sites, cfg(method));
        LinkedHashMap<String, Tensor> base = new LinkedHashMap<>();
        w.model().namedParameters().forEach((k, v) -> base.put(k, v.value().copy()));
        List<Task<?>> tasks = List.of(w.downstream("shift", 0), w.downstream("cipher", 0));

        CopraExperiment.Trained a = e.train(tasks.get(0), 0, true, 5), b = e.train(tasks.get(0), 0, true, 5);
        for (String s : a.deltas().keySet()) {
            assertThat(a.deltas().get(s).bitEquals(b.deltas().get(s))).as("same seed, same adapters").isTrue();
        }
        assertThat(a.deltas().values().stream().mapToDouble(Tensor::maxAbs).max().orElseThrow()).isGreaterThan(0);
        if (method.equals("cola")) assertThat(a.bytesSent()).isGreaterThan(0);
        else assertThat(a.bytesSent()).isZero();

        double withAll = e.evaluate(tasks.get(0), a.deltas());
        w.model().namedParameters()
                .forEach((k, v) -> assertThat(v.value().bitEquals(base.get(k))).as(k + " restored").isTrue());
        assertThat(e.evaluate(tasks.get(0), a.deltas())).isEqualTo(withAll);

        // Shapley on the real game: efficiency against v(all) − v(none)
        Shapley.Game v = mask -> {
            Map<String, Tensor> only = new LinkedHashMap<>(a.deltas());
            only.keySet().retainAll(e.groups().sites(mask));
            return e.evaluate(tasks.get(0), only);
        };
        Shapley.Result r = Shapley.exact(e.groups().size(), v);
        double sum = 0;
        for (double p : r.values()) sum += p;
        assertThat(sum).isCloseTo(withAll - e.evaluate(tasks.get(0), Map.of()), within(1e-12));

        CopraExperiment.RunResult run1 = e.run(tasks, true, 2), run2 = e.run(tasks, true, 2);
        assertThat(run1.single()).isEqualTo(run2.single());
        assertThat(run1.merged()).isEqualTo(run2.merged()).containsOnlyKeys(AuxiliaryMerge.Kind.values());
        assertThat(run1.pruned()).containsKeys(PrunePattern.everyOther(), PrunePattern.siteKind("attn.value"));
        // 2 layers: the middle third is empty, so it is skipped (and said so), not measured
        assertThat(e.prunedSkipped()).containsExactly(PrunePattern.third(1));
        assertThat(run1.pruned()).doesNotContainKey(PrunePattern.third(1)).hasSize(e.prunePatterns().size() - 1);
        assertThat(run1.shapley()).hasSize(2).containsExactly(run2.shapley());
        w.model().namedParameters().forEach((k, p) ->
                assertThat(p.value().bitEquals(base.get(k))).as(k + " untouched by training").isTrue());
    }

    /**
     * Per-site players: one Shapley value per site, efficiency against the run's own single and base metrics. On the
     * encoder (accuracy moves with a few steps; the untrained tiny decoder's exact match stays 0, making every φ 0).
     */
    @org.junit.jupiter.api.Test
    void perSitePlayersAreEfficient() {
        Workload w = Workloads.create("encoder", "tiny", DType.FLOAT64, 1);
        List<Site> sites = w.model().sites(SiteSelector.suffixes("attn.query", "attn.value", "head.out"));
        // enough steps at a high rate that the tiny model's exact match moves away from the base (else every φ is 0)
        CopraConfig c = new CopraConfig("lora", 60, 8, 5e-2, 2, 4, 0.1, 0.75, 64, 0.5, 0.5, List.of("attn.value"), 50,
                CopraConfig.ShapleyPlayers.SITES, cola4j.gl.copra.SparseMerge.SignMethod.TOTAL);
        CopraExperiment e = new CopraExperiment(w, sites, c);
        assertThat(e.groups().names()).containsExactly("layer 0", "layer 1", "head.out");
        assertThat(e.playerNames()).containsExactly("blocks.0.attn.query", "blocks.0.attn.value", "blocks.1.attn.query",
                "blocks.1.attn.value", "head.out");
        CopraExperiment.RunResult r = e.run(
                w.downstreamNames().stream().limit(2).map(n -> (Task<?>) w.downstream(n, 0)).toList(), true, 4);
        assertThat(r.shapley()).hasSize(5);
        assertThat(r.shapleyExact()).isTrue();
        assertThat(r.shapleySe()).containsOnly(0.0);
        double sum = 0;
        for (double p : r.shapley()) sum += p;
        // v(all) = the single-task metric, v(∅) = the base metric (both averaged over the same tasks)
        assertThat(sum).isCloseTo(r.single() - r.base(), within(1e-12));
        assertThat(java.util.Arrays.stream(r.shapley()).map(Math::abs).max().orElseThrow())
                .as("some site matters").isGreaterThan(0);
    }

    /**
     * P3 under progressive activation: ColA (interval 1, AdamW) and LoRA take the same active-layer draws and must
     * train the same adapters, in float64 to ~1e-10 relative, for plain and progressive runs.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void colaEqualsLoraWithProgressiveMasking(boolean progressive) {
        Workload w = Workloads.create("decoder", "tiny", DType.FLOAT64, 1);
        List<Site> sites = w.model().sites(SiteSelector.suffixes("attn.query", "attn.value"));
        Task<?> task = w.downstream("shift", 0);
        CopraExperiment.Trained lora = new CopraExperiment(w, sites, cfg("lora").withSteps(12))
                .train(task, 0, progressive, 3);
        CopraExperiment.Trained cola = new CopraExperiment(w, sites, cfg("cola").withSteps(12))
                .train(task, 0, progressive, 3);
        for (String s : lora.deltas().keySet()) {
            Tensor a = lora.deltas().get(s), b = cola.deltas().get(s);
            assertThat(a.maxAbs()).as(s + " trained").isGreaterThan(0);
            assertThat(a.sub(b).maxAbs()).as(s + ": |ΔW_lora − ΔW_cola|").isLessThanOrEqualTo(1e-10 * a.maxAbs());
        }
    }
}
