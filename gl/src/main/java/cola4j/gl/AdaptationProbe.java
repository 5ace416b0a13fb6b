package cola4j.gl;

import cola4j.autograd.GradMode;
import cola4j.autograd.Var;
import cola4j.tensor.Tensor;
import java.util.Arrays;

/**
 * The server side of ColA at one site: adds the auxiliary output as a constant and captures dL/dh.
 *
 * <pre>
 *   out = tap(h + c)        c = g_w(x), the user's output: a constant, not differentiated
 *   dL/d(out) = dL/dh       (the site outputs h + g, so dL/dg = dL/dh too)
 * </pre>
 *
 * The base weights are frozen, so h may not require grad; {@link Var#tap} makes the site output a node that does,
 * and a hook on it records dL/dh when backward reaches it. Gradients still flow through h to earlier sites when h
 * requires grad. After {@code loss.backward()}, {@link #capture()} returns the adaptation data (x flattened to
 * [rows, in] or ids [rows], dL/dh flattened to [rows, out]).
 */
public final class AdaptationProbe {
    private final String site;
    private final Tensor x;
    private final Var output;
    private Tensor gradH;

    /**
     * @param site   site name
     * @param x      the site input [..., in] (or ids [...]); only its value is kept
     * @param h      the base site output f(x) [..., out]
     * @param auxOut g_w(x) [..., out] as computed by the user, or null for none
     */
    public AdaptationProbe(String site, Var x, Var h, Tensor auxOut) {
        this.site = site;
        this.x = x.value();
        if (auxOut != null && !Arrays.equals(auxOut.shape(), h.shape())) {
            throw new IllegalArgumentException("adaptation probe at site '" + site + "': auxiliary output " + Arrays.toString(auxOut.shape())
                    + " does not match base output " + Arrays.toString(h.shape()));
        }
        if (!GradMode.isEnabled()) {
            throw new IllegalStateException("adaptation probe at site '" + site + "': built under noGrad, so no gradient can be captured");
        }
        Var sum = auxOut == null ? h : h.add(Var.constant(auxOut));
        this.output = Var.tap(sum);
        output.registerHook(g -> gradH = g);
    }

    /** h + g(x), to be used downstream in place of h. */
    public Var output() {
        return output;
    }

    /** The captured (x, dL/dh) after backward. */
    public AdaptationData capture() {
        Tensor g = gradH;
        if (g == null) throw new IllegalStateException("adaptation probe at site '" + site + "': no gradient reached the site (run backward first)");
        int out = g.dim(-1);
        Tensor xr = x.rank() == g.rank() ? x.reshape(-1, x.dim(-1)) : x.reshape(-1); // [..., in] -> [rows, in]; ids [...] -> [rows]
        return new AdaptationData(site, xr, g.reshape(-1, out));                       // [..., out] -> [rows, out]
    }
}
