package cola4j.autograd;

import static cola4j.autograd.FD.randn;
import static org.assertj.core.api.Assertions.assertThat;

import cola4j.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The checker itself: it must fail on a wrong VJP and report where. */
class GradCheckTest {

    @Test
    void detectsAWrongVjp() {
        // z = x², with a VJP that forgets the factor 2
        GradCheck.Result r = GradCheck.check(v -> {
            Var x = v.get(0);
            return Var.result(x.value().mul(x.value()), "bad_square", g -> x.accumulate(g.mul(x.value())), x);
        }, List.of(randn(501, 3, 2)));
        assertThat(r.pass(FD.TOL)).as(r.toString()).isFalse();
        assertThat(r.maxRelError()).isCloseTo(0.5, org.assertj.core.api.Assertions.within(1e-6));
        assertThat(r.worstInput()).isZero();
    }

    @Test
    void detectsAMissingBroadcastReduction() {
        // a VJP that only credits the first row of a broadcast operand
        Tensor a0 = randn(502, 3, 4), b0 = randn(503, 4);
        GradCheck.Result r = GradCheck.check(v -> {
            Var a = v.get(0), b = v.get(1);
            return Var.result(a.value().add(b.value()), "bad_add", g -> {
                a.accumulate(g);
                b.accumulate(g.slice(0, 0, 1).reshape(4));
            }, a, b);
        }, List.of(a0, b0));
        assertThat(r.pass(FD.TOL)).as(r.toString()).isFalse();
        assertThat(r.worstInput()).isEqualTo(1);
    }

    @Test
    void numericGradientOfAKnownFunction() {
        // L = Σ x³, dL/dx = 3x²
        Tensor x = randn(504, 5);
        Tensor g = GradCheck.numericGradients(v -> v.get(0).pow(3).sum(false), List.of(x), Tensor.scalar(1.0), 1e-5).get(0);
        assertThat(g.maxAbsDiff(x.pow(2).mul(3.0))).isLessThan(1e-9);
        assertThat(x.bitEquals(randn(504, 5))).as("inputs untouched").isTrue();
    }
}
