package cola4j.gl.cola;

import cola4j.autograd.Var;
import cola4j.gl.AdaptationData;
import cola4j.gl.NonFiniteException;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.models.ForwardContext;
import cola4j.models.Model;
import cola4j.models.site.Site;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ColA server: holds the frozen base model and, for one batch, runs
 *
 * <ol>
 *   <li>forward with every adapted site's output replaced by h + g_w(x) (unmerged) or with ΔW merged into W;</li>
 *   <li>backward from the loss, which computes only gradients of hidden representations: the base parameters are
 *       constants of the graph, so no parameter gradient is formed (asserted after every pass);</li>
 *   <li>the adaptation data (x_i, dL/dh_i) of every site, cut per user, ready to ship.</li>
 * </ol>
 *
 * In merged modes the adapted base weights are copied before the merge and restored from the copy after the
 * backward, so they are bit-exactly the pretrained weights between steps (a subtraction W + ΔW − ΔW is not exact
 * in floating point).
 */
public final class ColaServer {
    private final Model model;
    private final LinkedHashMap<String, Site> sites = new LinkedHashMap<>();

    /** Freezes {@code model} and adapts {@code adapted} (sites of that model). */
    public ColaServer(Model model, List<Site> adapted) {
        if (adapted.isEmpty()) throw new IllegalArgumentException("ColA server: no adapted sites");
        this.model = model;
        model.freeze();
        for (Site s : adapted) {
            if (model.sites().get(s.name()) != s) {
                throw new IllegalArgumentException("ColA server: site " + s.name() + " is not a site of this model");
            }
            sites.put(s.name(), s);
        }
    }

    public Model model() {
        return model;
    }

    /** The adapted sites by name. */
    public LinkedHashMap<String, Site> sites() {
        return sites;
    }

    /** What one server pass produced. */
    public record Pass(double loss, Map<Integer, List<AdaptationData>> dataByUser,
                       Map<String, Tensor> hiddenGradients) {}

    /**
     * One forward/backward pass over a batch.
     *
     * @param lossFn     the batch loss given a forward context
     * @param auxByUser  user → site → auxiliary model (evaluated frozen in unmerged mode; its deltas are merged
     *                   otherwise)
     * @param routing    owner of each row of the batch
     * @param mode       unmerged, merged (single-user batch) or merged-average
     * @param dropoutRng dropout masks when training; null runs the forward in eval mode
     */
    public Pass pass(LossFunction lossFn, Map<Integer, Map<String, AuxiliaryModel>> auxByUser, RowRouting routing,
                     ColaMode mode, Rng dropoutRng) {
        return pass(lossFn, auxByUser, routing, mode, dropoutRng, null);
    }

    /**
     * One pass in which only the sites in {@code activeSites} are adapted (CopRA's progressive activation): an
     * inactive site outputs its base h = f(x) — its auxiliary is neither evaluated nor merged — and no adaptation
     * data is produced for it, so nothing is sent and its user takes no gradient for it.
     *
     * @param activeSites names of the adapted sites active this pass (a subset of {@link #sites()}); null = all
     * @throws IllegalArgumentException if an active name is not an adapted site
     */
    public Pass pass(LossFunction lossFn, Map<Integer, Map<String, AuxiliaryModel>> auxByUser, RowRouting routing,
                     ColaMode mode, Rng dropoutRng, Set<String> activeSites) {
        if (mode == ColaMode.MERGED && !routing.isSingleUser()) {
            throw new IllegalArgumentException("ColA merged mode merges one user's deltas at a time: split the batch"
                    + " per user, or use merged-average");
        }
        Set<String> active = activeSubset(activeSites);
        Map<Site, Tensor[]> saved = mode == ColaMode.UNMERGED ? Map.of() : merge(auxByUser, routing, active);
        try {
            ColaInterceptor icpt = new ColaInterceptor(active, auxByUser, routing, mode == ColaMode.UNMERGED);
            ForwardContext ctx = (dropoutRng == null ? ForwardContext.eval() : ForwardContext.train(dropoutRng))
                    .withInterceptor(icpt);
            Var loss = lossFn.loss(ctx);
            if (!Double.isFinite(loss.value().item())) throw new NonFiniteException("loss is " + loss.value().item());
            loss.backward();
            assertNoParameterGradients();
            icpt.requireFinite(loss.value().item());
            return new Pass(loss.value().item(), icpt.adaptationData(), icpt.hiddenGradients());
        } finally {
            MeanDeltaMerge.restore(saved);
        }
    }

    /**
     * Merges ΔW (one user's, or the average over the batch's users) into every active adapted site; returns the
     * originals.
     */
    private Map<Site, Tensor[]> merge(Map<Integer, Map<String, AuxiliaryModel>> auxByUser, RowRouting routing,
                                      Set<String> active) {
        Map<Integer, Map<String, AuxiliaryModel>> users = new LinkedHashMap<>();
        for (int u : routing.rowsByUser().keySet()) users.put(u, auxByUser.get(u));
        return MeanDeltaMerge.merge(sites.values(), active, users);
    }

    /**
     * The adapted sites that are active: all when {@code activeSites} is null; error for a name that is not adapted.
     */
    private Set<String> activeSubset(Set<String> activeSites) {
        if (activeSites == null) return sites.keySet();
        for (String n : activeSites) {
            if (!sites.containsKey(n)) {
                throw new IllegalArgumentException("ColA server: active site " + n + " is not adapted; adapted: "
                        + sites.keySet());
            }
        }
        Set<String> out = new LinkedHashSet<>();
        for (String n : sites.keySet()) if (activeSites.contains(n)) out.add(n);
        return out;
    }

    /**
     * The server must hold no parameter gradients: base weights are frozen and auxiliaries evaluated frozen.
     *
     * @throws IllegalStateException naming every parameter that received a gradient (e.g. a base parameter that was
     *                               made trainable after the server froze the model)
     */
    private void assertNoParameterGradients() {
        List<String> bad = new ArrayList<>();
        model.namedParameters().forEach((n, p) -> {
            if (p.grad() != null) bad.add(n);
        });
        if (!bad.isEmpty()) {
            throw new IllegalStateException("ColA server: parameter gradients were allocated for " + bad);
        }
    }
}
