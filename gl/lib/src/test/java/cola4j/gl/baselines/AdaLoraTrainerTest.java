package cola4j.gl.baselines;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.autograd.GradCheck;
import cola4j.autograd.Var;
import cola4j.gl.cola.RowRouting;
import cola4j.gl.optim.Adam;
import cola4j.gl.optim.AdamConfig;
import cola4j.models.DecoderLM;
import cola4j.models.ForwardContext;
import cola4j.models.site.Site;
import cola4j.models.site.SiteSelector;
import cola4j.tensor.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link AdaLoraTrainer} on the tiny float64 decoder: the gradient of L + γ·mean R through the whole model against
 * central differences, Gradient Learning from the adaptation data (x, dL/dh) alone giving the backprop gradient of
 * an AdaLoRA-form auxiliary (the ColA question of docs/cola.md), the allocator reaching the target budget at
 * T − tfinal, the base staying frozen, and two identical runs giving bit-identical parameters.
 */
class AdaLoraTrainerTest {
    static final int[][] INPUTS = Ia3TrainerTest.INPUTS, TARGETS = Ia3TrainerTest.TARGETS;

    static AdaLoraTrainer trainer(DecoderLM m, AdaLoraConfig cfg) {
        List<Site> sites = m.sites(new SiteSelector(List.of("attn.query", "attn.value"), null, null));
        return new AdaLoraTrainer(m, sites, cfg, 8, i -> 100 + i, p -> new Adam(p, AdamConfig.adam(0.05)), null, 1,
                Double.POSITIVE_INFINITY);
    }

    /** Every parameter of {@code t} drawn from N(0, 0.3²) with {@code seed} (away from AdaLoRA's E = 0 start). */
    static void randomize(AdaLoraTrainer t, long seed) {
        cola4j.tensor.Rng r = new cola4j.tensor.Rng(seed);
        t.parameters().values().forEach(p -> p.setValue(r.normal(p.value().dtype(), 0, 0.3, p.shape())));
    }

    @Test
    void gradientOfLossPlusRegulariserMatchesCentralDifferences() {
        DecoderLM m = Ia3TrainerTest.model();
        AdaLoraTrainer t = trainer(m, new AdaLoraConfig(3, 2, 0, 0, 1, 0.85, 0.85, 0.5, 10));
        randomize(t, 3);
        GradCheck.Result res = GradCheck.checkParams(() -> m.loss(INPUTS, TARGETS,
                        ForwardContext.eval().withInterceptor(t.interceptor())).add(t.orthogonalityPenalty()),
                t.parameters(), 12, 4, GradCheck.Config.MODEL)
                .require("AdaLoRA loss + orthogonality vs central differences", 1e-6);
        System.out.printf("AdaLoRA trainer gradients vs central differences: %s%n", res);
    }

    /**
     * dL/dw = Σ_rows J_w(x)ᵀ dL/dh for g = s·x(A⊙E)ᵀBᵀ: the gradient of GL's surrogate
     * ½Σ‖g − sg(g − dL/dh)‖² built from each site's captured (x, dL/dh) equals the backprop
     * gradient of the task loss.
     */
    @Test
    void gradientLearningOnTheAdaptationDataGivesTheBackpropGradient() {
        DecoderLM m = Ia3TrainerTest.model();
        AdaLoraTrainer t = trainer(m, new AdaLoraConfig(3, 2, 0, 0, 1, 0.85, 0.85, 0.5, 10));
        randomize(t, 5);
        LinkedHashMap<String, Var[]> seen = new LinkedHashMap<>();
        m.loss(INPUTS, TARGETS, ForwardContext.eval().withInterceptor((site, x, h) -> {
            AdaLoraAdapter a = t.adapters().get(site.name());
            if (a == null) return h;
            Var out = h.add(a.apply(x)).retainGrad();
            seen.put(site.name(), new Var[] {x, out});
            return out;
        })).backward();
        LinkedHashMap<String, Tensor> backprop = new LinkedHashMap<>();
        t.parameters().forEach((n, v) -> backprop.put(n, v.grad()));
        t.parameters().values().forEach(Var::zeroGrad);
        double worst = 0;
        for (var e : seen.entrySet()) {
            AdaLoraAdapter a = t.adapters().get(e.getKey());
            Tensor x = e.getValue()[0].value(), gradH = e.getValue()[1].grad();
            Var g = a.apply(Var.constant(x));
            Var target = Var.constant(g.value().sub(gradH));                    // stopgrad(g − dL/dh)
            g.sub(target).pow(2).sum(false).mul(0.5).backward();
            for (var p : a.namedParameters().entrySet()) {
                Tensor want = backprop.get(e.getKey() + "." + p.getKey());
                worst = Math.max(worst, p.getValue().grad().maxAbsDiff(want) / want.maxAbs());
            }
        }
        System.out.printf("AdaLoRA: Gradient Learning vs backprop gradient, max rel %.3e%n", worst);
        assertThat(seen).hasSize(4);
        assertThat(worst).isLessThan(1e-10);
    }

