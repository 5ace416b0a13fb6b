package cola4j.gl.verify;

import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.autograd.Var;
import cola4j.gl.AdaptationData;
import cola4j.gl.GradientLearning;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.gl.cola.ColaMode;
import cola4j.gl.cola.ColaServer;
import cola4j.gl.cola.RoutedAuxiliary;
import cola4j.gl.cola.RowRouting;
import cola4j.models.DecoderLM;
import cola4j.models.ForwardContext;
import cola4j.models.site.Site;
import cola4j.models.site.SiteSelector;
import cola4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * P1 and P2, one gradient at a time, each its own check.
 *
 * <p><b>P1</b> (functional-gradient equivalence): for every auxiliary type, the gradient a user computes by Gradient
 * Learning from the adaptation data equals the gradient of the loss with respect to the auxiliary's parameters
 * computed by backprop through the whole model: Σ_rows J_w(x)ᵀ dL/dh (GL) vs dL/dw (backprop), per parameter.
 *
 * <p><b>P2</b> (the paper's Eq. 5): the dL/dh_i the server captures at every adapted site equals dL/d(g_i(x_i)), the
 * gradient with respect to the auxiliary output in the backprop graph (both [B, T, out] per site).
 *
 * <p>Both sides are computed on two fresh copies of the {@link Fixture} model with the same randomized auxiliaries:
 * the ColA side by a {@link ColaServer} pass (frozen base, auxiliaries {@code applyFrozen}), the reference by one
 * ordinary backward with the auxiliaries trainable inside the model. At an embedding site the auxiliary reads token
 * ids if it is the embedding adapter, and otherwise the site input, the one-hot [rows, vocab]
 * ({@link RoutedAuxiliary#usesIds}); the setting names say which ran.
 */
public final class GradientPropositions {
    private GradientPropositions() {}

    /**
     * The embedding site of the gradient checks: the token table. (The position table's output [1, T, d] is shared
     * by every row of the batch, so it has no per-row owner and the ColA server refuses it: it needs a row axis.)
     */
    public static final SiteSelector EMBEDDING_SITES = SiteSelector.suffixes("embed.token");

    /** Auxiliary types checked at linear sites ({@link Fixture#SITES}). */
    public static final List<AuxiliaryKind> LINEAR_SITE_TYPES =
            List.of(AuxiliaryKind.LOWRANK, AuxiliaryKind.LINEAR, AuxiliaryKind.MLP);

    /** Auxiliary types checked at embedding sites: the embedding adapter on ids, the others on the one-hot input. */
    public static final List<AuxiliaryKind> EMBEDDING_SITE_TYPES =
            List.of(AuxiliaryKind.EMBEDDING, AuxiliaryKind.LOWRANK, AuxiliaryKind.LINEAR, AuxiliaryKind.MLP);

    /** Both sides of P1 and P2 for one auxiliary type on the selected sites. */
    record Sides(Map<String, Tensor> gl, Map<String, Tensor> backprop, Map<String, Tensor> capturedGradH,
                         Map<String, Tensor> auxOutputGrad, String where) {}

    /** Builds one user's auxiliaries for the selected sites of a fresh fixture model (may also edit its base). */
    interface AuxBuilder {
        LinkedHashMap<String, AuxiliaryModel> build(List<Site> sites);
    }

    /** How a user turns adaptation data into dL/dw: {@link GradientLearning#gradient} or a mutant. */
    interface GlGradient {
        Map<String, Tensor> of(AuxiliaryModel aux, AdaptationData data);
    }

    private static Sides sides(Fixture fx, AuxiliaryKind type, SiteSelector selector) {
        return sides(fx, type, selector, GradientLearning::gradient);
    }

    private static Sides sides(Fixture fx, AuxiliaryKind type, SiteSelector selector, GlGradient glGradient) {
        return sides(fx, sites -> fx.auxiliaries(sites, type, 0, true), sites -> fx.auxiliaries(sites, type, 0, true),
                selector, glGradient);
    }

    /**
     * Both sides with the user's auxiliaries from {@code userAux} (ColA side) and the reference adapters from
     * {@code refAux} (backprop side), each applied to its own fresh model; normally the same builder.
     */
    static Sides sides(Fixture fx, AuxBuilder userAux, AuxBuilder refAux, SiteSelector selector,
                       GlGradient glGradient) {
        // ColA: the server's pass captures (x, dL/dh); the user turns it into dL/dw by GL
        DecoderLM m1 = fx.model();
        List<Site> s1 = m1.sites(selector);
        LinkedHashMap<String, AuxiliaryModel> aux1 = userAux.build(s1);
        ColaServer server = new ColaServer(m1, s1);
        ColaServer.Pass pass =
                server.pass(fx.loss(m1, 0), Map.of(0, aux1), RowRouting.single(0, Fixture.B), ColaMode.UNMERGED, null);
        Map<String, Tensor> gl = new LinkedHashMap<>();
        for (AdaptationData d : pass.dataByUser().get(0)) {
            glGradient.of(aux1.get(d.site()), d).forEach((p, g) -> gl.put(d.site() + "/" + p, g));
        }

        // Backprop: the same adapters trainable inside the model, one ordinary backward
        DecoderLM m2 = fx.model();
        m2.freeze();
        List<Site> s2 = m2.sites(selector);
        LinkedHashMap<String, AuxiliaryModel> aux2 = refAux.build(s2);
        Map<String, Var> auxOut = new LinkedHashMap<>();
        ForwardContext ctx = ForwardContext.eval().withInterceptor((site, x, h) -> {
            if (!aux2.containsKey(site.name())) return h;
            Var g = RoutedAuxiliary.output(Map.of(0, aux2), RowRouting.single(0, Fixture.B), site, x, false)
                    .retainGrad();
            auxOut.put(site.name(), g);
            return h.add(g);
        });
        fx.loss(m2, 0).loss(ctx).backward();
        Map<String, Tensor> bp = new LinkedHashMap<>();
        aux2.forEach((site, a) -> a.namedParameters().forEach((p, v) -> bp.put(site + "/" + p, v.grad())));
        Map<String, Tensor> dg = new LinkedHashMap<>();
        auxOut.forEach((site, g) -> dg.put(site, g.grad()));
        return new Sides(gl, bp, pass.hiddenGradients(), dg, describe(s1, aux1));
    }

    /** "LowRankAux on one-hot input at embed.token, embed.position" — exactly which auxiliary class ran where. */
    static String describe(List<Site> sites, Map<String, AuxiliaryModel> aux) {
        Set<String> what = new LinkedHashSet<>();
        for (Site s : sites) {
            AuxiliaryModel a = aux.get(s.name());
            String input = s.kind() != Site.Kind.EMBEDDING ? ""
                    : RoutedAuxiliary.usesIds(a, s) ? " on token ids" : " on one-hot input";
            what.add(a.getClass().getSimpleName() + input);
        }
        List<String> names = sites.stream().map(Site::name).toList();
        String at = names.size() <= 2 ? String.join(", ", names)
                : names.size() + " sites (" + names.get(0) + ", …, " + names.get(names.size() - 1) + ")";
        return String.join(" + ", what) + " at " + at;
    }

    /** P1: GL gradient vs backprop gradient of every auxiliary parameter, for one type on the selected sites. */
    public static PropositionResult p1(Fixture fx, AuxiliaryKind type, SiteSelector selector, double tol) {
        return p1(fx, type, selector, tol, GradientLearning::gradient);
    }

    /** P1 with the user's gradient computed by {@code glGradient} (a mutant shows that P1 can fail). */
    static PropositionResult p1(Fixture fx, AuxiliaryKind type, SiteSelector selector, double tol,
                                GlGradient glGradient) {
        Sides s = sides(fx, type, selector, glGradient);
        return new PropositionResult.Diff().addAll(s.gl(), s.backprop())
                .result("P1", s.where() + ": GL gradient vs backprop dL/dw", tol);
    }

    /** P2: captured dL/dh vs backprop dL/d(auxiliary output) at every selected site, for one auxiliary type. */
    public static PropositionResult p2(Fixture fx, AuxiliaryKind type, SiteSelector selector, double tol) {
        Sides s = sides(fx, type, selector);
        if (!s.capturedGradH().keySet().equals(s.auxOutputGrad().keySet())) {
            throw new IllegalStateException("P2: captured sites " + s.capturedGradH().keySet()
                    + " differ from adapted sites " + s.auxOutputGrad().keySet());
        }
        return new PropositionResult.Diff().addAll(s.capturedGradH(), s.auxOutputGrad())
                .result("P2", s.where() + ": captured dL/dh vs backprop dL/dg", tol);
    }

    /** P1 over every auxiliary type at the linear sites and at the embedding sites. */
    public static List<PropositionResult> allP1(Fixture fx, double tol) {
        List<PropositionResult> out = new ArrayList<>();
        for (AuxiliaryKind t : LINEAR_SITE_TYPES) out.add(p1(fx, t, Fixture.SITES, tol));
        for (AuxiliaryKind t : EMBEDDING_SITE_TYPES) out.add(p1(fx, t, EMBEDDING_SITES, tol));
        return out;
    }

    /** P2 over every auxiliary type at the linear sites and at the embedding sites. */
    public static List<PropositionResult> allP2(Fixture fx, double tol) {
        List<PropositionResult> out = new ArrayList<>();
        for (AuxiliaryKind t : LINEAR_SITE_TYPES) out.add(p2(fx, t, Fixture.SITES, tol));
        for (AuxiliaryKind t : EMBEDDING_SITE_TYPES) out.add(p2(fx, t, EMBEDDING_SITES, tol));
        return out;
    }
}
