package cola4j.gl.copra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cola4j.gl.verify.Fixture;
import cola4j.models.DecoderLM;
import cola4j.models.site.Site;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProgressiveActivationTest {
    private static LayerGroups tinyGroups() {
        Fixture fx = new Fixture(DType.FLOAT64, 3);
        DecoderLM m = fx.model();
        return new LayerGroups(fx.sites(m));
    }

    @Test
    void scheduleValues() {
        ProgressiveSchedule s = ProgressiveSchedule.defaults(100);   // S1 = 75 steps
        assertThat(s.probability(0)).isEqualTo(0.1);
        assertThat(s.probability(25)).isCloseTo(0.1 + 0.9 * 25 / 75.0, org.assertj.core.data.Offset.offset(1e-15));
        assertThat(s.probability(25)).isCloseTo(0.4, org.assertj.core.data.Offset.offset(1e-15));
        assertThat(s.probability(74)).isCloseTo(0.1 + 0.9 * 74 / 75.0, org.assertj.core.data.Offset.offset(1e-15))
                .isLessThan(1.0);
        assertThat(s.probability(75)).isEqualTo(1.0);
        assertThat(s.probability(99)).isEqualTo(1.0);
        assertThat(s.probability(500)).isEqualTo(1.0);
        assertThat(new ProgressiveSchedule(0.2, 0.5, 10).probability(2))
                .isCloseTo(0.2 + 0.8 * 2 / 5.0, org.assertj.core.data.Offset.offset(1e-15));
        assertThat(ProgressiveSchedule.always(10).probability(0)).isEqualTo(1.0);
        assertThat(ProgressiveSchedule.always(10).isPlain()).isTrue();
        assertThat(s.isPlain()).isFalse();
        assertThatThrownBy(() -> new ProgressiveSchedule(0, 0.75, 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("p0");
        assertThatThrownBy(() -> new ProgressiveSchedule(0.1, 1.5, 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stage1Ratio");
        assertThatThrownBy(() -> s.probability(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void groupsPerLayerWithHeadAlone() {
        LayerGroups g = tinyGroups();
        assertThat(g.names()).containsExactly("layer 0", "layer 1", "lm_head");
        assertThat(g.sites(0)).containsExactly("blocks.0.attn.query", "blocks.0.attn.value", "blocks.0.mlp.fc1");
        assertThat(g.layerIndex(2)).isEqualTo(-1);
        assertThat(g.sites(0b101L))
                .containsExactlyInAnyOrder("blocks.0.attn.query", "blocks.0.attn.value", "blocks.0.mlp.fc1", "lm_head");
    }

    @Test
    void atLeastOneGroupIsActive() {
        LayerGroups g = tinyGroups();
        ProgressiveActivation a = new ProgressiveActivation(new ProgressiveSchedule(1e-3, 1.0, 1000), g, new Rng(5));
        for (int k = 0; k < 200; k++) {
            boolean[] act = a.drawGroups(k);
            int n = 0;
            for (boolean b : act) n += b ? 1 : 0;
            assertThat(n).isGreaterThanOrEqualTo(1);
        }
        assertThat(a.redraws()).as("with p ~ 1e-3 almost every first draw is empty and is redrawn").isGreaterThan(100);
    }

    @Test
    void activeSitesAreWholeLayers() {
        LayerGroups g = tinyGroups();
        ProgressiveActivation a = new ProgressiveActivation(ProgressiveSchedule.defaults(50), g, new Rng(9));
        for (int k = 0; k < 50; k++) {
            Set<String> s = a.draw(k);
            boolean[] act = a.lastGroups();
            for (int j = 0; j < g.size(); j++) {
                if (act[j]) assertThat(s).containsAll(g.sites(j));
                else assertThat(s).doesNotContainAnyElementsOf(g.sites(j));
            }
        }
    }

    @Test
    void sameSeedSameDraws() {
        LayerGroups g = tinyGroups();
        List<Set<String>> a = new ArrayList<>(), b = new ArrayList<>(), c = new ArrayList<>();
        ProgressiveActivation x = new ProgressiveActivation(ProgressiveSchedule.defaults(40), g, new Rng(11));
        ProgressiveActivation y = new ProgressiveActivation(ProgressiveSchedule.defaults(40), g, new Rng(11));
        ProgressiveActivation z = new ProgressiveActivation(ProgressiveSchedule.defaults(40), g, new Rng(12));
        for (int k = 0; k < 40; k++) {
            a.add(x.draw(k));
            b.add(y.draw(k));
            c.add(z.draw(k));
        }
        assertThat(a).isEqualTo(b);
        assertThat(a).isNotEqualTo(c);
    }

    /** P(group active) given the at-least-one rule is p / (1 − (1 − p)^G). */
    @Test
    void activationFrequencyMatchesTheConditionedProbability() {
        LayerGroups g = tinyGroups();
        double p = 0.3;
        ProgressiveActivation a = new ProgressiveActivation(new ProgressiveSchedule(p, 1.0, 1_000_000), g, new Rng(1));
        int n = 20000;
        int[] count = new int[g.size()];
        for (int k = 0; k < n; k++) {
            boolean[] act = a.drawGroups(0);
            for (int j = 0; j < act.length; j++) count[j] += act[j] ? 1 : 0;
        }
        double want = p / (1 - Math.pow(1 - p, g.size()));
        for (int c : count) assertThat(c / (double) n).isCloseTo(want, org.assertj.core.data.Offset.offset(0.02));
    }

    @Test
    void sitesWithoutLayerFormTheirOwnGroups() {
        DecoderLM m = new Fixture(DType.FLOAT64, 1).model();
        List<Site> s = m.sites(cola4j.models.site.SiteSelector.suffixes("lm_head", "attn.key"));
        LayerGroups g = new LayerGroups(s);
        assertThat(g.size()).isEqualTo(3);
        assertThat(g.allSites()).hasSize(3);
    }
}
