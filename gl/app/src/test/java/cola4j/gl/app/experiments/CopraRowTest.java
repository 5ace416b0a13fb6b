package cola4j.gl.app.experiments;

import cola4j.gl.copra.AuxiliaryMerge;
import cola4j.gl.copra.PrunePattern;
import cola4j.gl.copra.Shapley;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import cola4j.gl.app.io.JsonFiles;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Summaries over seeds on hand-made run results: mean ± std, the Shapley SE rule, megabytes saved, the JSON form. */
class CopraRowTest {
    private static final PrunePattern EO = PrunePattern.everyOther(), VALUE = PrunePattern.siteKind("attn.value");

    /** A run whose metrics are all derived from {@code x}; Shapley values (x, 2x) with standard errors (se, 2se). */
    private static CopraExperiment.RunResult run(double x, double se, long bytes) {
        Map<AuxiliaryMerge.Kind, Double> merged = new EnumMap<>(AuxiliaryMerge.Kind.class);
        for (AuxiliaryMerge.Kind k : AuxiliaryMerge.Kind.values()) merged.put(k, x + k.ordinal());
        Map<PrunePattern, Double> pruned = new LinkedHashMap<>();
        pruned.put(EO, x / 2);
        pruned.put(VALUE, x / 4);
        return new CopraExperiment.RunResult(0.25, x, merged, pruned, new double[] {x, 2 * x},
                new double[] {se, 2 * se}, se == 0, bytes);
    }

    @Test
    void meanStdOverSeedsAndMegabytesSaved() {
        List<CopraExperiment.RunResult> plain = List.of(run(0.2, 0, 100_000_000L), run(0.4, 0, 120_000_000L));
        List<CopraExperiment.RunResult> prog = List.of(run(0.3, 0.03, 70_000_000L), run(0.5, 0.04, 80_000_000L));
        List<String> players = List.of("layer 0", "layer 1");
        CopraRow p = CopraRow.of("cola", false, plain, null, List.of(PrunePattern.third(1)), players);
        CopraRow q = CopraRow.of("cola", true, prog, plain, List.of(PrunePattern.third(1)), players);
        double sd = Math.sqrt(0.02);                                     // sample std of {a, a + 0.2}: 0.2 / √2
        assertThat(p.single().mean()).isCloseTo(0.3, within(1e-15));
        assertThat(p.single().std()).isCloseTo(sd, within(1e-15));
        assertThat(p.base().std()).isZero();
        assertThat(p.merged()).containsOnlyKeys(AuxiliaryMerge.Kind.values());
        assertThat(p.merged().get(AuxiliaryMerge.Kind.TIES).mean()).isCloseTo(2.3, within(1e-15));
        assertThat(p.pruned()).containsOnlyKeys(EO, VALUE);
        assertThat(p.pruned().get(VALUE).mean()).isCloseTo(0.075, within(1e-15));
        assertThat(p.prunedSkipped()).containsExactly(PrunePattern.third(1));
        assertThat(p.shapley()).containsExactly(new double[] {0.3, 0.6}, within(1e-15));
        assertThat(p.shapleyStd()).containsExactly(new double[] {sd, 2 * sd}, within(1e-15));
        assertThat(p.shapleyExact()).isTrue();
        assertThat(p.shapleySpread().mean()).isCloseTo(0.3, within(1e-15));   // per run max − min = x
        // SE of the seed mean: √(Σ_s SE_s²) / S
        assertThat(q.shapleySe()[0]).isCloseTo(Math.sqrt(0.03 * 0.03 + 0.04 * 0.04) / 2, within(1e-15));
        assertThat(q.shapleySe()[1]).isCloseTo(Math.sqrt(0.06 * 0.06 + 0.08 * 0.08) / 2, within(1e-15));
        assertThat(q.shapleyExact()).isFalse();
        // megabytes: plain {100, 120}, progressive {70, 80}, saved per seed {30, 40}
        assertThat(p.mbSent().mean()).isCloseTo(110, within(1e-12));
        assertThat(p.mbSaved()).isNull();
        assertThat(q.mbSent().mean()).isCloseTo(75, within(1e-12));
        assertThat(q.mbSaved().mean()).isCloseTo(35, within(1e-12));
        assertThat(q.mbSaved().std()).isCloseTo(Math.sqrt(50), within(1e-12));
        assertThat(CopraRow.of("lora", true, prog, plain, List.of(), players).mbSent())
                .as("LoRA sends nothing").isNull();
    }

    @Test
    void oneSeedHasNoStd() {
        CopraRow r = CopraRow.of("lora", false, List.of(run(0.2, 0, 0)), null, List.of(), List.of("a", "b"));
        assertThat(r.single().std()).isNull();
        assertThat(r.shapleyStd()).isNull();
        assertThat(r.shapleyOf(1).std()).isNull();
        assertThat(r.single().format(4)).isEqualTo("0.2000 " + MeanStd.NONE);
        assertThat(MeanStd.of(new double[] {1, 2, 6}).format(2)).isEqualTo("3.00 ± 2.65");
    }

    /** The JSON keys of a row (unchanged by the move from maps to records, plus pruned_skipped and mb_saved). */
    @Test
    void jsonKeys() throws Exception {
        List<CopraExperiment.RunResult> plain = List.of(run(0.2, 0, 100), run(0.4, 0, 120));
        List<CopraExperiment.RunResult> prog = List.of(run(0.3, 0, 70), run(0.5, 0, 80));
        List<String> players = List.of("layer 0", "layer 1");
        JsonNode lora = JsonFiles.MAPPER.valueToTree(CopraRow.of("lora", false, plain, null,
                List.of(PrunePattern.third(1)), players));
        List<String> common = List.of("method", "progressive", "base", "single", "merged", "pruned", "pruned_skipped",
                "shapley", "shapley_std", "shapley_se", "shapley_exact", "shapley_players", "shapley_spread");
        assertThat(lora.fieldNames()).toIterable().containsExactlyElementsOf(common);
        assertThat(lora.get("merged").fieldNames()).toIterable()
                .containsExactly("linear", "task_arithmetic", "ties", "concat", "magnitude_prune", "dare_linear",
                        "dare_ties");
        assertThat(lora.get("pruned").fieldNames()).toIterable().containsExactly("every_other", "only_attn.value");
        assertThat(lora.get("pruned").get("every_other").get("mean").asDouble()).isCloseTo(0.15, within(1e-15));
        assertThat(lora.get("pruned_skipped").get(0).asText()).isEqualTo("middle_third");
        assertThat(lora.get("single").fieldNames()).toIterable().containsExactly("mean", "std");
        JsonNode cola = JsonFiles.MAPPER.valueToTree(CopraRow.of("cola", true, prog, plain, List.of(), players));
        assertThat(cola.has("mb_sent")).isTrue();
        assertThat(cola.get("mb_saved").get("mean").asDouble()).isCloseTo(35e-6, within(1e-18));
        JsonNode one = JsonFiles.MAPPER.valueToTree(CopraRow.of("lora", false, plain.subList(0, 1), null, List.of(),
                players));
        assertThat(one.get("single").get("std").isNull()).as("std of one seed is null").isTrue();
        assertThat(one.get("shapley_std").isNull()).isTrue();
    }
}
