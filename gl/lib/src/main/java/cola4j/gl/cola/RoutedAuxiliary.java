package cola4j.gl.cola;

import cola4j.autograd.LayoutOps;
import cola4j.autograd.LinalgOps;
import cola4j.autograd.Var;
import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.models.site.Site;
import cola4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The auxiliary output of one site for a batch whose rows belong to different users:
 * out[b] = g_{owner(b)}(x[b]). Rows of user u are gathered, g_u applied, and the outputs put back in row order;
 * every step is an autograd op, so gradients reach x (and, when not frozen, the auxiliary parameters).
 */
public final class RoutedAuxiliary {
    private RoutedAuxiliary() {}

    /**
     * @param frozen true: parameters held constant ({@link AuxiliaryModel#applyFrozen}, ColA's server);
     *               false: parameters trainable ({@link AuxiliaryModel#apply}, LoRA's backprop)
     */
    public static Var output(Map<Integer, Map<String, AuxiliaryModel>> auxByUser, RowRouting routing, Site site, Var x,
                             boolean frozen) {
        Map<Integer, int[]> byUser = routing.rowsByUser();
        if (byUser.size() == 1) {
            int u = byUser.keySet().iterator().next();
            return apply(find(auxByUser, u, site), site, x, frozen);
        }
        List<Var> parts = new ArrayList<>();
        int[] order = new int[routing.rows()];
        int at = 0;
        for (Map.Entry<Integer, int[]> e : byUser.entrySet()) {
            Var xu = LinalgOps.gatherRows(x, e.getValue());                 // [b_u, ...] rows of user u
            parts.add(apply(find(auxByUser, e.getKey(), site), site, xu, frozen));
            for (int b : e.getValue()) order[b] = at++;                      // row b sits at position order[b]
        }
        return LinalgOps.gatherRows(LayoutOps.concat(0, parts.toArray(new Var[0])), order); // back to row order
    }

    static AuxiliaryModel find(Map<Integer, Map<String, AuxiliaryModel>> auxByUser, int user, Site site) {
        Map<String, AuxiliaryModel> m = auxByUser.get(user);
        AuxiliaryModel a = m == null ? null : m.get(site.name());
        if (a == null) {
            throw new IllegalArgumentException("user " + user + " has no auxiliary model for site " + site.name());
        }
        return a;
    }

    private static Var apply(AuxiliaryModel a, Site site, Var x, boolean frozen) {
        Var in = usesIds(a, site) ? Var.constant(ids(x.value())) : x;
        return frozen ? a.applyFrozen(in) : a.apply(in);
    }

    /** Embedding adapters read token ids; every other auxiliary reads the site input (one-hot at embedding sites). */
    public static boolean usesIds(AuxiliaryModel a, Site site) {
        return site.kind() == Site.Kind.EMBEDDING && a.kind() == AuxiliaryKind.EMBEDDING;
    }

    /** One-hot [..., num] → ids [...] (as values of the same dtype). */
    public static Tensor ids(Tensor oneHot) {
        int num = oneHot.dim(-1);
        int[] shape = Arrays.copyOf(oneHot.shape(), oneHot.rank() - 1);
        Tensor out = Tensor.zeros(oneHot.dtype(), shape);
        for (int i = 0; i < out.numel(); i++) {
            for (int k = 0; k < num; k++) if (oneHot.getFlat(i * num + k) != 0) out.setFlat(i, k);
        }
        return out;
    }
}
