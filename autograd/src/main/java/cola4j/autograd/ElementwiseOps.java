package cola4j.autograd;

import cola4j.tensor.Tensor;

/**
 * Elementwise ops with NumPy broadcasting. Each primitive computes the forward value and defines the VJP next to
 * it; for broadcast operands the VJP sums the upstream gradient back to the operand's shape ({@link Tensor#sumTo}).
 *
 * <p><b>Primitives</b> (own VJP): add, sub, mul, div, exp, log, sqrt, tanh, pow, maximum, where.
 * <b>Composed</b>, each one node with no backward code of its own: addScalar(a, s) = add(a, s),
 * mulScalar(a, s) = mul(a, s) and neg(a) = mul(a, −1), with s a constant one-element Var of a's dtype. They are
 * bit-identical, values and gradients, to the single-node ops they replace: a one-element operand takes the tensor
 * kernel's scalar loop x (op) s, with s rounded to the dtype exactly as by {@link Tensor#add(double)} and
 * {@link Tensor#mul(double)}, in both directions; x·(−1) = −x exactly. The node records the composed op's name
 * (add_scalar, mul_scalar, neg) for error messages and graph printing.
 *
 * <p><b>Why sub stays primitive.</b> add(a, neg(b)) is exact too (a + (−b) = a − b in IEEE arithmetic, and summing
 * −g equals negating the sum), but it records a second node whose value, neg(b), lives until backward. That is a
 * real cost, and it was measured: with sub composed, {@code cola demo --quick} reported 0.5 KiB more activations and
 * server peak for every method (the cross-entropy's log-softmax subtracts a [rows, 1] tensor that requires grad;
 * e.g. 73.0 → 73.1 KiB, 697.6 → 698.1 KiB), off the ledger's analytic model (gl MlpActivationBytes), which matches
 * today to the byte; in mse or a residual it would be a full-size tensor.
 *
 * <p><b>Why div and sqrt stay primitive.</b> Composing them through pow would change the numbers.
 * div(a, b) = mul(a, pow(b, −1)) rounds twice: 0.3 / 0.1 = 2.9999999999999996 but 0.3 · 0.1^(−1) = 3.0.
 * sqrt(a) = pow(a, 0.5) differs at −0 (√−0 = −0, pow(−0, 0.5) = +0) and in its VJP: g / (2√a) at a = 2,
 * g = 1, is 0.35355339059327373, pow's g · 0.5 · a^(−0.5) is 0.3535533905932738. (Java's {@link Math#sqrt} is
 * correctly rounded; {@link Math#pow} is only specified to 1 ulp.) exp, log, tanh, pow, maximum and where have no exact
 * composition from the others.
 */
public final class ElementwiseOps {
    private ElementwiseOps() {}

    /** z = a + b. VJP: ga = g, gb = g (each summed to its operand's shape). Primitive. */
    public static Var add(Var a, Var b) {
        return add(a, b, "add");
    }

    private static Var add(Var a, Var b, String op) {
        return Var.result(a.value().add(b.value()), op, g -> {
            if (a.requiresGrad()) a.accumulate(g.sumTo(a.value().shape()));
            if (b.requiresGrad()) b.accumulate(g.sumTo(b.value().shape()));
        }, a, b);
    }

    /**
     * z = a - b. VJP: ga = g, gb = -g (each summed to its operand's shape). Primitive (see the class comment: as
     * add(a, neg(b)) it would hold one more intermediate tensor until backward).
     */
    public static Var sub(Var a, Var b) {
        return Var.result(a.value().sub(b.value()), "sub", g -> {
            if (a.requiresGrad()) a.accumulate(g.sumTo(a.value().shape()));
            if (b.requiresGrad()) b.accumulate(g.neg().sumTo(b.value().shape()));
        }, a, b);
    }

    /** z = a ⊙ b. VJP: ga = g ⊙ b, gb = g ⊙ a (each summed to its operand's shape). Primitive. */
    public static Var mul(Var a, Var b) {
        return mul(a, b, "mul");
    }

    /** mul recording {@code op} as the node's name (for ops composed as one mul, e.g. neg and expand). */
    static Var mul(Var a, Var b, String op) {
        return Var.result(a.value().mul(b.value()), op, g -> {
            if (a.requiresGrad()) a.accumulate(g.mul(b.value()).sumTo(a.value().shape()));
            if (b.requiresGrad()) b.accumulate(g.mul(a.value()).sumTo(b.value().shape()));
        }, a, b);
    }

