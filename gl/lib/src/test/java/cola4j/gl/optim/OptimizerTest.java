package cola4j.gl.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import cola4j.autograd.Var;
import cola4j.tensor.DType;
import cola4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Each optimizer against steps computed by hand (closed form, written out below) in float64. */
class OptimizerTest {
    static final double[][] GRADS = {{0.5, -1.0}, {0.1, 0.3}, {-0.2, 0.05}};

    static Var param() {
        return Var.param(Tensor.of(new double[] {1.0, -2.0}, 2)).named("p");
    }

    /** Runs {@code n} steps with the fixed gradient sequence, returning the parameter after each step. */
    static double[][] run(Optimizer opt, Var p, int n) {
        double[][] out = new double[n][];
        for (int k = 0; k < n; k++) {
            opt.zeroGrad();
            p.setGrad(Tensor.of(GRADS[k].clone(), 2));
            opt.step();
            out[k] = p.value().toDoubleArray();
        }
        return out;
    }

    static LinkedHashMap<String, Var> map(Var p) {
        return Optimizer.named(List.of(p));
    }

    @Test
    void adamTwoStepsByHand() {
        Var p = param();
        double[][] got = run(new Adam(map(p), new AdamConfig(0.1, 0.9, 0.999, 1e-8, 0)), p, 2);
        // step 1: m = 0.1 g, v = 0.001 g², m̂ = g, v̂ = g²  =>  p -= 0.1 · g / (|g| + 1e-8)
        double[] p1 = {1.0 - 0.1 * 0.5 / (0.5 + 1e-8), -2.0 - 0.1 * -1.0 / (1.0 + 1e-8)};
        // step 2: m = 0.9·m1 + 0.1·g2, v = 0.999·v1 + 0.001·g2², m̂ = m/(1-0.9²), v̂ = v/(1-0.999²)
        double[] p2 = new double[2];
        for (int i = 0; i < 2; i++) {
            double g1 = GRADS[0][i], g2 = GRADS[1][i];
            double m = 0.9 * (0.1 * g1) + 0.1 * g2;
            double v = 0.999 * (0.001 * g1 * g1) + 0.001 * g2 * g2;
            double mh = m / (1 - 0.81), vh = v / (1 - 0.998001);
            p2[i] = p1[i] - 0.1 * mh / (Math.sqrt(vh) + 1e-8);
        }
        assertClose(got[0], p1, 1e-15);
        assertClose(got[1], p2, 1e-15);
        // the same numbers from an independent Python transcription of torch.optim.Adam's formulas
        assertClose(got[1], new double[] {0.8196959063846518, -1.8572151424292265}, 1e-15);
    }

    @Test
    void adamCoupledWeightDecayAddsLambdaPToGradient() {
        Var p = param();
        double[][] got = run(new Adam(map(p), new AdamConfig(0.1, 0.9, 0.999, 1e-8, 0.5)), p, 1);
        double[] want = new double[2];
        for (int i = 0; i < 2; i++) {
            double g = GRADS[0][i] + 0.5 * (i == 0 ? 1.0 : -2.0); // g + λp
            want[i] = (i == 0 ? 1.0 : -2.0) - 0.1 * g / (Math.abs(g) + 1e-8);
        }
        assertClose(got[0], want, 1e-15);
    }

    @Test
    void adamWDecouplesWeightDecay() {
        Var p = param();
        double[][] got = run(new AdamW(map(p), new AdamConfig(0.1, 0.9, 0.999, 1e-8, 0.1)), p, 2);
        // step 1: p ← p(1 − 0.1·0.1), then the Adam step of size ≈ 0.1·sign(g)
        double[] p1 = {1.0 * 0.99 - 0.1 * 0.5 / (0.5 + 1e-8), -2.0 * 0.99 + 0.1 * 1.0 / (1.0 + 1e-8)};
        assertClose(got[0], p1, 1e-15);
        assertClose(got[1], new double[] {0.8007959063646517, -1.8184151424192265}, 1e-15);
    }

    @Test
    void sgdPlainMomentumDampeningNesterovWeightDecayByHand() {
        double lr = 0.1, mu = 0.9, tau = 0.2, wd = 0.05;
        // heavy-ball with dampening and weight decay, three steps
        Var p = param();
        double[][] got = run(new Sgd(map(p), new SgdConfig(lr, mu, tau, wd, false)), p, 3);
        double[] w = {1.0, -2.0}, b = new double[2];
        for (int k = 0; k < 3; k++) {
            for (int i = 0; i < 2; i++) {
                double d = GRADS[k][i] + wd * w[i];
                b[i] = k == 0 ? d : mu * b[i] + (1 - tau) * d;
                w[i] -= lr * b[i];
            }
            assertClose(got[k], w, 1e-15);
        }
        // Nesterov: d + μ·b
        p = param();
        got = run(new Sgd(map(p), new SgdConfig(lr, mu, 0, 0, true)), p, 2);
        double b1x = 0.5, w1x = 1.0 - lr * (0.5 + mu * b1x);
        double b2x = mu * b1x + 0.1, w2x = w1x - lr * (0.1 + mu * b2x);
        assertThat(got[0][0]).isCloseTo(w1x, within(1e-15));
        assertThat(got[1][0]).isCloseTo(w2x, within(1e-15));
        // plain SGD: p − η g
        p = param();
        got = run(new Sgd(map(p), SgdConfig.plain(0.5)), p, 1);
        assertClose(got[0], new double[] {1.0 - 0.25, -2.0 + 0.5}, 0);
    }

