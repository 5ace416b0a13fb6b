package cola4j.autograd;

import static cola4j.autograd.Inputs.randn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cola4j.tensor.DType;
import cola4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Behaviour of the tape: accumulation, hooks, taps, noGrad, detach, deep graphs, errors, gradient release. */
class TapeBehaviourTest {

    @Test
    void gradientsAccumulateWhenANodeIsUsedTwice() {
        Tensor x0 = randn(401, 3, 4);
        Var x = Var.param(x0);
        x.mul(x).add(x).sum(false).backward(); // y = x*x + x  ⇒ dy/dx = 2x + 1
        Tensor expected = x0.mul(2.0).add(1.0);
        assertThat(x.grad().maxAbsDiff(expected)).as("both uses of x counted (rounding order aside)").isLessThan(1e-14);
        assertThat(x.grad().maxAbsDiff(x0.add(1.0))).as("not just one use").isGreaterThan(0.1);
        GradCheck.require("x*x + x", v -> v.get(0).mul(v.get(0)).add(v.get(0)), x0);
    }

    @Test
    void hookReceivesExactlyDlDvOnceWithTheCompleteGradient() {
        Tensor x0 = randn(402, 2, 3), w0 = randn(403, 3, 3);
        // v = tanh(x·W) is used twice downstream: L = Σ v⊙v·2 + Σ exp(v)  (two paths into v)
        Function<Var, Var> tail = v -> v.mul(v).mul(2.0).add(v.exp()).sum(false);
        Var x = Var.param(x0), w = Var.param(w0);
        Var v = x.matmul(w).tanh();
        List<Tensor> seen = new ArrayList<>();
        v.registerHook(seen::add);
        tail.apply(v).backward();
        assertThat(seen).as("hook fires once").hasSize(1);

        // reference: FD of L wrt a perturbation δ added at v (δ = 0), so dL/dδ = dL/dv
        Tensor vValue = x0.matmul(w0).tanh();
        GradCheck.Result r = GradCheck.check(in -> tail.apply(Var.constant(vValue).add(in.get(0))),
                List.of(Tensor.zerosLike(vValue)));
        Tensor numeric = GradCheck.numericGradients(in -> tail.apply(Var.constant(vValue).add(in.get(0))),
                List.of(Tensor.zerosLike(vValue)), Tensor.scalar(1.0), GradCheck.Config.DEFAULT.h()).get(0);
        double rel = seen.get(0).maxAbsDiff(numeric) / numeric.maxAbs();
        System.out.printf("hook vs FD: rel %.2e (GradCheck of δ: %s)%n", rel, r);
        assertThat(rel).isLessThan(GradCheck.TOL);
        assertThat(r.pass(GradCheck.TOL)).isTrue();
        // and it is the complete gradient 4v + exp(v), not one path's share
        assertThat(seen.get(0).maxAbsDiff(vValue.mul(4.0).add(vValue.exp()))).isLessThan(1e-15);
    }

    @Test
    void hookRemovalStopsCalls() {
        Var x = Var.param(randn(404, 3));
        Var v = x.exp();
        int[] calls = {0};
        Runnable remove = v.registerHook(g -> calls[0]++);
        v.sum(false).backward();
        remove.run();
        v.sum(false).backward();
        assertThat(calls[0]).isEqualTo(1);
    }

    @Test
    void noGradRecordsNothing() {
        Var x = Var.param(randn(405, 3));
        Var y;
        try (var s = GradMode.noGrad()) {
            y = x.mul(x).exp().sum(false);
            assertThat(GradMode.isEnabled()).isFalse();
        }
        assertThat(GradMode.isEnabled()).isTrue();
        assertThat(y.requiresGrad()).isFalse();
        assertThat(y.parents()).isEmpty();
        assertThatThrownBy(y::backward).isInstanceOf(IllegalStateException.class);
        assertThat(x.grad()).isNull();
    }

    @Test
    void detachStopsGradient() {
        Tensor x0 = randn(406, 3);
        Var x = Var.param(x0);
        Var d = x.mul(3.0).detach();
        assertThat(d.requiresGrad()).isFalse();
        x.mul(d).sum(false).backward(); // d/dx Σ x⊙stopgrad(3x) = 3x, not 6x
        assertThat(x.grad().maxAbsDiff(x0.mul(3.0))).isEqualTo(0.0);
    }

    @Test
    void deepChainBackpropsWithoutStackOverflow() {
        Var x = Var.param(Tensor.scalar(1.0));
        Var y = x;
        for (int i = 0; i < 20000; i++) y = y.mul(1.0).add(0.0); // 40000 nodes
        y.backward();
        assertThat(x.grad().item()).isEqualTo(1.0);
    }

