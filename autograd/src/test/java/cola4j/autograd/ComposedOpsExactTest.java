package cola4j.autograd;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * neg, addScalar, mulScalar, transpose and expand are composed from primitives; this pins that their values and
 * gradients equal, bit for bit, the single-node ops they replaced (kept below as references, with their old VJPs),
 * also in a graph where nodes are used several times, so that the gradient accumulation order matters.
 */
class ComposedOpsExactTest {

    /** The five ops, either composed (current) or as the former primitives. */
    interface Ops {
        Var neg(Var a);

        Var addScalar(Var a, double s);

        Var mulScalar(Var a, double s);

        Var transpose(Var a, int x, int y);

        Var expand(Var a, int... shape);
    }

    static final Ops COMPOSED = new Ops() {
        public Var neg(Var a) { return ElementwiseOps.neg(a); }
        public Var addScalar(Var a, double s) { return ElementwiseOps.addScalar(a, s); }
        public Var mulScalar(Var a, double s) { return ElementwiseOps.mulScalar(a, s); }
        public Var transpose(Var a, int x, int y) { return LayoutOps.transpose(a, x, y); }
        public Var expand(Var a, int... shape) { return LayoutOps.expand(a, shape); }
    };

    /** The former primitives, verbatim. */
    static final Ops FORMER = new Ops() {
        public Var neg(Var a) {
            return Var.result(a.value().neg(), "neg", g -> a.accumulate(g.neg()), a);
        }

        public Var addScalar(Var a, double s) {
            return Var.result(a.value().add(s), "add_scalar", a::accumulate, a);
        }

        public Var mulScalar(Var a, double s) {
            return Var.result(a.value().mul(s), "mul_scalar", g -> a.accumulate(g.mul(s)), a);
        }

        public Var transpose(Var a, int x, int y) {
            return Var.result(a.value().transpose(x, y), "transpose", g -> a.accumulate(g.transpose(x, y)), a);
        }

        public Var expand(Var a, int... shape) {
            int[] in = a.value().shape();
            return Var.result(a.value().expand(shape), "expand", g -> a.accumulate(g.sumTo(in)), a);
        }
    };

    /** Values and gradients of x [4, 6], w [6], b [4, 1] through a graph that reuses x, w, b and intermediates. */
    static Tensor[] run(Ops ops, DType dt) {
        Var x = Var.param(new Rng(1).normal(dt, 0, 2, 4, 6));
        Var w = Var.param(new Rng(2).normal(dt, 0, 1, 6));
        Var b = Var.param(new Rng(3).normal(dt, 0, 1, 4, 1));
        Tensor r = new Rng(4).normal(dt, 0, 1, 4, 6);
        Var c = x.sub(x.mean(true, -1));                                        // x twice
        Var v = ops.mulScalar(c.pow(2), 0.37).add(ops.addScalar(c, -1.1));    // c twice
        Var t = ops.transpose(ops.neg(c).mul(w), 0, 1).tanh();                 // [6, 4]
        Var e = ops.expand(b, 4, 6);                                            // [4, 6]
        Var s = ops.transpose(t, 1, 0).sub(e).mul(v).add(w.sub(x)).add(e.mul(ops.neg(b)));
        Var y = s.sub(ops.neg(s)).sub(Var.constant(r)).mul(s);                  // s three times, constant operand
        Var loss = ops.mulScalar(y.mul(Var.constant(r)).sum(false), 0.1);
        loss.backward();
        return new Tensor[] {y.value(), loss.value(), x.grad(), w.grad(), b.grad()};
    }

    @Test
    void composedOpsAreBitIdenticalToTheFormerPrimitives() {
        for (DType dt : DType.values()) {
            Tensor[] now = run(COMPOSED, dt), before = run(FORMER, dt);
            for (int i = 0; i < now.length; i++) {
                assertThat(now[i].bitEquals(before[i])).as(dt + " result " + i).isTrue();
            }
        }
    }

    @Test
    void eachComposedOpAloneWithSpecialValues() {
        for (DType dt : DType.values()) {
            Tensor a0 = new Rng(5).normal(dt, 0, 3, 2, 1, 5);
            double[] special = {0.0, -0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e-310, -1e300};
            for (int i = 0; i < special.length; i++) a0.setFlat(i, special[i]);
            Tensor[] now = single(COMPOSED, a0), before = single(FORMER, a0);
            for (int i = 0; i < now.length; i++) {
                assertThat(now[i].bitEquals(before[i])).as(dt + " result " + i).isTrue();
            }
        }
    }

    private static Tensor[] single(Ops ops, Tensor a0) {
        Tensor[] out = new Tensor[10];
        for (int op = 0; op < 5; op++) {
            Var a = Var.param(a0);
            Var y = switch (op) {
                case 0 -> ops.neg(a);
                case 1 -> ops.addScalar(a, 0.1);
                case 2 -> ops.mulScalar(a, -2.7);
                case 3 -> ops.transpose(a, -1, 0);
                default -> ops.expand(a, 3, 2, 4, 5);
            };
            y.backward(new Rng(7).normal(a0.dtype(), 0, 1, y.shape()));
            out[2 * op] = y.value();
            out[2 * op + 1] = a.grad();
        }
        return out;
    }

    @Test
    void composedNodesRecordTheComposedOpsNameAndNoExtraNode() {
        Var a = Var.param(Tensor.zeros(DType.FLOAT64, 2, 3));
        for (Var y : new Var[] {a.neg(), a.add(1.0), a.mul(2.0), a.transpose(0, 1), a.expand(4, 2, 3)}) {
            assertThat(y.parents()).as(y.op()).hasSize(2 - (y.op().equals("transpose") ? 1 : 0)).contains(a);
        }
        assertThat(a.neg().op()).isEqualTo("neg");
        assertThat(a.add(1.0).op()).isEqualTo("add_scalar");
        assertThat(a.mul(2.0).op()).isEqualTo("mul_scalar");
        assertThat(a.transpose(0, 1).op()).isEqualTo("transpose");
        assertThat(a.expand(4, 2, 3).op()).isEqualTo("expand");
        assertThat(a.transpose(0, 1).shape()).containsExactly(3, 2);
    }
}
