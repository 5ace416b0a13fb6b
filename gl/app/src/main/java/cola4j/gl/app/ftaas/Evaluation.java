package cola4j.gl.app.ftaas;

import cola4j.autograd.Var;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.gl.cola.MeanDeltaMerge;
import cola4j.gl.cola.RoutedAuxiliary;
import cola4j.gl.cola.RowRouting;
import cola4j.models.ForwardContext;
import cola4j.models.Model;
import cola4j.models.site.SiteInterceptor;
import cola4j.models.site.Site;
import cola4j.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * The measurement harness (not part of the protocol): a user's metric with its adapters applied, out = h + g(x)
 * at every adapted site, evaluated frozen in eval mode. For linear auxiliaries this equals the merged model.
 */
public final class Evaluation {
    private Evaluation() {}

    /**
     * Metric of {@code user}'s task on {@code model} plus the auxiliaries {@code aux} (site → model;
     * empty: plain model).
     */
    public static <B> double adapted(TenantWorkload<B> w, Model model, int user, Map<String, AuxiliaryModel> aux) {
        SiteInterceptor icpt = (site, x, h) -> {
            if (!aux.containsKey(site.name())) return h;
            Var g = RoutedAuxiliary.output(Map.of(user, aux), RowRouting.single(user, h.shape()[0]), site, x, true);
            return h.add(g);
        };
        return w.evaluate(model, user, ForwardContext.eval().withInterceptor(icpt));
    }

    /**
     * Metric of {@code user}'s task on {@code model} with the mean of the users' delta weights merged at every site of
     * {@code sites}: W + (1/K) Σ_u ΔW_u (and the same for biases), summed in the order of {@code auxByUser} by the
     * same {@link MeanDeltaMerge} as the merged-average server pass. This is the model the merged-average
     * (collaboration) mode serves to all users. The weights are restored bit-exactly from copies afterwards.
     */
    public static <B> double averagedModel(TenantWorkload<B> w, Model model, List<Site> sites,
            Map<Integer, ? extends Map<String, AuxiliaryModel>> auxByUser, int user) {
        Map<Site, Tensor[]> saved = MeanDeltaMerge.merge(sites, null, auxByUser);
        try {
            return plain(w, model, user);
        } finally {
            MeanDeltaMerge.restore(saved);
        }
    }

    /** Metric of {@code user}'s task on the untouched {@code model}. */
    public static <B> double plain(TenantWorkload<B> w, Model model, int user) {
        return w.evaluate(model, user, ForwardContext.eval());
    }
}
