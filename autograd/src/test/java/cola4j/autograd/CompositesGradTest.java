package cola4j.autograd;

import static cola4j.autograd.GradCheck.require;
import static cola4j.autograd.Inputs.randn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Finite-difference checks of the composites, plus their forward values against closed forms. */
class CompositesGradTest {

    @Test
    void sigmoid() {
        require("sigmoid", v -> Activations.sigmoid(v.get(0)), randn(301, 3, 4).mul(3.0));
        Tensor x = Tensor.of(new double[] {-800, -2, 0, 1.5, 800}, 5);
        Tensor y = Activations.sigmoid(Var.constant(x)).value();
        for (int i = 0; i < 5; i++) {
            assertThat(y.getFlat(i)).isCloseTo(1 / (1 + Math.exp(-x.getFlat(i))), within(1e-15));
        }
        Var big = Var.param(x);
        Activations.sigmoid(big).sum(false).backward();
        assertThat(big.grad().isFinite()).as("no 0·∞ at |x| = 800").isTrue();
    }

    @Test
    void reluAwayFromZero() {
        Tensor x = randn(302, 4, 5);
        for (int i = 0; i < x.numel(); i++) assertThat(Math.abs(x.getFlat(i))).isGreaterThan(1e-4);
        require("relu", v -> Activations.relu(v.get(0)), x);
        Var z = Var.param(Tensor.of(new double[] {-1, 0, 2}, 3));
        Activations.relu(z).sum(false).backward();
        assertThat(z.grad().toDoubleArray()).as("gradient 0 at x = 0, as PyTorch").containsExactly(0, 0, 1);
        assertThat(Activations.relu(z).value().toDoubleArray()).containsExactly(0, 0, 2);
    }

    @Test
    void gelu() {
        require("gelu", v -> Activations.gelu(v.get(0)), randn(303, 3, 4).mul(2.0));
        double x = 0.7;
        double expected = 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
        assertThat(Activations.gelu(Var.constant(Tensor.scalar(x))).value().item()).isCloseTo(expected, within(1e-16));
    }

    @Test
    void softmaxAndLogSoftmax() {
        Tensor x = randn(304, 2, 3, 5).mul(2.0);
        require("softmax axis -1", v -> Activations.softmax(v.get(0), -1), x);
        require("softmax axis 1", v -> Activations.softmax(v.get(0), 1), x);
        require("logSoftmax axis -1", v -> Activations.logSoftmax(v.get(0), -1), x);
        require("logSoftmax axis 0", v -> Activations.logSoftmax(v.get(0), 0), x);
        // rows sum to 1; stable for huge logits
        Tensor huge = Tensor.of(new double[] {1000, 1001, 999, -1000}, 1, 4);
        Tensor p = Activations.softmax(Var.constant(huge), -1).value();
        assertThat(p.sumAll()).isCloseTo(1.0, within(1e-15));
        assertThat(p.isFinite()).isTrue();
        Tensor lp = Activations.logSoftmax(Var.constant(huge), -1).value();
        assertThat(lp.getFlat(1)).isCloseTo(-Math.log(1 + Math.exp(-1) + Math.exp(-2)), within(1e-13));
    }

    @Test
    void crossEntropyMeanSumAndIgnoreIndex() {
        Tensor logits = randn(305, 5, 4).mul(2.0);
        int[] t = {1, -100, 3, 0, -100};
        require("crossEntropy MEAN ignore", v -> Losses.crossEntropy(v.get(0), t, -100, Reduction.MEAN), logits);
        require("crossEntropy SUM ignore", v -> Losses.crossEntropy(v.get(0), t, -100, Reduction.SUM), logits);
        int[] all = {1, 2, 3, 0, 2};
        require("crossEntropy MEAN", v -> Losses.crossEntropy(v.get(0), all, -100, Reduction.MEAN), logits);

        // value against a direct computation: mean over the 3 counted rows of -log softmax
        double expected = 0;
        for (int i = 0; i < 5; i++) {
            if (t[i] == -100) continue;
            double norm = 0;
            for (int c = 0; c < 4; c++) norm += Math.exp(logits.get(i, c));
            expected += -(logits.get(i, t[i]) - Math.log(norm));
        }
        double mean = Losses.crossEntropy(Var.constant(logits), t, -100, Reduction.MEAN).value().item();
        assertThat(mean).isCloseTo(expected / 3, within(1e-13));
        double sum = Losses.crossEntropy(Var.constant(logits), t, -100, Reduction.SUM).value().item();
        assertThat(sum).isCloseTo(expected, within(1e-13));

        // ignored rows get exactly zero gradient; counted rows (softmax - onehot)/3
        Var z = Var.param(logits);
        Losses.crossEntropy(z, t, -100, Reduction.MEAN).backward();
        for (int c = 0; c < 4; c++) assertThat(z.grad().get(1, c)).isEqualTo(0.0);
        assertThat(z.grad().sum(false, 1).maxAbs()).as("each row's gradient sums to 0").isLessThan(1e-15);
    }

