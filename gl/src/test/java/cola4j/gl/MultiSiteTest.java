package cola4j.gl;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.autograd.GradMode;
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
 * Two stacked sites: h₁ = x W₁ᵀ + g₁(x), a = tanh(h₁), h₂ = a W₂ᵀ + g₂(a), L = Σ tanh(h₂)·c. The server treats
 * auxiliary outputs as constants, so dL/dh₁ flows through the base path (W₂) but not through g₂'s input: GL at
 * each site equals backprop of L where each auxiliary reads a detached input. (Through the auxiliary's own input
 * Jacobian the two differ, by design of ColA.)
 */
class MultiSiteTest {
    static final DType F64 = DType.FLOAT64;

    @Test
    void eachSiteGetsTheBackpropGradientOfTheSplitGraph() {
        Rng rng = new Rng(5);
        Tensor x = rng.normal(F64, 0, 1, 4, 3), w1 = rng.normal(F64, 0, 1, 6, 3), w2 = rng.normal(F64, 0, 1, 2, 6), c = rng.normal(F64, 0, 1, 2);
        AuxSpec spec = new AuxSpec(2, 2, 5, 1, cola4j.gl.auxiliary.Activation.SIGMOID, true, F64, 1);
        AuxiliaryModel g1 = AuxiliaryFactory.create("lowrank", 3, 6, spec), g2 = AuxiliaryFactory.create("mlp", 6, 2, spec.withSeed(2));
        for (AuxiliaryModel g : new AuxiliaryModel[] {g1, g2}) g.namedParameters().values().forEach(p -> p.setValue(rng.normal(F64, 0, 0.5, p.shape())));

        // reference: one graph, each auxiliary on a detached input
        for (AuxiliaryModel g : new AuxiliaryModel[] {g1, g2}) g.namedParameters().values().forEach(Var::zeroGrad);
        Var xv = Var.constant(x);
        Var h1 = xv.matmul(Var.constant(w1), false, true).add(g1.apply(xv));
        Var a = h1.tanh();
        Var h2 = a.matmul(Var.constant(w2), false, true).add(g2.apply(a.detach()));
        h2.tanh().mul(Var.constant(c)).sum(false).backward();
        LinkedHashMap<String, Tensor> ref1 = grads(g1), ref2 = grads(g2);

        // ColA: server pass with constant auxiliary outputs, probes at both sites
        AdaptationProbe p1, p2;
        Tensor o1, o2;
        try (var s = GradMode.noGrad()) {
            o1 = g1.apply(xv).value();
        }
        p1 = new AdaptationProbe("site1", xv, xv.matmul(Var.constant(w1), false, true), o1);
        Var a2 = p1.output().tanh();
        try (var s = GradMode.noGrad()) {
            o2 = g2.apply(a2).value();
        }
        p2 = new AdaptationProbe("site2", a2, a2.matmul(Var.constant(w2), false, true), o2);
        p2.output().tanh().mul(Var.constant(c)).sum(false).backward();

        double e1 = GlFixture.relErr(GradientLearning.gradient(g1, p1.capture()), ref1);
        double e2 = GlFixture.relErr(GradientLearning.gradient(g2, p2.capture()), ref2);
        System.out.printf("two sites: GL vs backprop max rel err %.3e (site 1), %.3e (site 2)%n", e1, e2);
        assertThat(e1).isLessThanOrEqualTo(1e-12);
        assertThat(e2).isLessThanOrEqualTo(1e-12);
    }

    static LinkedHashMap<String, Tensor> grads(AuxiliaryModel g) {
        LinkedHashMap<String, Tensor> m = new LinkedHashMap<>();
        g.namedParameters().forEach((k, p) -> m.put(k, p.grad()));
        return m;
    }
}
