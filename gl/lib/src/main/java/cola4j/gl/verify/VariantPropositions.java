package cola4j.gl.verify;

import cola4j.autograd.Var;
import cola4j.gl.GradientLearning;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.gl.auxiliary.DoraAux;
import cola4j.gl.auxiliary.LoraVariant;
import cola4j.gl.auxiliary.LowRankAux;
import cola4j.gl.auxiliary.LowRankConfig;
import cola4j.gl.auxiliary.Pissa;
import cola4j.gl.auxiliary.RsLora;
import cola4j.gl.baselines.LoraTrainer;
import cola4j.gl.cola.ColaMode;
import cola4j.gl.cola.Trainer;
import cola4j.models.DecoderLM;
import cola4j.models.site.Site;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * P1 and P3 for the LoRA variants ({@link LoraVariant}) at the {@link Fixture}'s linear sites. P1: the gradient a user
 * gets by Gradient Learning from (x, dL/dh) equals the backprop gradient of the same adapter inside the model. P3
 * ({@link #p3}): ColA (interval 1, unmerged) follows the trajectory of the same adapter trained by backprop (LoRA's
 * trainer), 20 steps of AdamW with warm-up and decay, every parameter after every step; it follows from P1 at every
 * step, so it holds exactly where P1 does (for DoRA: with W0 at the user).
 *
 * <ul>
 *   <li><b>rsLoRA</b>: g(x) = (α/√r)·x Aᵀ Bᵀ, A and B randomized: low rank, another constant.</li>
 *   <li><b>PiSSA</b>: A, B from the SVD of each site's W0 and the site's base weight replaced by W_res = W0 − s·B·A
 *       on both sides; the user's auxiliary is again s·x Aᵀ Bᵀ.</li>
 *   <li><b>DoRA</b>: g(x) = (m/n − 1) ⊙ x W0ᵀ + (m/n) ⊙ s·x Aᵀ Bᵀ (PEFT's detached n = ‖W0 + s·B·A‖
 *       per row), A and B randomized. It holds only because the user's {@link DoraAux} is given the site's
 *       W0: g is not a function of (x, w) alone. In {@link #doraWithoutBase} the server runs the true adapter
 *       but the user differentiates it with a W0 off by a small relative noise (standing for any W0 the user
 *       does not have exactly), and the check fails.</li>
 * </ul>
 */
public final class VariantPropositions {
    private VariantPropositions() {}

    /** The variants with verify rows (P1 and P3 each). */
    public static final List<LoraVariant> CHECKED = List.of(LoraVariant.RSLORA, LoraVariant.PISSA, LoraVariant.DORA);

    /** P1 for one variant (LORA is the ordinary low-rank row of {@link GradientPropositions}). */
    public static PropositionResult p1(Fixture fx, LoraVariant variant, double tol) {
        GradientPropositions.AuxBuilder b = sites -> build(fx, sites, variant);
        return diff(fx, b, b, variant.cliName(), tol);
    }

    /** P3 for one variant: ColA vs backprop (LoRA) trajectories of the variant's adapters, 20 steps AdamW. */
    public static PropositionResult p3(Fixture fx, LoraVariant variant, double tol) {
        int steps = 20;
        DecoderLM m1 = fx.model(), m2 = fx.model();
        LinkedHashMap<String, AuxiliaryModel> a1 = build(fx, m1.sites(Fixture.SITES), variant);
        LinkedHashMap<String, AuxiliaryModel> a2 = build(fx, m2.sites(Fixture.SITES), variant);
        Trainer cola = TrajectoryPropositions.cola(m1, a1, Fixture.adamW(), Fixture.schedule(steps), 1,
                ColaMode.UNMERGED);
        Trainer lora = new LoraTrainer(m2, m2.sites(Fixture.SITES), Map.of(0, a2), Fixture.adamW(),
                Fixture.schedule(steps), 1, 1.0);
        return TrajectoryPropositions.run(fx, cola, m1, a1, lora, m2, a2, steps)
                .result("P3", variant.cliName() + ": ColA (I=1) vs LoRA, " + steps + " steps, AdamW + warm-up/decay",
                        tol);
    }

    /**
     * DoRA where the server runs the true adapter but the user differentiates it with its own copy of W0, off by
     * {@code noise} relative per entry (seeded): the user's GL gradient is then not dL/dw.
     */
    public static PropositionResult doraWithoutBase(Fixture fx, double noise, double tol) {
        GradientPropositions.AuxBuilder b = sites -> build(fx, sites, LoraVariant.DORA);
        Rng rng = new Rng(fx.seed() + 991);
        GradientPropositions.GlGradient userGl = (aux, data) -> {
            DoraAux d = (DoraAux) aux;
            Tensor own = d.base().mul(rng.normal(fx.dtype(), 1, noise, d.base().shape()));
            return GradientLearning.gradient(d.withBase(own), data);
        };
        return diff(fx, b, b, "dora, user's W0 off by " + noise + " relative", tol, userGl);
    }

    private static PropositionResult diff(Fixture fx, GradientPropositions.AuxBuilder user,
                                          GradientPropositions.AuxBuilder ref, String label, double tol) {
        return diff(fx, user, ref, label, tol, GradientLearning::gradient);
    }

    private static PropositionResult diff(Fixture fx, GradientPropositions.AuxBuilder user,
                                          GradientPropositions.AuxBuilder ref, String label, double tol,
                                          GradientPropositions.GlGradient gl) {
        GradientPropositions.Sides s = GradientPropositions.sides(fx, user, ref, Fixture.SITES, gl);
        return new PropositionResult.Diff().addAll(s.gl(), s.backprop())
                .result("P1", label + ": " + s.where() + ": GL gradient vs backprop dL/dw", tol);
    }

    /** One auxiliary of the variant per site, deterministic in (seed, site index); PiSSA also edits the base. */
    static LinkedHashMap<String, AuxiliaryModel> build(Fixture fx, List<Site> sites, LoraVariant variant) {
        LinkedHashMap<String, AuxiliaryModel> m = new LinkedHashMap<>();
        for (int i = 0; i < sites.size(); i++) {
            Site site = sites.get(i);
            long sd = fx.seed() * 7919L + i;
            LowRankConfig cfg = new LowRankConfig(2, 4.0, fx.dtype(), sd);
            int in = site.inFeatures(), out = site.outFeatures();
            AuxiliaryModel a = switch (variant) {
                case LORA -> new LowRankAux(in, out, cfg);
                case RSLORA -> RsLora.create(in, out, cfg);
                case PISSA -> {
                    Pissa p = Pissa.init(site.weight(), cfg);
                    site.subtractDelta(p.aux().deltaWeight(), null);      // the base keeps W_res
                    yield p.aux();
                }
                case DORA -> new DoraAux(site.weight().copy(), cfg);
            };
            if (variant != LoraVariant.PISSA) {
                Rng r = new Rng(sd + 31);
                for (var e : a.namedParameters().entrySet()) {
                    if (e.getKey().startsWith("lora_A") || e.getKey().startsWith("lora_B")) {
                        Var p = e.getValue();
                        p.setValue(r.normal(fx.dtype(), 0, 0.1, p.value().shape()));
                    }
                }
            }
            m.put(site.name(), a);
        }
        return m;
    }
}