    @Test
    void crossEntropyRejectsBadInput() {
        Var z = Var.param(randn(306, 2, 3));
        assertThatThrownBy(() -> Losses.crossEntropy(z, new int[] {0, 3}, -100, Reduction.MEAN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("target 3");
        assertThatThrownBy(() -> Losses.crossEntropy(z, new int[] {0}, -100, Reduction.MEAN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[2, 3]");
        assertThatThrownBy(() -> Losses.crossEntropy(z, new int[] {-100, -100}, -100, Reduction.MEAN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ignore index");
    }

    @Test
    void mse() {
        require("mse MEAN", v -> Losses.mse(v.get(0), v.get(1), Reduction.MEAN), randn(307, 3, 4), randn(308, 3, 4));
        require("mse SUM", v -> Losses.mse(v.get(0), v.get(1), Reduction.SUM), randn(309, 3, 4), randn(310, 3, 4));
        Tensor a = Tensor.of(new double[] {1, 2, 3}, 3), b = Tensor.of(new double[] {0, 2, 5}, 3);
        assertThat(Losses.mse(Var.constant(a), Var.constant(b), Reduction.MEAN).value().item())
                .isCloseTo(5.0 / 3, within(1e-15));
        assertThat(Losses.mse(Var.constant(a), Var.constant(b), Reduction.SUM).value().item()).isEqualTo(5.0);
    }

    @Test
    void layerNormWithGammaBeta() {
        Tensor x = randn(311, 2, 3, 6), gamma = randn(312, 6), beta = randn(313, 6);
        require("layerNorm x,gamma,beta", v -> Normalization.layerNorm(v.get(0), v.get(1), v.get(2), 1e-5), x, gamma,
                beta);
        require("layerNorm no affine", v -> Normalization.layerNorm(v.get(0), null, null, 1e-5), x);
        // forward: each row has mean 0 and biased variance var/(var+eps)
        Tensor y = Normalization.layerNorm(Var.constant(x), null, null, 1e-5).value();
        Tensor row = x.slice(0, 0, 1).slice(1, 0, 1).reshape(6);
        double mu = row.sumAll() / 6, var = row.add(-mu).pow(2).sumAll() / 6;
        assertThat(y.reshape(6, 6).slice(0, 0, 1).sumAll()).isCloseTo(0.0, within(1e-14));
        assertThat(y.get(0, 0, 2)).isCloseTo((row.getFlat(2) - mu) / Math.sqrt(var + 1e-5), within(1e-14));
        assertThatThrownBy(() -> Normalization.layerNorm(Var.constant(x), Var.constant(randn(1, 5)), null, 1e-5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gamma");
    }

    @Test
    void dropoutWithFixedMask() {
        Tensor x = randn(314, 4, 5);
        require("dropout p=0.3 seed 9", v -> Dropout.dropout(v.get(0), 0.3, new Rng(9), true), x);
        Tensor y = Dropout.dropout(Var.constant(x), 0.3, new Rng(9), true).value();
        Tensor mask = Dropout.mask(x, 0.3, new Rng(9));
        int kept = 0;
        for (int i = 0; i < x.numel(); i++) {
            double m = mask.getFlat(i);
            assertThat(m == 0.0 || m == 1 / 0.7).isTrue();
            assertThat(y.getFlat(i)).isEqualTo(x.getFlat(i) * m);
            if (m != 0) kept++;
        }
        assertThat(kept).isStrictlyBetween(0, x.numel());
        Var in = Var.param(x);
        assertThat(Dropout.dropout(in, 0.3, new Rng(9), false)).as("identity in eval mode").isSameAs(in);
        assertThat(Dropout.dropout(in, 0.0, new Rng(9), true)).isSameAs(in);
        assertThat(Dropout.dropout(in, 1.0, new Rng(9), true).value().maxAbs()).isEqualTo(0.0);
        assertThatThrownBy(() -> Dropout.dropout(in, 1.5, new Rng(9), true))
                .isInstanceOf(IllegalArgumentException.class);
        // same seed, same mask; the expected keep rate over many draws is 1 - p
        Tensor big = Dropout.mask(Tensor.ones(DType.FLOAT64, 100000), 0.3, new Rng(5));
        assertThat(big.bitEquals(Dropout.mask(Tensor.ones(DType.FLOAT64, 100000), 0.3, new Rng(5)))).isTrue();
        assertThat(big.sumAll() / 100000).as("E[m/(1-p)] = 1").isCloseTo(1.0, within(0.01));
    }
}
