package cola4j.autograd;

import cola4j.tensor.Tensor;

/** Shape ops. Each VJP is the inverse layout change (reshape back, inverse permutation, sum, pad, slice). */
public final class LayoutOps {
    private LayoutOps() {}

    /** VJP: reshape g back to a's shape. */
    public static Var reshape(Var a, int... shape) {
        int[] in = a.value().shape();
        return Var.result(a.value().reshape(shape), "reshape", g -> a.accumulate(g.reshape(in)), a);
    }

    /** VJP: permute g by the inverse permutation. */
    public static Var permute(Var a, int... perm) {
        Tensor out = a.value().permute(perm); // validates perm against a's shape (IllegalArgumentException "permute: ...")
        int r = perm.length;
        int[] inv = new int[r];
        for (int k = 0; k < r; k++) inv[perm[k] < 0 ? perm[k] + r : perm[k]] = k;
        return Var.result(out, "permute", g -> a.accumulate(g.permute(inv)), a);
    }

    /** Swaps two axes; VJP swaps them back. */
    public static Var transpose(Var a, int x, int y) {
        return Var.result(a.value().transpose(x, y), "transpose", g -> a.accumulate(g.transpose(x, y)), a);
    }

    /** Broadcast to a shape. VJP: sum g back to a's shape. */
    public static Var expand(Var a, int... shape) {
        int[] in = a.value().shape();
        return Var.result(a.value().expand(shape), "expand", g -> a.accumulate(g.sumTo(in)), a);
    }

    /** Elements [start, end) along axis. VJP: zero-pad g back to the full axis. */
    public static Var slice(Var a, int axis, int start, int end) {
        Tensor out = a.value().slice(axis, start, end); // validates axis and range (IllegalArgumentException "slice: ...")
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
