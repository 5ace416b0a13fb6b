package cola4j.gl.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import cola4j.autograd.Var;
import cola4j.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScheduleAndClipTest {
    @Test
    void constantSchedule() {
        LrSchedule s = LrSchedule.constant(0.3);
        assertThat(s.lr(0)).isEqualTo(0.3);
        assertThat(s.lr(1_000_000)).isEqualTo(0.3);
    }

    @Test
    void linearWarmupThenDecay() {
        LrSchedule s = LrSchedule.linearWarmupDecay(1.0, 4, 12);
        assertThat(s.lr(0)).isEqualTo(0.0);
        assertThat(s.lr(1)).isEqualTo(0.25);
        assertThat(s.lr(3)).isEqualTo(0.75);
        assertThat(s.lr(4)).isEqualTo(1.0);
        assertThat(s.lr(8)).isEqualTo(0.5);
        assertThat(s.lr(10)).isEqualTo(0.25);
        assertThat(s.lr(12)).isEqualTo(0.0);
        assertThat(s.lr(20)).isEqualTo(0.0);
        LrSchedule floor = new LinearWarmupDecay(1.0, 0, 10, 0.1);
        assertThat(floor.lr(0)).isEqualTo(1.0);
        assertThat(floor.lr(5)).isCloseTo(0.55, within(1e-15));
        assertThat(floor.lr(50)).isCloseTo(0.1, within(1e-15));
    }

    @Test
    void cosineWithWarmup() {
        LrSchedule s = LrSchedule.cosine(2.0, 2, 10, 0.0);
        assertThat(s.lr(0)).isEqualTo(0.0);
        assertThat(s.lr(1)).isEqualTo(1.0);
        assertThat(s.lr(2)).isEqualTo(2.0);
        assertThat(s.lr(6)).isCloseTo(1.0, within(1e-15)); // halfway: ½(1 + cos(π/2)) = ½
        assertThat(s.lr(4)).isCloseTo(2.0 * 0.5 * (1 + Math.sqrt(0.5)), within(1e-15)); // quarter: cos(π/4)
        assertThat(s.lr(10)).isCloseTo(0.0, within(1e-15));
        assertThat(s.lr(99)).isCloseTo(0.0, within(1e-15));
        LrSchedule m = LrSchedule.cosine(1.0, 0, 4, 0.2);
        assertThat(m.lr(2)).isCloseTo(0.6, within(1e-15));
        assertThat(m.lr(4)).isCloseTo(0.2, within(1e-15));
    }

    @Test
    void scheduleDrivesOptimizer() {
        Var p = Var.param(Tensor.of(new double[] {0.0}, 1));
        Sgd opt = new Sgd(Optimizer.named(List.of(p)), SgdConfig.plain(123));
        LrSchedule s = LrSchedule.linearWarmupDecay(1.0, 2, 4);
        double[] seen = new double[4];
        for (int k = 0; k < 4; k++) {
            s.apply(opt);
            seen[k] = opt.lr();
            p.setGrad(Tensor.of(new double[] {1.0}, 1));
            opt.step();
        }
        assertThat(seen).containsExactly(0.0, 0.5, 1.0, 0.5);
        assertThat(p.value().get(0)).isEqualTo(-2.0);
    }

    @Test
    void badScheduleArguments() {
        assertThatThrownBy(() -> LrSchedule.linearWarmupDecay(1, 5, 4)).hasMessageContaining("warmup 5, total 4");
        assertThatThrownBy(() -> LrSchedule.cosine(1, 0, 4, 2)).hasMessageContaining("final lr");
        assertThatThrownBy(() -> LrSchedule.constant(1).lr(-1)).hasMessageContaining("step must be >= 0");
    }

    @Test
    void clipGlobalNormScalesOnlyAboveTheLimit() {
        Var a = Var.param(Tensor.of(new double[] {0, 0}, 2)), b = Var.param(Tensor.of(new double[] {0}, 1));
        Var none = Var.param(Tensor.of(new double[] {0}, 1));
        a.setGrad(Tensor.of(new double[] {3, 0}, 2));
        b.setGrad(Tensor.of(new double[] {4}, 1));
        double n = GradClip.clipGlobalNorm(List.of(a, b, none), 10);
        assertThat(n).isEqualTo(5.0);
        assertThat(a.grad().get(0)).isEqualTo(3.0);
        n = GradClip.clipGlobalNorm(List.of(a, b, none), 1);
        assertThat(n).isEqualTo(5.0);
        double c = 1 / (5 + 1e-6);
        assertThat(a.grad().get(0)).isCloseTo(3 * c, within(1e-16));
        assertThat(b.grad().get(0)).isCloseTo(4 * c, within(1e-16));
        assertThat(none.grad()).isNull();
        assertThat(GradClip.clipGlobalNorm(List.of(a, b), Double.POSITIVE_INFINITY)).isCloseTo(5 * c, within(1e-15));
    }

    @Test
    void clipDoesNotDoubleScaleSharedGradientStorage() {
        // z = a + b: both leaves receive the very same upstream tensor (sumTo returns its input unchanged)
        Var a = Var.param(Tensor.of(new double[] {1, 2}, 2)), b = Var.param(Tensor.of(new double[] {3, 4}, 2));
        a.add(b).backward(Tensor.of(new double[] {3, 4}, 2));
        double n = GradClip.clipGlobalNorm(List.of(a, b), 1);
        assertThat(n).isCloseTo(Math.sqrt(50), within(1e-15));
        double c = 1 / (Math.sqrt(50) + 1e-6);
        assertThat(a.grad().toDoubleArray()).containsExactly(new double[] {3 * c, 4 * c}, within(1e-16));
        assertThat(b.grad().toDoubleArray()).containsExactly(new double[] {3 * c, 4 * c}, within(1e-16));
    }

    @Test
    void nonFiniteGradientIsNamed() {
        Var a = Var.param(Tensor.of(new double[] {0}, 1)).named("w");
        a.setGrad(Tensor.of(new double[] {Double.NaN}, 1));
        assertThatThrownBy(() -> GradClip.clipGlobalNorm(List.of(a), 1)).hasMessageContaining("'w'");
    }
}
