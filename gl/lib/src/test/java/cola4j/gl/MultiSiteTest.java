package cola4j.gl;

import cola4j.gl.auxiliary.AuxiliaryKind;
import static org.assertj.core.api.Assertions.assertThat;

import cola4j.autograd.Var;
import cola4j.gl.auxiliary.AuxSpec;
import cola4j.gl.auxiliary.AuxiliaryFactory;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.LinkedHashMap;
import org.junit.jupiter.api.Test;

/**
 * Two stacked sites: h₁ = x W₁ᵀ, out₁ = h₁ + g₁(x), a = tanh(out₁), h₂ = a W₂ᵀ,
 * out₂ = h₂ + g₂(a), L = Σ tanh(out₂)·c. The server evaluates each auxiliary with its parameters held
 * constant but differentiable in its input ({@link AuxiliaryModel#applyFrozen}, as {@code ColaInterceptor} does,
 * docs/cola.md §2), so dL/dh₁ includes the path through g₂'s input, and GL at each site equals ordinary backprop
 * of L through the whole graph. For contrast, treating g₂(a) as a constant (no path through its input) changes
 * site 1's gradient.
 */
class MultiSiteTest {
    static final DType F64 = DType.FLOAT64;

    @Test
    void eachSiteGetsTheBackpropGradientOfTheWholeGraph() {
        Rng rng = new Rng(5);
        Tensor x = rng.normal(F64, 0, 1, 4, 3), w1 = rng.normal(F64, 0, 1, 6, 3), w2 = rng.normal(F64, 0, 1, 2, 6),
                c = rng.normal(F64, 0, 1, 2);
        AuxSpec spec = new AuxSpec(2, 2, 5, 1, cola4j.gl.auxiliary.Activation.SIGMOID, true, F64, 1);
        AuxiliaryModel g1 = AuxiliaryFactory.create(AuxiliaryKind.LOWRANK, 3, 6, spec),
                g2 = AuxiliaryFactory.create(AuxiliaryKind.MLP, 6, 2, spec.withSeed(2));
        for (AuxiliaryModel g : new AuxiliaryModel[] {g1, g2}) {
            g.namedParameters().values().forEach(p -> p.setValue(rng.normal(F64, 0, 0.5, p.shape())));
        }

        // reference: one ordinary graph, auxiliaries trainable (LoRA's backprop)
        for (AuxiliaryModel g : new AuxiliaryModel[] {g1, g2}) g.namedParameters().values().forEach(Var::zeroGrad);
        Var xv = Var.constant(x);
        Var a = xv.matmul(Var.constant(w1), false, true).add(g1.apply(xv)).tanh();
        a.matmul(Var.constant(w2), false, true).add(g2.apply(a)).tanh().mul(Var.constant(c)).sum(false).backward();
        LinkedHashMap<String, Tensor> ref1 = grads(g1), ref2 = grads(g2);

        // ColA server pass: taps on the frozen base outputs, auxiliaries applyFrozen; then GL per site
        for (AuxiliaryModel g : new AuxiliaryModel[] {g1, g2}) g.namedParameters().values().forEach(Var::zeroGrad);
        Var t1 = Var.tap(xv.matmul(Var.constant(w1), false, true)).retainGrad();
        Var a2 = t1.add(g1.applyFrozen(xv)).tanh();
        Var t2 = Var.tap(a2.matmul(Var.constant(w2), false, true)).retainGrad();
        t2.add(g2.applyFrozen(a2)).tanh().mul(Var.constant(c)).sum(false).backward();
        for (AuxiliaryModel g : new AuxiliaryModel[] {g1, g2}) {
            g.namedParameters().values().forEach(p -> assertThat(p.grad()).isNull());
        }
        AdaptationData d1 = new AdaptationData("site1", x, t1.grad()),
                d2 = new AdaptationData("site2", a2.value(), t2.grad());

        double e1 = GlFixture.relErr(GradientLearning.gradient(g1, d1), ref1);
        double e2 = GlFixture.relErr(GradientLearning.gradient(g2, d2), ref2);
        System.out.printf("two sites: GL vs backprop max rel err %.3e (site 1), %.3e (site 2)%n", e1, e2);
        assertThat(e1).isLessThanOrEqualTo(1e-12);
        assertThat(e2).isLessThanOrEqualTo(1e-12);

        // contrast: g₂(a) added as a constant drops the path through g₂'s input, so site 1's dL/dh is wrong
        Var s1 = Var.tap(xv.matmul(Var.constant(w1), false, true)).retainGrad();
        Var b2 = s1.add(g1.applyFrozen(xv)).tanh();
        b2.matmul(Var.constant(w2), false, true).add(Var.constant(g2.apply(b2).value())).tanh().mul(Var.constant(c))
                .sum(false).backward();
        double wrong = GlFixture.relErr(GradientLearning.gradient(g1, new AdaptationData("site1", x, s1.grad())), ref1);
        assertThat(wrong).isGreaterThan(1e-6);
    }

    static LinkedHashMap<String, Tensor> grads(AuxiliaryModel g) {
        LinkedHashMap<String, Tensor> m = new LinkedHashMap<>();
        g.namedParameters().forEach((k, p) -> m.put(k, p.grad()));
        return m;
    }
}
