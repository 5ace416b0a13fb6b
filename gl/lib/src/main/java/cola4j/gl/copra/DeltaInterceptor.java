package cola4j.gl.copra;

import cola4j.autograd.Var;
import cola4j.models.site.Site;
import cola4j.models.site.SiteInterceptor;
import cola4j.tensor.Tensor;
import java.util.Arrays;
import java.util.Map;

/**
 * Evaluates a base model with fixed weight deltas (a merged, pruned or partial set of adapters) without touching the
 * base weights:
 *
 * <pre>
 *   Linear site:    out = h + x · ΔWᵀ        x [..., in], ΔW [out, in]
 *   Embedding site: out = h + onehot · ΔW    onehot [..., num], ΔW [num, dim]
 * </pre>
 *
 * Sites without a delta output h. The deltas are constants (no gradient).
 */
public final class DeltaInterceptor implements SiteInterceptor {
    private final Map<String, Tensor> deltas;

    /**
     * @param deltas site name → ΔW in the site's weight orientation (see
     *               {@link cola4j.gl.auxiliary.AuxiliaryModel#deltaWeight()})
     */
    public DeltaInterceptor(Map<String, Tensor> deltas) {
        this.deltas = Map.copyOf(deltas);
    }

    @Override
    public Var intercept(Site site, Var x, Var h) {
        Tensor d = deltas.get(site.name());
        if (d == null) return h;
        if (!Arrays.equals(d.shape(), site.weight().shape())) {
            throw new IllegalArgumentException("delta for site " + site.name() + " is " + Arrays.toString(d.shape())
                    + ", the weight is " + Arrays.toString(site.weight().shape()));
        }
        boolean linear = site.kind() == Site.Kind.LINEAR;
        return h.add(x.matmul(Var.constant(d), false, linear)); // [..., in]·[out, in]ᵀ or [..., num]·[num, dim]
    }
}
