package cola4j.gl.app.ftaas;

import cola4j.autograd.Var;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Approximate saved-activation bytes of a forward graph, measured (not assumed) by walking it before backward:
 *
 * <pre>
 *   activations(L) = Σ_{v reachable from L through Var.parents(), v not a leaf} bytes(value(v))
 * </pre>
 *
 * i.e. the output of every recorded op, each node counted once (identity, not equality). Leaves — inputs,
 * frozen weights, trainable parameters — are excluded (they are counted as parameters or inputs elsewhere). This
 * is what an autograd engine that keeps every intermediate result alive until backward holds; ops whose VJP needs
 * only their inputs make it an upper bound. Iterative (no recursion limit).
 */
public final class GraphBytes {
    private GraphBytes() {}

    /** The sum above for the graph ending in {@code root}. */
    public static long activations(Var root) {
        Set<Var> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Var> stack = new ArrayDeque<>();
        stack.push(root);
        seen.add(root);
        long bytes = 0;
        while (!stack.isEmpty()) {
            Var v = stack.pop();
            if (v.parents().isEmpty()) continue;
            bytes += v.value().bytes();
            for (Var p : v.parents()) if (seen.add(p)) stack.push(p);
        }
        return bytes;
    }
}