    @Test
    void backwardOnNonScalarNeedsUpstream() {
        Var x = Var.param(randn(407, 2, 3));
        Var y = x.exp();
        assertThatThrownBy(y::backward).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a scalar").hasMessageContaining("[2, 3]");
        assertThatThrownBy(() -> y.backward(Tensor.ones(DType.FLOAT64, 3, 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[3, 2]");
        y.backward(Tensor.ones(DType.FLOAT64, 2, 3));
        assertThat(x.grad().maxAbsDiff(x.value().exp())).isEqualTo(0.0);
    }

    @Test
    void backwardRejectsUpstreamOfAnotherDtype() {
        Var x = Var.param(randn(409, 2, 3));
        Var y = x.exp();
        Tensor f32 = Tensor.ones(DType.FLOAT32, 2, 3);
        assertThatThrownBy(() -> y.backward(f32)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("backward: upstream gradient float32 [2, 3] does not match output of 'exp' float64 [2, 3]");
        assertThat(x.grad()).as("nothing accumulated").isNull();
        // the float32 twin is accepted for a float32 graph
        Var x32 = Var.param(x.value().to(DType.FLOAT32));
        x32.exp().backward(f32);
        assertThat(x32.grad().dtype()).isEqualTo(DType.FLOAT32);
    }

    @Test
    void tapHookReceivesDlDvAndPassesTheGradientThroughUnchanged() {
        Tensor x0 = randn(410, 2, 3), w0 = randn(411, 3, 3);
        Function<Var, Var> tail = v -> v.mul(v).mul(1.5).add(v.tanh()).sum(false); // L = Σ 1.5 v⊙v + tanh(v)
        Tensor vValue = x0.matmul(w0).tanh();
        Tensor numeric = GradCheck.numericGradients(in -> tail.apply(in.get(0)), List.of(vValue), Tensor.scalar(1.0),
                GradCheck.Config.DEFAULT.h()).get(0);

        // (a) frozen graph below the tap (ColA's server): only the tap requires grad, its hook receives dL/dv
        Var frozen = Var.constant(x0).matmul(Var.constant(w0)).tanh();
        assertThat(frozen.requiresGrad()).isFalse();
        Var t = Var.tap(frozen);
        assertThat(t.requiresGrad()).isTrue();
        assertThat(t.value()).isSameAs(frozen.value());
        List<Tensor> seen = new ArrayList<>();
        t.registerHook(seen::add);
        tail.apply(t).backward();
        assertThat(seen).hasSize(1);
        double rel = seen.get(0).maxAbsDiff(numeric) / numeric.maxAbs();
        System.out.printf("tap hook vs FD: rel %.2e%n", rel);
        assertThat(rel).isLessThan(GradCheck.TOL);
        assertThat(frozen.grad()).as("nothing below the tap receives a gradient").isNull();

        // (b) trainable graph below the tap: the same gradient reaches v (bit-identical) and x as without the tap
        Var x = Var.param(x0), w = Var.constant(w0);
        Var v = x.matmul(w).tanh().retainGrad();
        Var tapped = Var.tap(v);
        List<Tensor> seen2 = new ArrayList<>();
        tapped.registerHook(seen2::add);
        tail.apply(tapped).backward();
        Var xRef = Var.param(x0);
        tail.apply(xRef.matmul(w).tanh()).backward();
        assertThat(seen2.get(0).bitEquals(seen.get(0))).as("hook sees the same dL/dv").isTrue();
        assertThat(v.grad().bitEquals(seen2.get(0))).as("identity VJP: v gets exactly the tap's gradient").isTrue();
        assertThat(x.grad().bitEquals(xRef.grad())).as("x's gradient unchanged by the tap").isTrue();

        // under noGrad a tap is a plain constant
        try (var s = GradMode.noGrad()) {
            assertThat(Var.tap(frozen).requiresGrad()).isFalse();
        }
    }

    @Test
    void intermediateGradsReleasedUnlessRetained() {
        Var x = Var.param(randn(408, 3));
        Var a = x.exp();
        Var b = x.tanh().retainGrad();
        a.add(b).mul(2.0).sum(false).backward();
        assertThat(a.grad()).as("released").isNull();
        assertThat(b.grad()).as("retained").isNotNull();
        assertThat(b.grad().toDoubleArray()).containsExactly(2, 2, 2);
        assertThat(x.grad()).as("leaf keeps its grad").isNotNull();
    }
}