    @Test
    void parametersWithoutGradientAreSkipped() {
        Var p = param(), q = Var.param(Tensor.of(new double[] {3.0}, 1));
        LinkedHashMap<String, Var> m = new LinkedHashMap<>();
        m.put("p", p);
        m.put("q", q);
        Adam opt = new Adam(m, AdamConfig.adam(0.1));
        p.setGrad(Tensor.of(new double[] {1, 1}, 2));
        opt.step();
        assertThat(q.value().get(0)).isEqualTo(3.0);
        assertThat(opt.stateDict()).containsKeys("step", "p.exp_avg", "p.exp_avg_sq", "p.step")
                .doesNotContainKey("q.exp_avg");
    }

    @Test
    void stateRoundTripResumesBitExactly() {
        List<Function<LinkedHashMap<String, Var>, Optimizer>> makers = List.of(
                m -> new Adam(m, new AdamConfig(0.05, 0.8, 0.99, 1e-6, 0.01)),
                m -> new AdamW(m, AdamConfig.adamW(0.05)),
                m -> new Sgd(m, new SgdConfig(0.05, 0.9, 0, 0.01, true)));
        for (var make : makers) {
            Var p = param();
            Optimizer a = make.apply(map(p));
            run(a, p, 2);
            Var q = Var.param(p.value().copy());
            Optimizer b = make.apply(map(q));
            b.loadStateDict(a.stateDict());
            assertThat(b.stepCount()).isEqualTo(2);
            assertThat(b.stateBytes()).isEqualTo(a.stateBytes()).isPositive();
            for (Optimizer o : List.of(a, b)) {
                Var v = o == a ? p : q;
                o.zeroGrad();
                v.setGrad(Tensor.of(GRADS[2].clone(), 2));
                o.step();
            }
            assertThat(q.value().bitEquals(p.value())).as(a.getClass().getSimpleName()).isTrue();
        }
    }

    @Test
    void stateBytesCountsMoments() {
        Var p = Var.param(Tensor.zeros(DType.FLOAT32, 3, 4));
        Adam opt = new Adam(map(p), AdamConfig.adam(1e-3));
        assertThat(opt.stateBytes()).isZero();
        p.setGrad(Tensor.ones(DType.FLOAT32, 3, 4));
        opt.step();
        assertThat(opt.stateBytes()).isEqualTo(2 * 12 * 4 + 8); // m, v in float32 + the float64 step scalar
        assertThat(opt.stateDict().get("0.exp_avg").dtype()).isEqualTo(DType.FLOAT32);
    }

    @Test
    void badInputIsRejectedClearly() {
        Var p = param();
        Adam opt = new Adam(map(p), AdamConfig.adam(0.1));
        LinkedHashMap<String, Tensor> st = new LinkedHashMap<>();
        st.put("step", Tensor.scalar(1));
        st.put("0.exp_avg", Tensor.zeros(DType.FLOAT64, 3));
        assertThatThrownBy(() -> opt.loadStateDict(st)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0.exp_avg").hasMessageContaining("[3]");
        st.put("0.exp_avg", Tensor.zeros(DType.FLOAT64, 2));
        st.put("1.exp_avg", Tensor.zeros(DType.FLOAT64, 2));
        assertThatThrownBy(() -> opt.loadStateDict(st)).hasMessageContaining("unknown state entry '1.exp_avg'");
        st.remove("1.exp_avg");
        for (double bad : new double[] {Double.NaN, -5, 2.5, Double.POSITIVE_INFINITY, 0x1p60}) {
            st.put("step", Tensor.scalar(bad));
            assertThatThrownBy(() -> opt.loadStateDict(st)).as("step " + bad)
                    .hasMessageContaining("'step' must be one integer >= 0");
        }
        assertThat(opt.stepCount()).as("a refused state changes nothing").isZero();
        st.put("step", Tensor.scalar(3));
        Tensor nan = Tensor.zeros(DType.FLOAT64, 2);
        nan.setFlat(1, Double.NaN);
        st.put("0.exp_avg", nan);
        assertThatThrownBy(() -> opt.loadStateDict(st)).hasMessageContaining("'0.exp_avg' holds NaN or Inf");
        st.put("0.exp_avg", Tensor.zeros(DType.FLOAT64, 2));
        opt.loadStateDict(st);
        assertThat(opt.stepCount()).isEqualTo(3);
        assertThatThrownBy(() -> new SgdConfig(0.1, 0, 0, 0, true)).hasMessageContaining("nesterov");
        assertThatThrownBy(() -> new AdamConfig(0.1, 1.0, 0.999, 1e-8, 0)).hasMessageContaining("beta1");
        assertThatThrownBy(() -> opt.setLr(Double.NaN)).hasMessageContaining("learning rate");
        assertThatThrownBy(() -> new Sgd(map(Var.constant(Tensor.scalar(1))), SgdConfig.plain(1)))
                .hasMessageContaining("does not require grad");
    }

    static void assertClose(double[] got, double[] want, double rel) {
        assertThat(got).hasSameSizeAs(want);
        for (int i = 0; i < got.length; i++) {
            assertThat(got[i]).as("element %d", i).isCloseTo(want[i], within(rel * Math.max(1, Math.abs(want[i]))));
        }
    }
}
