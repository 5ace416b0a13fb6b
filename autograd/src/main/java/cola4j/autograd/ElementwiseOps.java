package cola4j.autograd;

import cola4j.tensor.Tensor;

/**
 * Elementwise primitives with NumPy broadcasting. Each method computes the forward value and defines the VJP
 * next to it. For broadcast operands the VJP sums the upstream gradient back to the operand's shape
 * ({@link Tensor#sumTo}).
 */
public final class ElementwiseOps {
    private ElementwiseOps() {}

    /** z = a + b. VJP: ga = g, gb = g (each summed to its operand's shape). */
    public static Var add(Var a, Var b) {
        return Var.result(a.value().add(b.value()), "add", g -> {
            a.accumulate(g.sumTo(a.value().shape()));
            b.accumulate(g.sumTo(b.value().shape()));
        }, a, b);
    }

    /** z = a - b. VJP: ga = g, gb = -g. */
    public static Var sub(Var a, Var b) {
        return Var.result(a.value().sub(b.value()), "sub", g -> {
            a.accumulate(g.sumTo(a.value().shape()));
            if (b.requiresGrad()) b.accumulate(g.neg().sumTo(b.value().shape()));
        }, a, b);
    }

    /** z = a ⊙ b. VJP: ga = g ⊙ b, gb = g ⊙ a. */
    public static Var mul(Var a, Var b) {
        return Var.result(a.value().mul(b.value()), "mul", g -> {
            if (a.requiresGrad()) a.accumulate(g.mul(b.value()).sumTo(a.value().shape()));
            if (b.requiresGrad()) b.accumulate(g.mul(a.value()).sumTo(b.value().shape()));
        }, a, b);
    }

    /** z = a / b. VJP: ga = g / b, gb = -g ⊙ a / b². */
    public static Var div(Var a, Var b) {
        Tensor z = a.value().div(b.value());
        return Var.result(z, "div", g -> {
            if (a.requiresGrad()) a.accumulate(g.div(b.value()).sumTo(a.value().shape()));
            if (b.requiresGrad()) b.accumulate(g.mul(z).div(b.value()).neg().sumTo(b.value().shape()));
        }, a, b);
    }

    /** z = a + s for a constant scalar s. VJP: ga = g. */
    public static Var addScalar(Var a, double s) {
        return Var.result(a.value().add(s), "add_scalar", a::accumulate, a);
    }

    /** z = s · a for a constant scalar s. VJP: ga = s · g. */
    public static Var mulScalar(Var a, double s) {
        return Var.result(a.value().mul(s), "mul_scalar", g -> a.accumulate(g.mul(s)), a);
    }

    /** z = -a. VJP: ga = -g. */
    public static Var neg(Var a) {
        return Var.result(a.value().neg(), "neg", g -> a.accumulate(g.neg()), a);
    }

    /** z = exp(a). VJP: ga = g ⊙ z. */
    public static Var exp(Var a) {
        Tensor z = a.value().exp();
        return Var.result(z, "exp", g -> a.accumulate(g.mul(z)), a);
    }

    /** z = ln(a). VJP: ga = g / a. */
    public static Var log(Var a) {
        return Var.result(a.value().log(), "log", g -> a.accumulate(g.div(a.value())), a);
    }

    /** z = √a. VJP: ga = g / (2z). */
    public static Var sqrt(Var a) {
        Tensor z = a.value().sqrt();
        return Var.result(z, "sqrt", g -> a.accumulate(g.div(z).mul(0.5)), a);
    }

    /** z = tanh(a). VJP: ga = g ⊙ (1 - z²). */
    public static Var tanh(Var a) {
        Tensor z = a.value().tanh();
        return Var.result(z, "tanh", g -> a.accumulate(g.mul(z.mul(z).neg().add(1.0))), a);
    }

    /** z = a^p for a constant exponent p. VJP: ga = g ⊙ p·a^(p-1). */
    public static Var pow(Var a, double p) {
        return Var.result(a.value().pow(p), "pow", g -> a.accumulate(g.mul(a.value().pow(p - 1).mul(p))), a);
    }

    /**
     * z = max(a, b). VJP: the gradient goes to the larger operand; at ties it is split half and half
     * (as PyTorch's {@code maximum}).
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
     * z = mask ? a : b for a constant mask (nonzero = true). VJP: ga = g where mask, gb = g elsewhere.
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