    static LinkedHashMap<String, Tensor> run(AdaLoraConfig cfg, int steps) {
        DecoderLM m = Ia3TrainerTest.model();
        AdaLoraTrainer t = trainer(m, cfg);
        for (int k = 0; k < steps; k++) {
            t.step(ctx -> m.loss(INPUTS, TARGETS, ctx), RowRouting.single(0, INPUTS.length), null);
        }
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        t.parameters().forEach((n, v) -> out.put(n, v.value()));
        t.allocator().ranks().forEach((s, r) -> out.put(s + ".rank", Tensor.scalar(r)));
        m.namedParameters().forEach((n, v) -> assertThat(v.grad()).as(n).isNull());
        return out;
    }

    @Test
    void trainsToTheTargetBudgetDeterministically() {
        AdaLoraConfig cfg = new AdaLoraConfig(4, 2, 1, 2, 1, 0.85, 0.85, 0.5, 8);
        LinkedHashMap<String, Tensor> a = run(cfg, 8), b = run(cfg, 8);
        assertThat(a.keySet()).containsExactlyElementsOf(b.keySet());
        a.forEach((k, v) -> assertThat(b.get(k).bitEquals(v)).as(k).isTrue());
        double ranks = a.entrySet().stream().filter(e -> e.getKey().endsWith(".rank"))
                .mapToDouble(e -> e.getValue().item()).sum();
        assertThat(ranks).isEqualTo(2 * 4);          // target_r · 4 sites (query and value of 2 blocks)
        // masked triplets have E = 0
        int zeros = 0;
        for (var e : a.entrySet()) {
            if (!e.getKey().endsWith("lora_E")) continue;
            for (double x : e.getValue().toDoubleArray()) if (x == 0) zeros++;
        }
        assertThat(zeros).isEqualTo(4 * 4 - 8);
    }

    /**
     * CopRA's masked step ({@code step(..., activeSites)}): a site switched off after one step with every site keeps
     * its A, E, B bit for bit and its triplet scores (EMAs not decayed), the active ones move; with every site
     * active the step is the plain step bit for bit (same loss, same parameters, same scores).
     */
    @Test
    void aMaskedStepLeavesInactiveSitesAndTheirScoresUntouched() {
        // tinit 4: no mask in these 3 steps (a global mask may zero an inactive site's E: that is the budget's call)
        AdaLoraConfig cfg = new AdaLoraConfig(3, 2, 4, 0, 1, 0.85, 0.85, 0.5, 6);
        DecoderLM mp = Ia3TrainerTest.model(), ma = Ia3TrainerTest.model(), mm = Ia3TrainerTest.model();
        AdaLoraTrainer plain = trainer(mp, cfg), all = trainer(ma, cfg), masked = trainer(mm, cfg);
        java.util.Set<String> every = plain.adapters().keySet();
        String off = every.iterator().next();
        java.util.Set<String> active = new java.util.LinkedHashSet<>(every);
        active.remove(off);
        RowRouting one = RowRouting.single(0, INPUTS.length);
        boolean moved = false;
        for (int k = 0; k < 3; k++) {
            double a = plain.step(ctx -> mp.loss(INPUTS, TARGETS, ctx), one, null);
            double b = all.step(ctx -> ma.loss(INPUTS, TARGETS, ctx), one, null, every);
            assertThat(b).isEqualTo(a);
            LinkedHashMap<String, Tensor> before = new LinkedHashMap<>();
            masked.parameters().forEach((n, v) -> before.put(n, v.value().copy()));
            double[] scoreBefore = masked.allocator().tripletScores().get(off).clone();
            masked.step(ctx -> mm.loss(INPUTS, TARGETS, ctx), one, null, k == 0 ? every : active);
            if (k == 0) {   // every site active once, so the one switched off afterwards has scores to keep
                assertThat(Arrays.stream(masked.allocator().tripletScores().get(off)).max().orElseThrow())
                        .isGreaterThan(0);
                continue;
            }
            for (var e : masked.parameters().entrySet()) {
                boolean same = e.getValue().value().bitEquals(before.get(e.getKey()));
                if (e.getKey().startsWith(off + ".")) assertThat(same).as(e.getKey() + " is off").isTrue();
                else moved |= !same;
            }
            assertThat(masked.allocator().tripletScores().get(off)).containsExactly(scoreBefore);
        }
        assertThat(moved).as("the active sites train (the check can fail)").isTrue();
        plain.parameters().forEach((n, v) -> assertThat(all.parameters().get(n).value().bitEquals(v.value()))
                .as(n).isTrue());
        plain.allocator().tripletScores().forEach((s, sc) ->
                assertThat(all.allocator().tripletScores().get(s)).as(s).containsExactly(sc));
    }
}
