package cola4j.autograd;

import cola4j.tensor.Shapes;
import cola4j.tensor.Tensor;
import java.util.Arrays;

/**
 * Shape ops. Each VJP is the inverse layout change (reshape back, inverse permutation, sum, pad, slice).
 * Primitives: reshape, permute, slice, concat. Composed, one node each with no backward code of its own, values and
 * gradients bit-identical to the former primitives: transpose = permute by the swap of two axes (the tensor's own
 * transpose is that permute, and a swap is its own inverse); expand = mul by ones (see {@link #expand}).
 */
public final class LayoutOps {
    private LayoutOps() {}

    /** VJP: reshape g back to a's shape. */
    public static Var reshape(Var a, int... shape) {
        int[] in = a.value().shape();
        return Var.result(a.value().reshape(shape), "reshape", g -> a.accumulate(g.reshape(in)), a);
    }

    /** Axis k of the result is axis perm[k] of a (negative axes count from the end). VJP: permute g by the inverse. */
    public static Var permute(Var a, int... perm) {
        return permute(a, "permute", perm);
    }

    private static Var permute(Var a, String op, int... perm) {
        Tensor out = a.value().permute(perm); // validates perm for a's shape (IllegalArgumentException "permute: ...")
        int r = perm.length;
        int[] inv = new int[r];
        for (int k = 0; k < r; k++) inv[perm[k] < 0 ? perm[k] + r : perm[k]] = k;
        return Var.result(out, op, g -> a.accumulate(g.permute(inv)), a);
    }

    /**
     * Swaps axes x and y (negative counts from the end), composed as permute by that swap; its VJP swaps them back.
     * The node records the name "transpose"; bad axes throw "transpose: axis ... out of range".
     */
    public static Var transpose(Var a, int x, int y) {
        int r = a.value().rank();
        int[] perm = new int[r];
        for (int i = 0; i < r; i++) perm[i] = i;
        int p = Shapes.axis("transpose", x, r), q = Shapes.axis("transpose", y, r);
        perm[p] = q;
        perm[q] = p;
        return permute(a, "transpose", perm);
    }

    /**
     * Broadcast to a shape (NumPy rules), composed as one {@link ElementwiseOps#mul} by a constant ones(shape) of a's
     * dtype: x·1 = x exactly, and mul's VJP, (g ⊙ 1) summed to a's shape, is the sum of g that expand's own VJP was.
     * It costs a ones tensor and a multiply each way; no hot path expands (binary ops broadcast by themselves).
     * The node records the name "expand"; a shape that a does not broadcast to throws "expand: ...".
     */
    public static Var expand(Var a, int... shape) {
        int[] in = a.value().shape();
        if (!Arrays.equals(Shapes.broadcast("expand", in, shape), shape)) {
            throw new IllegalArgumentException("expand: " + Shapes.str(in) + " cannot be expanded to "
                    + Shapes.str(shape));
        }
        return ElementwiseOps.mul(a, Var.constant(Tensor.ones(a.value().dtype(), shape)), "expand");
    }

    /** Elements [start, end) along axis. VJP: zero-pad g back to the full axis. */
    public static Var slice(Var a, int axis, int start, int end) {
        // validates axis and range (IllegalArgumentException "slice: ...")
        Tensor out = a.value().slice(axis, start, end);
        int size = a.value().dim(axis);
        return Var.result(out, "slice", g -> a.accumulate(g.pad(axis, start, size - end)), a);
    }

    /** Concatenation along axis. VJP: slice g into the parts. */
    public static Var concat(int axis, Var... parts) {
        Tensor[] values = new Tensor[parts.length];
        for (int i = 0; i < parts.length; i++) values[i] = parts[i].value();
        return Var.result(Tensor.concat(axis, values), "concat", g -> {
            int at = 0;
            for (Var p : parts) {
                int len = p.value().dim(axis);
                if (p.requiresGrad()) p.accumulate(g.slice(axis, at, at + len));
                at += len;
            }
        }, parts);
    }
}
