package cola4j.models.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cola4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class MetricsTest {
    private static final int X = SymbolVocab.IGNORE_INDEX;

    @Test
    void accuracyOnHandExample() {
        assertThat(Metrics.accuracy(new int[] {1, 2, 3, 0}, new int[] {1, 0, 3, 0})).isEqualTo(0.75);
        assertThatThrownBy(() -> Metrics.accuracy(new int[] {1}, new int[] {1, 2}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void exactMatchAndTokenAccuracyIgnoreMinus100() {
        int[][] targets = {{X, 5, 6, X}, {X, 7, 8, 9}, {X, X, X, X}};
        int[][] pred = {{0, 5, 6, 0}, {7, 7, 1, 9}, {1, 2, 3, 4}};
        // row 0: both scored positions right (the ignored ones are wrong) -> match;
        // row 1: 2 of 3 right; row 2: not scored
        assertThat(Metrics.exactMatch(pred, targets)).isEqualTo(0.5);
        assertThat(Metrics.tokenAccuracy(pred, targets)).isEqualTo(4.0 / 5.0);
        assertThat(Metrics.scoredCount(targets)).isEqualTo(5);
        assertThatThrownBy(() -> Metrics.tokenAccuracy(new int[][] {{1}}, new int[][] {{X}}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-100");
        assertThatThrownBy(() -> Metrics.exactMatch(new int[][] {{1, 2}}, new int[][] {{1}}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("row 0");
    }

    @Test
    void weightedMeanLoss() {
        Metrics.Mean m = new Metrics.Mean().add(2.0, 1).add(5.0, 3);
        assertThat(m.mean()).isEqualTo((2.0 + 15.0) / 4.0);
        assertThat(m.totalWeight()).isEqualTo(4.0);
        assertThat(new Metrics.Mean().add(1).add(2).add(6).mean()).isEqualTo(3.0);
        assertThatThrownBy(() -> new Metrics.Mean().mean()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new Metrics.Mean().add(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void argmaxOfLogits() {
        assertThat(Metrics.argmax(new double[] {0.1, 3, 3, -1})).isEqualTo(1);
        Tensor rows = Tensor.of(new double[] {0, 1, 0, 5, 2, 3}, 2, 3);
        assertThat(Metrics.argmaxRows(rows)).containsExactly(1, 0);
        Tensor toks = Tensor.of(new double[] {1, 0, 0, 2, 9, 8, 7, 6}, 2, 2, 2);
        assertThat(Metrics.argmaxTokens(toks)).isDeepEqualTo(new int[][] {{0, 1}, {0, 0}});
        assertThatThrownBy(() -> Metrics.argmaxRows(toks)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rank 3");
    }

    @Test
    void chanceIsTheBestConstantPrediction() {
        int I = SymbolVocab.IGNORE_INDEX;
        // accuracy: label 2 is the most frequent (3 of 5)
        assertThat(Metrics.chance(Metric.ACCURACY, new int[][] {{2}, {0}, {2}, {1}, {2}})).isEqualTo(0.6);
        // exact match: answer [I, 5, 6] occurs twice in 4 scored rows; the all-ignored row is skipped
        int[][] seqs = {{I, 5, 6}, {I, 5, 7}, {I, 5, 6}, {5, 6, I}, {I, I, I}};
        assertThat(Metrics.chance(Metric.EXACT_MATCH, seqs)).isEqualTo(0.5);
        // token accuracy: position 0 best 1 of 1, position 1 best 3 of 4 (5), position 2 best 2 of 3 (6) -> 6 / 8
        assertThat(Metrics.chance(Metric.TOKEN_ACCURACY, seqs)).isEqualTo(6 / 8.0);
        // the constant prediction that achieves it really scores that much
        int[][] constant = {{5, 5, 6}, {5, 5, 6}, {5, 5, 6}, {5, 5, 6}, {5, 5, 6}};
        assertThat(Metrics.tokenAccuracy(constant, seqs)).isEqualTo(6 / 8.0);
        assertThatThrownBy(() -> Metrics.chance(Metric.ACCURACY, new int[0][]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no rows");
        assertThatThrownBy(() -> Metrics.chance(Metric.EXACT_MATCH, new int[][] {{I, I}}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no scored");
    }
}
