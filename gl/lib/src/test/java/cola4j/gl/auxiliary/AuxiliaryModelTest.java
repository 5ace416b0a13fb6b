package cola4j.gl.auxiliary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cola4j.autograd.Var;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class AuxiliaryModelTest {
    static final AuxSpec SPEC = new AuxSpec(3, 6.0, 8, 2, Activation.RELU, true, DType.FLOAT64, 7);

    @Test
    void factoryBuildsEachTypeWithShapesNamesAndZeroInitialOutput() {
        Tensor x = new Rng(1).normal(DType.FLOAT64, 0, 1, 2, 3, 4);
        Tensor ids = Tensor.of(new double[] {0, 5, 9, 2, 2, 1}, 2, 3);
        for (AuxiliaryKind type : AuxiliaryKind.values()) {
            boolean emb = type == AuxiliaryKind.EMBEDDING;
            AuxiliaryModel aux = AuxiliaryFactory.create(type, emb ? 10 : 4, 5, SPEC);
            assertThat(aux.kind()).isEqualTo(type);
            assertThat(aux.inFeatures()).isEqualTo(emb ? 10 : 4);
            assertThat(aux.outFeatures()).isEqualTo(5);
            assertThat(aux.dtype()).isEqualTo(DType.FLOAT64);
            Var y = aux.apply(Var.constant(emb ? ids : x));
            assertThat(y.shape()).containsExactly(2, 3, 5);
            assertThat(y.value().maxAbs()).as(type + " starts at g = 0").isZero();
        }
        assertThat(AuxiliaryFactory.create(AuxiliaryKind.LOWRANK, 4, 5, SPEC)).isInstanceOf(LowRankAux.class);
        assertThat(AuxiliaryFactory.create(AuxiliaryKind.LOWRANK, 4, 5, SPEC).namedParameters().keySet())
                .containsExactly("lora_A.weight", "lora_B.weight");
        assertThat(AuxiliaryFactory.create(AuxiliaryKind.EMBEDDING, 10, 5, SPEC).namedParameters().keySet())
                .containsExactly("lora_embedding_A", "lora_embedding_B");
        assertThat(AuxiliaryFactory.create(AuxiliaryKind.LINEAR, 4, 5, SPEC).namedParameters().keySet())
                .containsExactly("weight", "bias");
        assertThat(AuxiliaryFactory.create(AuxiliaryKind.MLP, 4, 5, SPEC).namedParameters().keySet())
                .containsExactly("layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias",
                        "layers.2.weight", "layers.2.bias");
    }

    @Test
    void unknownTypeListsTheAcceptedNames() {
        assertThatThrownBy(() -> AuxiliaryKind.parse("lora")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("auxiliary kind 'lora'")
                .hasMessageContaining("[lowrank, linear, mlp, embedding]");
        assertThatThrownBy(() -> AuxiliaryKind.parse("LowRank")).hasMessageContaining("'LowRank'");
        assertThatThrownBy(() -> AuxiliaryKind.parseUserChoice("embedding"))
                .hasMessageContaining("[lowrank, linear, mlp]");
        assertThatThrownBy(() -> AuxiliaryFactory.create(null, 4, 5, SPEC)).hasMessageContaining("null");
        assertThatThrownBy(() -> Activation.parse("gelu")).hasMessageContaining("relu");
    }

    @Test
    void shapesAndInitializationFollowPeft() {
        LowRankAux lr = new LowRankAux(16, 5, new LowRankConfig(4, 8, DType.FLOAT64, 3));
        Tensor a = lr.namedParameters().get("lora_A.weight").value();
        assertThat(a.shape()).containsExactly(4, 16);
        assertThat(a.maxAbs()).isLessThanOrEqualTo(1 / Math.sqrt(16)).isGreaterThan(0.1);
        assertThat(lr.namedParameters().get("lora_B.weight").value().shape()).containsExactly(5, 4);
        assertThat(lr.config().scale()).isEqualTo(2.0);
        assertThat(lr.deltaWeight().shape()).containsExactly(5, 16);
        assertThat(lr.parameterCount()).isEqualTo(4 * 16 + 5 * 4);

        EmbeddingLowRankAux emb = new EmbeddingLowRankAux(10, 6, new LowRankConfig(2, 2, DType.FLOAT32, 3));
        assertThat(emb.namedParameters().get("lora_embedding_A").value().shape()).containsExactly(2, 10);
        assertThat(emb.namedParameters().get("lora_embedding_A").value().maxAbs()).isZero();
        assertThat(emb.namedParameters().get("lora_embedding_B").value().shape()).containsExactly(6, 2);
        assertThat(emb.deltaWeight().shape()).containsExactly(10, 6);
        assertThat(emb.dtype()).isEqualTo(DType.FLOAT32);

        MlpAux mlp = new MlpAux(4, 5, new MlpConfig(8, 1, Activation.TANH, false, DType.FLOAT64, 1));
        assertThat(mlp.namedParameters().keySet()).containsExactly("layers.0.weight", "layers.1.weight");
        assertThat(mlp.namedParameters().get("layers.1.weight").value().shape()).containsExactly(5, 8);
        assertThat(new LinearAux(4, 5, new LinearConfig(false, DType.FLOAT64)).deltaBias()).isNull();
    }

    @Test
    void sameSeedSameParametersDifferentSeedDifferent() {
        for (AuxiliaryKind type :
                new AuxiliaryKind[] {AuxiliaryKind.LOWRANK, AuxiliaryKind.MLP, AuxiliaryKind.EMBEDDING}) {
            AuxiliaryModel p = AuxiliaryFactory.create(type, 6, 5, SPEC), q = AuxiliaryFactory.create(type, 6, 5, SPEC);
            AuxiliaryModel r = AuxiliaryFactory.create(type, 6, 5, SPEC.withSeed(8));
            p.namedParameters()
                    .forEach((k, v) -> assertThat(v.value().bitEquals(q.namedParameters().get(k).value())).isTrue());
            boolean anyDiff = p.namedParameters().entrySet().stream()
                    .anyMatch(e -> !e.getValue().value().bitEquals(r.namedParameters().get(e.getKey()).value()));
            assertThat(anyDiff).as(type.cliName()).isTrue();
        }
    }

    @Test
    void lowRankDeltaIsScaleTimesBA() {
        LowRankAux lr = new LowRankAux(3, 2, new LowRankConfig(1, 2, DType.FLOAT64, 3));
        lr.namedParameters().get("lora_A.weight").setValue(Tensor.of(new double[] {1, 2, 3}, 1, 3));
        lr.namedParameters().get("lora_B.weight").setValue(Tensor.of(new double[] {4, 5}, 2, 1));
        // s = 2/1 = 2; ΔW = 2·[[4],[5]]·[[1,2,3]]
        assertThat(lr.deltaWeight().toDoubleArray()).containsExactly(8, 16, 24, 10, 20, 30);
        Var y = lr.apply(Var.constant(Tensor.of(new double[] {1, 0, -1}, 3)));   // rank-1 input
        assertThat(y.shape()).containsExactly(2);
        assertThat(y.value().toDoubleArray()).containsExactly(8 - 24, 10 - 30);
    }

    @Test
    void badInputsAreRejectedClearly() {
        AuxiliaryModel lr = AuxiliaryFactory.create(AuxiliaryKind.LOWRANK, 4, 5, SPEC);
        assertThatThrownBy(() -> lr.apply(Var.constant(Tensor.zeros(DType.FLOAT64, 2, 3))))
                .hasMessageContaining("lowrank auxiliary").hasMessageContaining("[2, 3]");
        AuxiliaryModel emb = AuxiliaryFactory.create(AuxiliaryKind.EMBEDDING, 10, 5, SPEC);
        assertThatThrownBy(() -> emb.apply(Var.constant(Tensor.of(new double[] {1, 10}, 2))))
                .hasMessageContaining("token id 10.0");
        assertThatThrownBy(() -> emb.apply(Var.constant(Tensor.of(new double[] {1.5}, 1))))
                .hasMessageContaining("not an integer");
        assertThatThrownBy(() -> lr.mergedWeight(Tensor.zeros(DType.FLOAT64, 4, 5)))
                .hasMessageContaining("cannot merge delta [5, 4] into base weight [4, 5]");
        assertThatThrownBy(() -> new LowRankConfig(0, 1, DType.FLOAT64, 0)).hasMessageContaining("rank must be >= 1");
        assertThatThrownBy(() -> new MlpConfig(4, 0, Activation.RELU, true, DType.FLOAT64, 0))
                .hasMessageContaining("hiddenLayers");
    }
}
