package cola4j.gl.copra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cola4j.gl.app.workload.Workload;
import cola4j.gl.app.workload.Workloads;
import cola4j.models.site.Site;
import cola4j.models.site.SiteSelector;
import cola4j.tensor.DType;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Layer grouping and pruning patterns on the real transformer families' site names. */
class LayerGroupsTest {
    private static List<Site> sites(String family, String... suffixes) {
        Workload w = Workloads.create(family, "tiny", DType.FLOAT64, 1);
        return w.model().sites(SiteSelector.suffixes(suffixes));
    }

    @Test
    void decoderQueryAndValueOfOneBlockShareAGroup() {
        LayerGroups g = new LayerGroups(sites("decoder", "attn.query", "attn.value"));
        assertThat(g.names()).containsExactly("layer 0", "layer 1");
        assertThat(g.sites(0)).containsExactly("blocks.0.attn.query", "blocks.0.attn.value");
        assertThat(g.sites(1)).containsExactly("blocks.1.attn.query", "blocks.1.attn.value");
        assertThat(g.layerIndex(1)).isEqualTo(1);
    }

    @Test
    void encoderAndDecoderBlocksOfSeq2seqAreDifferentLayers() {
        List<Site> s = sites("seq2seq", "attn.query", "attn.value");
        LayerGroups g = new LayerGroups(s);
        int perStack = (int) s.stream().filter(x -> x.name().startsWith("encoder.")).map(x -> x.layerIndex().getAsInt())
                .distinct().count();
        assertThat(perStack).isGreaterThanOrEqualTo(2);
        assertThat(g.size()).as("one group per (stack, block)").isEqualTo(2 * perStack);
        assertThat(g.names()).startsWith("encoder layer 0", "encoder layer 1");
        assertThat(g.name(perStack)).isEqualTo("decoder layer 0");
        assertThat(g.sites(0)).containsExactly("encoder.blocks.0.attn.query", "encoder.blocks.0.attn.value");
        assertThat(g.sites(perStack)).containsExactly("decoder.blocks.0.attn.query", "decoder.blocks.0.attn.value");
        assertThat(g.layerIndex(perStack)).isZero();
        // the layer patterns count the 2·L layers in depth order: encoder first
        Set<String> lower = PrunePattern.third(0).removed(g), upper = PrunePattern.third(2).removed(g);
        assertThat(lower).contains("encoder.blocks.0.attn.query").noneMatch(n -> n.startsWith("decoder."));
        assertThat(upper).contains("decoder.blocks." + (perStack - 1) + ".attn.value")
                .noneMatch(n -> n.startsWith("encoder."));
        assertThat(PrunePattern.everyOther().removed(g))
                .contains("encoder.blocks.1.attn.query", "decoder.blocks.1.attn.value")
                .doesNotContain("encoder.blocks.0.attn.query", "decoder.blocks.0.attn.query");
    }

    @Test
    void valueOnlyPruningRemovesEveryValueProjectionAndNothingElse() {
        LayerGroups g = new LayerGroups(sites("decoder", "attn.query", "attn.value", "attn.out"));
        Set<String> removed = PrunePattern.siteKind("attn.value").removed(g);
        assertThat(removed).containsExactlyInAnyOrder("blocks.0.attn.value", "blocks.1.attn.value");
        // seq2seq with cross-attention adapted: "attn.value" is the self-attention's value only
        // (cross_attn.value differs)
        LayerGroups s2s = new LayerGroups(sites("seq2seq", "attn.value", "cross_attn.value"));
        assertThat(PrunePattern.siteKind("attn.value").removed(s2s))
                .allMatch(n -> n.endsWith(".attn.value") && !n.contains("cross_attn"));
        assertThat(PrunePattern.siteKind("cross_attn.value").removed(s2s)).isNotEmpty()
                .allMatch(n -> n.contains("cross_attn.value"));
    }

    @Test
    void stackPrefixAndErrors() {
        assertThat(LayerGroups.stackPrefix("blocks.3.attn.query")).isEmpty();
        assertThat(LayerGroups.stackPrefix("encoder.blocks.0.mlp.fc1")).isEqualTo("encoder.");
        assertThat(LayerGroups.stackPrefix("a.layers.1.blocks.2.x")).isEqualTo("a.layers.1.");
        assertThatThrownBy(() -> LayerGroups.stackPrefix("lm_head")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lm_head");
        assertThatThrownBy(() -> new LayerGroups(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