    /**
     * z = a / b. VJP: ga = g / b, gb = -g ⊙ a / b² (computed as -(g ⊙ z) / b). Primitive (see the class comment).
     */
    public static Var div(Var a, Var b) {
        Tensor z = a.value().div(b.value());
        return Var.result(z, "div", g -> {
            if (a.requiresGrad()) a.accumulate(g.div(b.value()).sumTo(a.value().shape()));
            if (b.requiresGrad()) b.accumulate(g.mul(z).div(b.value()).neg().sumTo(b.value().shape()));
        }, a, b);
    }

    /** z = a + s for a constant scalar s, composed as add(a, constant s). VJP: ga = g. Shape: any → same. */
    public static Var addScalar(Var a, double s) {
        return add(a, scalar(a, s), "add_scalar");
    }

    /** z = s · a for a constant scalar s, composed as mul(a, constant s). VJP: ga = s · g. Shape: any → same. */
    public static Var mulScalar(Var a, double s) {
        return mul(a, scalar(a, s), "mul_scalar");
    }

    /** z = -a, composed as mul(a, constant -1) (x · -1 = -x exactly). VJP: ga = -g. Shape: any → same. */
    public static Var neg(Var a) {
        return mul(a, scalar(a, -1.0), "neg");
    }

    /** A constant scalar (shape []) of a's dtype. */
    private static Var scalar(Var a, double s) {
        return Var.constant(Tensor.scalar(a.value().dtype(), s));
    }

    /** z = exp(a). VJP: ga = g ⊙ z. Primitive. */
    public static Var exp(Var a) {
        Tensor z = a.value().exp();
        return Var.result(z, "exp", g -> a.accumulate(g.mul(z)), a);
    }

    /** z = ln(a). VJP: ga = g / a. Primitive. */
    public static Var log(Var a) {
        return Var.result(a.value().log(), "log", g -> a.accumulate(g.div(a.value())), a);
    }

    /** z = √a. VJP: ga = g / (2z), computed as (g / z) · 0.5. Primitive (see the class comment). */
    public static Var sqrt(Var a) {
        Tensor z = a.value().sqrt();
        return Var.result(z, "sqrt", g -> a.accumulate(g.div(z).mul(0.5)), a);
    }

    /** z = tanh(a). VJP: ga = g ⊙ (1 - z²). Primitive. */
    public static Var tanh(Var a) {
        Tensor z = a.value().tanh();
        return Var.result(z, "tanh", g -> a.accumulate(g.mul(z.mul(z).neg().add(1.0))), a);
    }

    /** z = a^p for a constant exponent p. VJP: ga = g ⊙ p·a^(p-1). Primitive. */
    public static Var pow(Var a, double p) {
        return Var.result(a.value().pow(p), "pow", g -> a.accumulate(g.mul(a.value().pow(p - 1).mul(p))), a);
    }

    /**
     * z = max(a, b). VJP: the gradient goes to the larger operand; at ties it is split half and half
     * (as PyTorch's {@code maximum}). Primitive.
     */
    public static Var maximum(Var a, Var b) {
        Tensor av = a.value(), bv = b.value();
        return Var.result(av.maximum(bv), "maximum", g -> {
            Tensor gtA = av.gt(bv), eq = av.eq(bv);
            Tensor wa = gtA.add(eq.mul(0.5));
            if (a.requiresGrad()) a.accumulate(g.mul(wa).sumTo(av.shape()));
            if (b.requiresGrad()) b.accumulate(g.mul(wa.neg().add(1.0)).sumTo(bv.shape()));
        }, a, b);
    }

    /**
     * z = mask ? a : b for a constant mask (nonzero = true). VJP: ga = g where mask, gb = g elsewhere. Primitive.
     */
    public static Var where(Tensor mask, Var a, Var b) {
        Tensor z = Tensor.where(mask, a.value(), b.value());
        return Var.result(z, "where", g -> {
            Tensor zero = Tensor.zeros(g.dtype());
            if (a.requiresGrad()) a.accumulate(Tensor.where(mask, g, zero).sumTo(a.value().shape()));
            if (b.requiresGrad()) b.accumulate(Tensor.where(mask, zero, g).sumTo(b.value().shape()));
        }, a, b);
    }
}
