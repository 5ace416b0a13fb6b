package cola4j.gl.copra;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.models.DecoderLM;
import cola4j.models.DecoderLMConfig;
import cola4j.models.site.SiteSelector;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The exact layers each layer pattern removes, for L = 1, 2, 3, 4, 6 blocks (written out by hand from the rules
 * [0, round(L/3)), [round(L/3), round(2L/3)), [round(2L/3), L) and the odd layers; Math.round rounds halves up).
 */
class PrunePatternTest {
    /** Per L: removed layer indices of every_other, lower_third, middle_third, upper_third. */
    private static final Map<Integer, List<Set<Integer>>> EXPECTED = Map.of(
            1, List.of(Set.of(), Set.of(), Set.of(0), Set.of()),
            2, List.of(Set.of(1), Set.of(0), Set.of(), Set.of(1)),
            3, List.of(Set.of(1), Set.of(0), Set.of(1), Set.of(2)),
            4, List.of(Set.of(1, 3), Set.of(0), Set.of(1, 2), Set.of(3)),
            6, List.of(Set.of(1, 3, 5), Set.of(0, 1), Set.of(2, 3), Set.of(4, 5)));

    /** Layer groups of a decoder with {@code layers} blocks, adapted at query, value and the (unindexed) lm_head. */
    private static LayerGroups groups(int layers) {
        DecoderLM m = new DecoderLM(new DecoderLMConfig(11, 8, 8, layers, 2, 0.0, DType.FLOAT64), new Rng(1));
        return new LayerGroups(m.sites(SiteSelector.suffixes("attn.query", "attn.value", "lm_head")));
    }

    /** The site names of the given blocks. */
    private static Set<String> sitesOf(Set<Integer> layers) {
        Set<String> out = new LinkedHashSet<>();
        for (int l : new TreeSet<>(layers)) {
            out.add("blocks." + l + ".attn.query");
            out.add("blocks." + l + ".attn.value");
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 6})
    void layerPatternsRemoveExactlyTheseLayers(int layers) {
        LayerGroups g = groups(layers);
        assertThat(g.size()).as("L blocks + lm_head").isEqualTo(layers + 1);
        List<PrunePattern> patterns =
                List.of(PrunePattern.everyOther(), PrunePattern.third(0), PrunePattern.third(1), PrunePattern.third(2));
        List<Set<Integer>> want = EXPECTED.get(layers);
        Set<String> union = new LinkedHashSet<>();
        for (int i = 0; i < patterns.size(); i++) {
            Set<String> removed = patterns.get(i).removed(g);
            assertThat(removed).as(patterns.get(i).name() + " at L = " + layers)
                    .containsExactlyInAnyOrderElementsOf(sitesOf(want.get(i)));
            assertThat(removed).as("lm_head is outside every layer").doesNotContain("lm_head");
            if (i > 0) union.addAll(removed);
        }
        // the three thirds partition the layers
        assertThat(union).containsExactlyInAnyOrderElementsOf(
                sitesOf(new TreeSet<>(java.util.stream.IntStream.range(0, layers).boxed().toList())));
        assertThat(PrunePattern.siteKind("attn.value").removed(g)).hasSize(layers)
                .allMatch(s -> s.endsWith(".attn.value"));
    }
}
