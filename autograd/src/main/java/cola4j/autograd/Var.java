package cola4j.autograd;

import cola4j.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A node of the reverse-mode graph, in the spirit of micrograd: a value, its gradient, the parents it was
 * computed from, the op's name and the op's vector-Jacobian product (VJP), written beside its forward in the
 * op classes ({@link ElementwiseOps}, {@link ReduceOps}, {@link LayoutOps}, {@link LinalgOps}).
 *
 * <p>{@link #backward()} orders the graph topologically with an explicit stack (no recursion depth limit),
 * then walks it in reverse, handing each node's finished gradient dL/dv to its hooks and its VJP.
 * Gradients accumulate: a node used twice receives both contributions. Leaves that require grad keep
 * {@link #grad()}; intermediate gradients are dropped after use unless {@link #retainGrad()} was called.
 *
 * <p><b>Primitive ops: 20</b> (25 before composition), the methods that call {@link #result} with a VJP of their own:
 * <ul>
 *   <li>{@link ElementwiseOps}: add, sub, mul, div, exp, log, sqrt, tanh, pow, maximum, where (11)</li>
 *   <li>{@link LayoutOps}: reshape, permute, slice, concat (4)</li>
 *   <li>{@link LinalgOps}: matmul, gatherRows (2)</li>
 *   <li>{@link ReduceOps}: sum, mean, max (3)</li>
 * </ul>
 * plus {@link #tap}, an identity node. Everything else is composed from these and has no backward code: neg,
 * addScalar, mulScalar (ElementwiseOps, one mul or add node each), transpose and expand (LayoutOps, one permute or
 * mul node each), and the composites in {@link Activations}, {@link Losses}, {@link Normalization} and
 * {@link Dropout}. The op classes say why each composition is bit-identical to the single-node op it replaced, why
 * div, sqrt and mean stay primitive (composed they would round differently) and why sub does (composed it would
 * hold an extra intermediate until backward).
 */
public final class Var {
    /** The VJP of one op: receives dL/d(output) and accumulates into the parents. */
    @FunctionalInterface
    public interface Backward {
        void apply(Tensor gradOut);
    }

    private Tensor value;
    private Tensor grad;
    private final Var[] parents;
    private final String op;
    private final Backward backward;
    private final boolean requiresGrad;
    private boolean retain;
    private List<Consumer<Tensor>> hooks;
    private String name;

    private Var(Tensor value, Var[] parents, String op, Backward backward, boolean requiresGrad) {
        this.value = value;
        this.parents = parents;
        this.op = op;
        this.backward = backward;
        this.requiresGrad = requiresGrad;
    }

    /** A trainable leaf: backward fills {@link #grad()}. */
    public static Var param(Tensor value) {
        return new Var(value, new Var[0], "param", null, true);
    }

    /** A leaf that never receives a gradient (inputs, frozen weights). */
    public static Var constant(Tensor value) {
        return new Var(value, new Var[0], "const", null, false);
    }

    /**
     * The result of an op. It records its parents and VJP only if grad mode is on and some parent requires
     * grad; otherwise it is a constant and nothing is kept alive for backward.
     */
    public static Var result(Tensor value, String op, Backward backward, Var... parents) {
        boolean req = false;
        if (GradMode.isEnabled()) for (Var p : parents) req |= p.requiresGrad;
        return req ? new Var(value, parents, op, backward, true) : new Var(value, new Var[0], op, null, false);
    }

    public Tensor value() {
        return value;
    }

    /**
     * Replaces the value of a leaf in place of its tensor (optimizers, loading). Not allowed on op results,
     * whose VJPs captured the old value.
     */
    public void setValue(Tensor v) {
        if (parents.length > 0) {
            throw new IllegalStateException("setValue: only leaves can be assigned, not the result of '" + op + "'");
        }
        if (!java.util.Arrays.equals(v.shape(), value.shape()) || v.dtype() != value.dtype()) {
            throw new IllegalArgumentException("setValue: " + v.dtype() + " " + java.util.Arrays.toString(v.shape())
                    + " does not match " + value.dtype() + " " + java.util.Arrays.toString(value.shape()));
        }
        this.value = v;
    }

    /** dL/dv after backward, or null if none reached this node. */
    public Tensor grad() {
        return grad;
    }

    public void zeroGrad() {
        grad = null;
    }

    /**
     * Replaces dL/dv (gradient clipping, loading). The shape and dtype must match the value. Replacing rather
     * than scaling in place matters: after backward several gradients may share storage (a broadcast-free
     * {@code sumTo} returns its input, {@code reshape} is a view), so an in-place write could hit two of them.
     */
    public void setGrad(Tensor g) {
        if (!java.util.Arrays.equals(g.shape(), value.shape()) || g.dtype() != value.dtype()) {
            throw new IllegalArgumentException("setGrad: " + g.dtype() + " " + java.util.Arrays.toString(g.shape())
                    + " does not match " + value.dtype() + " " + java.util.Arrays.toString(value.shape()));
        }
        this.grad = g;
    }

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /**
     * The name of the op that made this node: "param", "const", "tap", a primitive's name, or for a one-node composed
     * op its own name ("neg", "add_scalar", "mul_scalar", "transpose", "expand").
     */
    public String op() {
        return op;
    }

    /** The parents (empty for leaves and for results recorded without grad). */
    public List<Var> parents() {
        return List.of(parents);
    }

    /** Optional label for printing and error messages. */
    public Var named(String n) {
        this.name = n;
        return this;
    }

    public String name() {
        return name;
    }

    public int[] shape() {
        return value.shape();
    }

    /** Keep this intermediate node's gradient after backward. */
    public Var retainGrad() {
        retain = true;
        return this;
    }

    /**
     * A gradient tap: the same value as {@code v}, but a node that requires grad even when nothing below it
     * does (a frozen model's hidden output). Backward through it yields dL/dv at the tap (read it with a hook)
     * and passes the gradient on to {@code v} only if {@code v} itself requires grad. ColA's server taps every
     * adapted site's output this way, so a backward pass computes hidden-representation gradients and
     * allocates no parameter gradients. VJP: identity.
     */
    public static Var tap(Var v) {
        if (!GradMode.isEnabled()) return constant(v.value);
        return new Var(v.value, new Var[] {v}, "tap", v::accumulate, true);
    }

    /** The same value cut from the graph (no gradient flows through). */
    public Var detach() {
        return constant(value);
    }

    /**
     * Registers a consumer that receives dL/dv once, when this node's gradient is complete during backward.
     * ColA captures the gradient of hidden representations this way. Returns a handle that removes the hook.
     */
    public Runnable registerHook(Consumer<Tensor> hook) {
        if (!requiresGrad) {
            throw new IllegalStateException("registerHook: node '" + op
                    + "' does not require grad; no gradient will reach it");
        }
        if (hooks == null) hooks = new ArrayList<>();
        hooks.add(hook);
        return () -> hooks.remove(hook);
    }

    /** Adds g to this node's gradient (called by the VJPs). */
    void accumulate(Tensor g) {
        if (!requiresGrad) return;
        grad = grad == null ? g : grad.add(g);
    }

    /** Backward from a one-element output with dL/dL = 1. */
    public void backward() {
        if (value.numel() != 1) {
            throw new IllegalArgumentException("backward: output of shape " + java.util.Arrays.toString(value.shape())
                    + " is not a scalar; pass an upstream gradient");
        }
        backward(Tensor.onesLike(value));
    }

    /**
     * Vector-Jacobian product: propagates the given dL/d(this) to every node that requires grad.
     *
     * @throws IllegalArgumentException if {@code upstream}'s shape or dtype differs from this node's value (a float32
     *     gradient would otherwise flow silently into float64 parameters); the message names the op and both
     */
    public void backward(Tensor upstream) {
        if (!requiresGrad) {
            throw new IllegalStateException(
                    "backward: output does not require grad (no parameter reached it, or it was built under noGrad)");
        }
        if (!java.util.Arrays.equals(upstream.shape(), value.shape()) || upstream.dtype() != value.dtype()) {
            throw new IllegalArgumentException("backward: upstream gradient " + upstream.dtype() + " "
                    + java.util.Arrays.toString(upstream.shape()) + " does not match output of '" + op + "' "
                    + value.dtype() + " " + java.util.Arrays.toString(value.shape()));
        }
        List<Var> order = topoOrder();
        accumulate(upstream);
        for (int i = order.size() - 1; i >= 0; i--) {
            Var v = order.get(i);
            Tensor g = v.grad;
            if (g == null) continue;
            if (v.hooks != null) for (Consumer<Tensor> h : List.copyOf(v.hooks)) h.accept(g);
            if (v.backward != null) {
                v.backward.apply(g);
                if (!v.retain) v.grad = null;
            }
        }
    }

    /** Nodes reachable from this one that require grad, parents before children (iterative DFS). */
    List<Var> topoOrder() {
        List<Var> order = new ArrayList<>();
        Set<Var> visited = new HashSet<>();
        Deque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {this, 0});
        visited.add(this);
        while (!stack.isEmpty()) {
            Object[] top = stack.peek();
            Var v = (Var) top[0];
            int next = (Integer) top[1];
            if (next < v.parents.length) {
                top[1] = next + 1;
                Var p = v.parents[next];
                if (p.requiresGrad && visited.add(p)) stack.push(new Object[] {p, 0});
            } else {
                stack.pop();
                order.add(v);
            }
        }
        return order;
    }

    // ------------------------------------------------------------------ op shortcuts (see the op classes)

    public Var add(Var o) { return ElementwiseOps.add(this, o); }
    public Var sub(Var o) { return ElementwiseOps.sub(this, o); }
    public Var mul(Var o) { return ElementwiseOps.mul(this, o); }
    public Var div(Var o) { return ElementwiseOps.div(this, o); }
    public Var add(double s) { return ElementwiseOps.addScalar(this, s); }
    public Var mul(double s) { return ElementwiseOps.mulScalar(this, s); }
    public Var neg() { return ElementwiseOps.neg(this); }
    public Var exp() { return ElementwiseOps.exp(this); }
    public Var log() { return ElementwiseOps.log(this); }
    public Var sqrt() { return ElementwiseOps.sqrt(this); }
    public Var tanh() { return ElementwiseOps.tanh(this); }
    public Var pow(double p) { return ElementwiseOps.pow(this, p); }
    public Var maximum(Var o) { return ElementwiseOps.maximum(this, o); }
    public Var sum(boolean keepDims, int... axes) { return ReduceOps.sum(this, keepDims, axes); }
    public Var mean(boolean keepDims, int... axes) { return ReduceOps.mean(this, keepDims, axes); }
    public Var max(boolean keepDims, int... axes) { return ReduceOps.max(this, keepDims, axes); }
    public Var reshape(int... shape) { return LayoutOps.reshape(this, shape); }
    public Var permute(int... perm) { return LayoutOps.permute(this, perm); }
    public Var transpose(int a, int b) { return LayoutOps.transpose(this, a, b); }
    public Var expand(int... shape) { return LayoutOps.expand(this, shape); }
    public Var slice(int axis, int start, int end) { return LayoutOps.slice(this, axis, start, end); }
    public Var matmul(Var o) { return LinalgOps.matmul(this, o, false, false); }
    public Var matmul(Var o, boolean transA, boolean transB) { return LinalgOps.matmul(this, o, transA, transB); }

    @Override
    public String toString() {
        return "Var(" + (name != null ? name + ", " : "") + op + ", " + value + ")";
    }
}
