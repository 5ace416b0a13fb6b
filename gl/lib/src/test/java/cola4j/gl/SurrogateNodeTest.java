package cola4j.gl;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.autograd.Var;
import cola4j.gl.auxiliary.AuxSpec;
import cola4j.gl.auxiliary.AuxiliaryFactory;
import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link GradientLearning#surrogateLoss} is one graph node; it must equal, bit for bit in value and in every
 * parameter gradient, the composite ½ Σ (g − stopgrad(g − dL/dh))² built from sub, pow(2), sum and mul(½), for
 * float32 and float64, every auxiliary kind, upstream 1 and an arbitrary upstream.
 */
class SurrogateNodeTest {
    /** The definition: the four-node chain the single node replaces. */
    static Var composite(AuxiliaryModel aux, AdaptationData data) {
        Var g = aux.apply(Var.constant(data.x()));
        Var target = Var.constant(g.value().sub(data.gradH()));
        return g.sub(target).pow(2).sum(false).mul(0.5);
    }

    @ParameterizedTest
    @CsvSource({"FLOAT32,LOWRANK,1.0", "FLOAT64,LOWRANK,1.0", "FLOAT32,LINEAR,0.37", "FLOAT64,MLP,-2.5",
            "FLOAT32,MLP,1.0", "FLOAT64,LOWRANK,0.37"})
    void singleNodeEqualsCompositeBitForBit(DType dt, AuxiliaryKind kind, double upstream) {
        Rng r = new Rng(7);
        Tensor x = r.normal(dt, 0, 1, 40, 12), gh = r.normal(dt, 0, 0.3, 40, 9);
        AdaptationData data = new AdaptationData("s", x, gh);
        List<Tensor> fused = grads(kind, dt, data, upstream, false);
        List<Tensor> ref = grads(kind, dt, data, upstream, true);
        assertThat(fused).hasSameSizeAs(ref);
        for (int i = 0; i < ref.size(); i++) {
            assertThat(fused.get(i).maxAbs()).as("gradient %d is not trivially zero", i).isGreaterThan(0);
            assertThat(fused.get(i).toDoubleArray()).as("value / gradient %d", i)
                    .containsExactly(ref.get(i).toDoubleArray());
        }
    }

    /** {loss value, gradient of every parameter} of a fresh auxiliary (B set nonzero so no gradient vanishes). */
    private static List<Tensor> grads(AuxiliaryKind kind, DType dt, AdaptationData data, double upstream,
                                      boolean composite) {
        AuxiliaryModel aux = AuxiliaryFactory.create(kind, 12, 9, AuxSpec.defaults(dt, 3));
        Rng r = new Rng(5);
        for (Var p : aux.namedParameters().values()) p.setValue(r.normal(dt, 0, 0.5, p.value().shape()));
        Var loss = composite ? composite(aux, data) : GradientLearning.surrogateLoss(aux, data);
        loss.backward(Tensor.scalar(dt, upstream));
        List<Tensor> out = new ArrayList<>(List.of(loss.value()));
        for (Var p : aux.namedParameters().values()) out.add(p.grad());
        return out;
    }
}
