package cola4j.gl.verify;

import cola4j.gl.AdaptationData;
import cola4j.gl.FitStep;
import cola4j.gl.GradientLearning;
import cola4j.gl.UserFit;
import cola4j.gl.UserFitConfig;
import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.gl.cola.ColaMode;
import cola4j.gl.cola.ColaServer;
import cola4j.gl.cola.RoutedAuxiliary;
import cola4j.gl.cola.RowRouting;
import cola4j.gl.optim.Sgd;
import cola4j.gl.optim.SgdConfig;
import cola4j.models.DecoderLM;
import cola4j.models.ForwardContext;
import cola4j.models.site.Site;
import cola4j.tensor.Tensor;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code cola explain --interval I}: the user's buffer over one adaptation interval, for a student.
 *
 * <pre>
 *   (1) batch k = 1..I: the server's pass at the same w gives D_k = (x_k, dL_k/dh_k); the user buffers it
 *   (2) after I batches: ∇ℓ(w; D_1 ∪ … ∪ D_I) = Σ_k ∇ℓ(w; D_k)       the surrogate sums over rows
 *   (3)                  Σ_k ∇ℓ(w; D_k) = Σ_k dL_k/dw                  each term is Gradient Learning (P1)
 *                        = d(Σ_k L_k)/dw by backprop                   gradient accumulation over I batches
 *   (4) one optimizer step:  w ← w − η · Σ_k dL_k/dw                   (SGD, η = 0.1)
 * </pre>
 */
public final class IntervalWalkthrough {
    private final PrintStream out;
    private double sumRel;
    private Map<String, Tensor> concat;

    public IntervalWalkthrough(PrintStream out) {
        this.out = out;
    }

    /**
     * What the walk-through found.
     *
     * @param bufferedRows rows in the buffer after each batch (the last entry: 0, drained by the step)
     * @param sumRel       max relative difference, GL on the concatenation vs Σ of per-batch GL (equation 2)
     * @param backpropRel  max relative difference, that gradient vs accumulated backprop (equation 3)
     * @param stepRel      max relative difference of the update vs −η · accumulated gradient (equation 4)
     */
    public record Result(List<Integer> bufferedRows, double sumRel, double backpropRel, double stepRel) {}

