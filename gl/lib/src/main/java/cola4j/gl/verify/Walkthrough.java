package cola4j.gl.verify;

import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.autograd.Var;
import cola4j.gl.AdaptationData;
import cola4j.gl.GradientLearning;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.gl.cola.ColaMode;
import cola4j.gl.cola.ColaServer;
import cola4j.gl.UserFit;
import cola4j.gl.cola.RoutedAuxiliary;
import cola4j.gl.cola.RowRouting;
import cola4j.gl.optim.Sgd;
import cola4j.gl.optim.SgdConfig;
import cola4j.models.DecoderLM;
import cola4j.models.ForwardContext;
import cola4j.models.site.Site;
import cola4j.tensor.Tensor;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One ColA step at one site of the tiny decoder, printed for a student as numbered steps (used by
 * {@code cola explain}). Every number printed is computed by the same classes the trainers use.
 */
public final class Walkthrough {
    private final PrintStream out;

    public Walkthrough(PrintStream out) {
        this.out = out;
    }

    /** Label, shape and 2-norm of {@code t}; its values too when it has at most 64 elements. */
    private void show(String label, Tensor t) {
        show(out, label, t);
    }

    /** Label, shape and 2-norm of {@code t} on {@code out}; its values too when it has at most 64 elements. */
    static void show(PrintStream out, String label, Tensor t) {
        out.printf("     %-28s shape %-12s norm %.6g%n", label, java.util.Arrays.toString(t.shape()), t.norm());
        if (t.numel() <= 64) out.println("       " + t);
    }

    /**
     * @param fx   dtype and seed
     * @param type auxiliary kind (lowrank, linear, mlp)
     * @param site a site name of the tiny decoder
     */
    public void run(Fixture fx, AuxiliaryKind type, String site) {
        int rows = 1;
        DecoderLM model = fx.model();
        List<Site> sites = Fixture.site(model, site);
        Site s = sites.get(0);
        LinkedHashMap<String, AuxiliaryModel> aux = fx.auxiliaries(sites, type, 0, true);
        AuxiliaryModel g = aux.get(site);
        int[][][] batch = fx.batch(0, rows);
        out.printf("ColA, one step at site %s (%s, in=%d, out=%d) of the tiny decoder LM, %s auxiliary, %s%n",
                site, s.kind(), s.inFeatures(), s.outFeatures(), type, fx.dtype());
        out.println("  auxiliary parameters w (set to random values so that nothing is trivially zero; values in full"
                + " up to 64 elements):");
        g.namedParameters().forEach((n, v) -> show(n, v.value()));

        out.println("\n1. Server forward. The base weights are frozen; the site outputs h_i + g_w(x_i),"
                + " with g_w evaluated");
        out.println("   with its parameters held constant (differentiable in x_i only).");
        ColaServer server = new ColaServer(model, sites);
        ColaServer.Pass pass = server.pass(ctx -> model.loss(batch[0], batch[1], ctx), Map.of(0, aux),
                RowRouting.single(0, rows), ColaMode.UNMERGED, null);
        AdaptationData data = pass.dataByUser().get(0).get(0);
        Tensor x = data.x();
        Tensor h = x.matmul(s.weight(), false, true);
        if (s.bias() != null) h = h.add(s.bias());
        Tensor gx = g.applyFrozen(Var.constant(x)).value();
        show("x_i (site input, [rows, in])", x);
        show("h_i = x_i Wᵀ + b", h);
        show("g_w(x_i)", gx);
        out.printf("     loss L = %.12g%n", pass.loss());

        out.println("\n2. Server backward, from L down to the adapted site only as gradients of hidden"
                + " representations.");
        out.println("   No parameter gradient exists anywhere on the server (asserted after every pass).");
        Tensor gradH = data.gradH();
        show("dL/dh_i ([rows, out])", gradH);

        out.printf("%n3. Ship the adaptation data (x_i, dL/dh_i) to the user: %d bytes of payload.%n", data.bytes());

        out.println("\n4. User: Gradient Learning. Pseudo-target y = g_w(x_i) − dL/dh_i (a constant: one functional");
        out.println("   gradient step on the hidden representation); surrogate ℓ(w) = ½‖g_w(x_i) − y‖².");
        Tensor y = gx.sub(gradH);
        show("y = g_w(x_i) − dL/dh_i", y);
        Var surrogate = GradientLearning.surrogateLoss(g, data);
        out.printf("     ℓ = %.12g   (= ½‖dL/dh_i‖² = %.12g; only its gradient matters)%n",
                surrogate.value().item(), 0.5 * gradH.norm() * gradH.norm());
        Map<String, Tensor> gl = GradientLearning.gradient(g, data);

        out.println("\n5. The same gradient by ordinary backprop through the whole model (what LoRA would compute):");
        DecoderLM m2 = fx.model();
        m2.freeze();
        List<Site> s2 = Fixture.site(m2, site);
        LinkedHashMap<String, AuxiliaryModel> aux2 = fx.auxiliaries(s2, type, 0, true);
        ForwardContext ctx = ForwardContext.eval().withInterceptor((st, xi, hi) -> aux2.containsKey(st.name())
                ? hi.add(RoutedAuxiliary.output(Map.of(0, aux2), RowRouting.single(0, rows), st, xi, false)) : hi);
        m2.loss(batch[0], batch[1], ctx).backward();
        double worst = 0;
        for (Map.Entry<String, Tensor> e : gl.entrySet()) {
            Tensor bp = aux2.get(site).namedParameters().get(e.getKey()).grad();
            show("dℓ/d" + e.getKey() + " (GL)", e.getValue());
            show("dL/d" + e.getKey() + " (backprop)", bp);
            double diff = e.getValue().maxAbsDiff(bp);
            worst = Math.max(worst, diff / Math.max(bp.maxAbs(), 1e-300));
            out.printf("     max |GL − backprop| = %.3e%n", diff);
        }
        out.printf("     largest relative difference: %.3e (rounding only: the two are equal in exact arithmetic)%n",
                worst);

        out.println("\n6. User: one optimizer step with that gradient (SGD, lr 0.1): w ← w − 0.1 · dℓ/dw.");
        Map<String, Tensor> before = new LinkedHashMap<>();
        g.namedParameters().forEach((n, v) -> before.put(n, v.value().copy()));
        Sgd sgd = new Sgd(UserFit.parameters(Map.of(site, g)), SgdConfig.plain(0.1));
        sgd.step();
        g.namedParameters().forEach((n, v) -> {
            show("Δ" + n, v.value().sub(before.get(n)));
            show(n + " after the step", v.value());
        });
        out.println("\nThe server never saw w's gradient, and the user never saw the base model or the loss.");
    }
}
