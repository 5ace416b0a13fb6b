package cola4j.gl.cola;

import cola4j.autograd.Var;
import cola4j.gl.AdaptationData;
import cola4j.gl.NonFiniteException;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.models.site.GradientProbe;
import cola4j.models.site.GradientProbe.Capture;
import cola4j.models.site.Site;
import cola4j.models.site.SiteInterceptor;
import cola4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The server's view of one adapted site during a ColA forward pass (steps 1–2 of the algorithm):
 *
 * <pre>
 *   h   = f(x)                                  base output (frozen weights: h needs no grad by itself)
 *   t   = tap(h)                                a node whose gradient after backward is dL/dh ({@link GradientProbe})
 *   out = t + g_w(x)      (unmerged)            g_w evaluated with w constant, x differentiable
 *   out = t               (merged: W already holds W + ΔW, so h = f(x) + g_w(x))
 * </pre>
 *
 * In a mixed batch row b's auxiliary output comes from its owner's model: the rows of user u are gathered,
 * g_u is applied to them, and the per-user outputs are put back in row order (all differentiable in x).
 * After backward, {@link #adaptationData()} cuts (x, dL/dh) into per-user adaptation data, flattened to
 * [rows, in] and [rows, out] (token ids [rows] at embedding sites whose auxiliary is an embedding adapter).
 */
final class ColaInterceptor implements SiteInterceptor {
    private final Set<String> sites;
    private final Map<Integer, Map<String, AuxiliaryModel>> auxByUser;
    private final RowRouting routing;
    private final boolean addAuxiliary;
    private final GradientProbe probe;

    /**
     * @param sites        names of the adapted sites
     * @param auxByUser    user → site → auxiliary (read only: evaluated frozen)
     * @param routing      owner of each batch row
     * @param addAuxiliary true in unmerged mode (add g_w(x)); false when deltas are merged into the weights
     */
    ColaInterceptor(Set<String> sites, Map<Integer, Map<String, AuxiliaryModel>> auxByUser, RowRouting routing,
                    boolean addAuxiliary) {
        this.sites = sites;
        this.auxByUser = auxByUser;
        this.routing = routing;
        this.addAuxiliary = addAuxiliary;
        this.probe = new GradientProbe(sites);
    }

    @Override
    public Var intercept(Site site, Var x, Var h) {
        if (!sites.contains(site.name())) return h;
        if (h.shape()[0] != routing.rows()) {
            throw new IllegalArgumentException("ColA: site " + site.name() + " sees " + h.shape()[0]
                    + " rows but the routing has " + routing.rows());
        }
        Var tap = probe.intercept(site, x, h);
        return addAuxiliary ? tap.add(RoutedAuxiliary.output(auxByUser, routing, site, x, true)) : tap;
    }

    /**
     * After backward: every site's x and dL/dh must be finite before anything is shipped.
     *
     * @param loss the (finite) loss of the pass, for the message
     * @throws NonFiniteException "adaptation data at site S is non-finite: dL/dh holds NaN at ..." for the first bad
     *                            site
     */
    void requireFinite(double loss) {
        for (Capture c : probe.calls()) {
            Tensor g = c.gradH();
            String bad = g == null ? null : NonFiniteException.firstNonFinite(g);
            String what = "dL/dh";
            if (bad == null) {
                bad = NonFiniteException.firstNonFinite(c.x());
                what = "the site input x";
            }
            if (bad != null) {
                throw new NonFiniteException("adaptation data at site " + c.site().name() + " is non-finite: " + what
                        + " holds " + bad + " although the loss (" + loss + ") is finite");
            }
        }
    }

    /** Per user, per site: the adaptation data of its rows (after backward). */
    Map<Integer, List<AdaptationData>> adaptationData() {
        Map<Integer, List<AdaptationData>> out = new LinkedHashMap<>();
        Map<Integer, int[]> byUser = routing.rowsByUser();
        for (Capture c : probe.calls()) {
            Tensor g = c.gradH();
            if (g == null) {
                throw new IllegalStateException("ColA: no gradient reached site " + c.site().name()
                        + " (did backward run?)");
            }
            for (Map.Entry<Integer, int[]> e : byUser.entrySet()) {
                int[] rows = e.getValue();
                boolean single = byUser.size() == 1;
                Tensor x = single ? c.x() : c.x().gatherRows(rows);            // [b_u, ..., in]
                Tensor gh = single ? g : g.gatherRows(rows);               // [b_u, ..., out]
                AuxiliaryModel a = RoutedAuxiliary.find(auxByUser, e.getKey(), c.site());
                Tensor xr = RoutedAuxiliary.usesIds(a, c.site())
                        ? RoutedAuxiliary.ids(x).reshape(-1)                     // -> [rows]
                        : x.reshape(-1, x.dim(-1));                              // -> [rows, in]
                out.computeIfAbsent(e.getKey(), k -> new ArrayList<>())
                        .add(new AdaptationData(c.site().name(), xr, gh.reshape(-1, gh.dim(-1)))); // -> [rows, out]
            }
        }
        return out;
    }

    /** dL/dh per site call (for the P2 check and for `explain`). */
    Map<String, Tensor> hiddenGradients() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (Capture c : probe.calls()) m.put(c.site().name(), c.gradH());
        return m;
    }
}