    public Result run(Fixture fx, AuxiliaryKind type, String site, int interval) {
        DecoderLM model = fx.model();
        List<Site> sites = Fixture.site(model, site);
        LinkedHashMap<String, AuxiliaryModel> aux = fx.auxiliaries(sites, type, 0, true);
        AuxiliaryModel g = aux.get(site);
        UserFit user = new UserFit(0, aux, new Sgd(UserFit.parameters(aux), SgdConfig.plain(0.1)),
                UserFitConfig.noClip(interval), null);
        ColaServer server = new ColaServer(model, sites);
        out.printf("ColA with adaptation interval I = %d at site %s of the tiny decoder LM, %s auxiliary, %s%n",
                interval, site, type, fx.dtype());
        out.println("\n(1) The buffer fills: each server pass uses the same w (the user does not update in between).");
        List<AdaptationData> parts = new ArrayList<>();
        List<Integer> buffered = new ArrayList<>();
        Map<String, Tensor> before = TrajectoryPropositions.state(aux);
        Optional<FitStep> step = Optional.empty();
        for (int k = 0; k < interval; k++) {
            ColaServer.Pass p = server.pass(fx.loss(model, k), Map.of(0, aux), RowRouting.single(0, Fixture.B),
                    ColaMode.UNMERGED, null);
            AdaptationData d = p.dataByUser().get(0).get(0);
            parts.add(d);
            if (k == interval - 1) gradients(g, parts);      // at the served w, before the user's step changes it
            step = user.offer(p.dataByUser().get(0));
            buffered.add(user.buffer(site).isEmpty() ? 0 : rowsOf(parts));
            out.printf("     batch %d: L_%d = %.10g, D_%d = x %s, dL/dh %s; buffer %d of %d batches, %d rows%s%n",
                    k + 1, k + 1, p.loss(), k + 1, java.util.Arrays.toString(d.x().shape()),
                    java.util.Arrays.toString(d.gradH().shape()), step.isPresent() ? interval : user.buffered(),
                    interval, rowsOf(parts), step.isPresent() ? " -> full: the user steps and drains it" : "");
        }
        out.println("\n(2) The GL gradient of the whole buffer equals the sum of the per-batch GL gradients:");
        concat.forEach((n, t) -> Walkthrough.show(out, "∇ℓ(D_1 ∪ … ∪ D_I) / " + n, t));
        out.printf("     max relative difference (2) vs Σ_k ∇ℓ(D_k): %.3e (rounding only)%n", sumRel);
        Map<String, Tensor> accumulated = backprop(fx, type, site, interval);
        PropositionResult.Diff d3 = new PropositionResult.Diff().addAll(concat, accumulated);
        out.printf("%n(3) Backprop through the whole model, gradients accumulated over the %d batches:%n", interval);
        accumulated.forEach((n, t) -> Walkthrough.show(out, "Σ_k dL_k/d" + n + " (backprop)", t));
        out.printf("     max relative difference (3): %.3e (rounding only)%n", d3.result("", "", 0).maxRel());

        out.println("\n(4) The user's step: w ← w − 0.1 · Σ_k dL_k/dw.");
        PropositionResult.Diff d4 = new PropositionResult.Diff();
        Map<String, Tensor> after = TrajectoryPropositions.state(aux);
        after.forEach((n, w) -> {
            String p = n.substring(n.indexOf('/') + 1);
            Tensor update = w.sub(before.get(n));
            Walkthrough.show(out, "Δ" + p, update);
            d4.add(update, accumulated.get(p).mul(-0.1));
        });
        out.printf("     max relative difference (4) of Δw vs −0.1·Σ_k dL_k/dw: %.3e%n",
                d4.result("", "", 0).maxRel());
        return new Result(buffered, sumRel, d3.result("", "", 0).maxRel(), d4.result("", "", 0).maxRel());
    }

    /** The GL gradient of the concatenated buffer and its difference from the sum of per-batch gradients. */
    private void gradients(AuxiliaryModel g, List<AdaptationData> parts) {
        Map<String, Tensor> sum = new LinkedHashMap<>();
        for (AdaptationData d : parts) GradientLearning.gradient(g, d).forEach((n, t) -> sum.merge(n, t, Tensor::add));
        concat = GradientLearning.gradient(g, AdaptationData.concat(parts));
        sumRel = new PropositionResult.Diff().addAll(concat, sum).result("", "", 0).maxRel();
    }

    private static int rowsOf(List<AdaptationData> parts) {
        return parts.stream().mapToInt(AdaptationData::rows).sum();
    }

    /** Σ_k dL_k/dw by backprop through a second copy of the model with the same (trainable) auxiliary. */
    private static Map<String, Tensor> backprop(Fixture fx, AuxiliaryKind type, String site, int interval) {
        DecoderLM m = fx.model();
        m.freeze();
        List<Site> s = Fixture.site(m, site);
        LinkedHashMap<String, AuxiliaryModel> a = fx.auxiliaries(s, type, 0, true);
        for (int k = 0; k < interval; k++) {
            ForwardContext ctx = ForwardContext.eval().withInterceptor((st, x, h) -> a.containsKey(st.name())
                    ? h.add(RoutedAuxiliary.output(Map.of(0, a), RowRouting.single(0, Fixture.B), st, x, false)) : h);
            fx.loss(m, k).loss(ctx).backward();                                  // gradients accumulate
        }
        Map<String, Tensor> g = new LinkedHashMap<>();
        a.get(site).namedParameters().forEach((n, v) -> g.put(n, v.grad()));
        return g;
    }
}
