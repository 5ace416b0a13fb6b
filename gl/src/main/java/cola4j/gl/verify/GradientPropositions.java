package cola4j.gl.verify;

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
import java.util.List;
import java.util.Map;

/**
 * P1 and P2, one gradient at a time.
 *
 * <p><b>P1</b> (functional-gradient equivalence): for every auxiliary type, the gradient a user computes by Gradient
 * Learning from the adaptation data equals the gradient of the loss with respect to the auxiliary's parameters
 * computed by backprop through the whole model.
 *
 * <p><b>P2</b> (the paper's Eq. 5): the dL/dh_i the server captures at every site equals dL/d(g_i(x_i)), the
 * gradient with respect to the auxiliary output in the backprop graph.
 */
public final class GradientPropositions {
    private GradientPropositions() {}

    /** P1 and P2 for one auxiliary type on the given sites; returns {P1 result, P2 result}. */
    public static List<PropositionResult> check(Fixture fx, String type, SiteSelector selector, double tol) {
        // ColA: the server's pass captures (x, dL/dh); the user turns it into dL/dw by GL
        DecoderLM m1 = fx.model();
        List<Site> s1 = m1.sites(selector);
        LinkedHashMap<String, AuxiliaryModel> aux1 = fx.adapters(s1, type, 0, true);
        ColaServer server = new ColaServer(m1, s1);
        ColaServer.Pass pass = server.pass(fx.loss(m1, 0), Map.of(0, aux1), RowRouting.single(0, Fixture.B), ColaMode.UNMERGED, null);
        Map<String, Tensor> gl = new LinkedHashMap<>();
        for (AdaptationData d : pass.dataByUser().get(0)) {
            GradientLearning.gradient(aux1.get(d.site()), d).forEach((p, g) -> gl.put(d.site() + "/" + p, g));
        }

        // Backprop: the same adapters trainable inside the model, one ordinary backward
        DecoderLM m2 = fx.model();
        m2.freeze();
        List<Site> s2 = m2.sites(selector);
        LinkedHashMap<String, AuxiliaryModel> aux2 = fx.adapters(s2, type, 0, true);
        Map<String, Var> auxOut = new LinkedHashMap<>();
        ForwardContext ctx = ForwardContext.eval().withInterceptor((site, x, h) -> {
            if (!aux2.containsKey(site.name())) return h;
            Var g = RoutedAuxiliary.output(Map.of(0, aux2), RowRouting.single(0, Fixture.B), site, x, false).retainGrad();
            auxOut.put(site.name(), g);
            return h.add(g);
        });
        fx.loss(m2, 0).loss(ctx).backward();
        Map<String, Tensor> bp = new LinkedHashMap<>();
        aux2.forEach((site, a) -> a.namedParameters().forEach((p, v) -> bp.put(site + "/" + p, v.grad())));

        PropositionResult.Diff d1 = new PropositionResult.Diff().addAll(gl, bp);
        PropositionResult.Diff d2 = new PropositionResult.Diff();
        pass.hiddenGradients().forEach((site, g) -> d2.add(g, auxOut.get(site).grad()));
        String where = s1.size() + " sites (" + s1.get(0).name() + ", …)";
        return List.of(d1.result("P1", type + " auxiliary at " + where + ": GL gradient vs backprop dL/dw", tol),
                d2.result("P2", type + " auxiliary at " + where + ": captured dL/dh vs backprop dL/dg", tol));
    }

    /** P1 and P2 over every auxiliary type at linear sites and the embedding site. */
    public static List<PropositionResult> all(Fixture fx, double tol) {
        List<PropositionResult> out = new ArrayList<>();
        for (String t : List.of("lowrank", "linear", "mlp")) out.addAll(check(fx, t, Fixture.SITES, tol));
        for (String t : List.of("embedding", "linear")) out.addAll(check(fx, t, SiteSelector.suffixes("embed.token"), tol));
        return out;
    }
}
