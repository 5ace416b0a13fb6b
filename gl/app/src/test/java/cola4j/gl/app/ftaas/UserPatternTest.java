package cola4j.gl.app.ftaas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import cola4j.autograd.Var;
import cola4j.gl.optim.Adam;
import cola4j.gl.optim.AdamW;
import cola4j.gl.optim.Optimizer;
import cola4j.gl.optim.Sgd;
import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.gl.optim.OptimizerKind;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Per-user patterns ({@link UserPattern}) and what a {@link UserSpec} builds from them. */
class UserPatternTest {
    @Test
    void everyPatternCyclesOverUsersOnItsOwn() {
        UserPattern p = new UserPattern(UserPattern.words("lowrank~linear", AuxiliaryKind::parseUserChoice),
                UserPattern.ints("4~8", 1, 1024), UserPattern.ints("1~2~3", 1, 1024),
                UserPattern.words("sgd~adamw", OptimizerKind::parse), UserPattern.positives("0.1", 100));
        List<UserSpec> users = p.cycle(4, 5, 100);
        assertThat(users).extracting(UserSpec::id, UserSpec::auxType, UserSpec::rank, UserSpec::interval,
                UserSpec::optimizer, UserSpec::lr, UserSpec::seed).containsExactly(
                        tuple(0, AuxiliaryKind.LOWRANK, 4, 1, OptimizerKind.SGD, 0.1, 100L),
                        tuple(1, AuxiliaryKind.LINEAR, 8, 2, OptimizerKind.ADAMW, 0.1, 101L),
                        tuple(2, AuxiliaryKind.LOWRANK, 4, 3, OptimizerKind.SGD, 0.1, 102L),
                        tuple(3, AuxiliaryKind.LINEAR, 8, 1, OptimizerKind.ADAMW, 0.1, 103L));
        assertThat(p.isUniform()).isFalse();
        assertThat(users.get(0).describe()).isEqualTo("lowrank r4 I1 sgd lr 0.1");
        assertThat(users.get(1).describe()).isEqualTo("linear I2 adamw lr 0.1");
    }

    @Test
    void theStringCycleOfEarlierCallersIsAUniformPattern() {
        List<UserSpec> a = UserSpec.cycle(3, "lowrank ~ mlp", 8, 32, 2, "sgd", 0.02, 1);
        List<UserSpec> b = new UserPattern(List.of(AuxiliaryKind.LOWRANK, AuxiliaryKind.MLP), List.of(8), List.of(2),
                List.of(OptimizerKind.SGD), List.of(0.02)).cycle(3, 32, 1);
        assertThat(a).isEqualTo(b);
        assertThat(UserPattern.uniform(AuxiliaryKind.LINEAR, 8, 1, OptimizerKind.ADAM, 0.1).isUniform()).isTrue();
    }

    @Test
    void badPatternsAreRejectedWithTheEntryNamed() {
        assertThatThrownBy(() -> UserPattern.ints("4~", 1, 1024)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'4~' has an empty entry");
        assertThatThrownBy(() -> UserPattern.ints("4~x", 1, 1024))
                .hasMessageContaining("entry 'x' of '4~x' is not an integer");
        assertThatThrownBy(() -> UserPattern.ints("1~0", 1, 1024))
                .hasMessageContaining("entry 0 of '1~0' must be >= 1");
        assertThatThrownBy(() -> UserPattern.positives("0.1~-1", 100))
                .hasMessageContaining("entry -1 of '0.1~-1' must be finite and > 0");
        assertThatThrownBy(() -> UserPattern.positives("NaN", 100)).hasMessageContaining("must be finite and > 0");
        assertThatThrownBy(() -> UserPattern.positives("fast", 100))
                .hasMessageContaining("entry 'fast' of 'fast' is not a number");
        assertThatThrownBy(() -> UserPattern.words("sgd~rmsprop", OptimizerKind::parse))
                .hasMessage("optimizer 'rmsprop' is not one of [sgd, adam, adamw]");
        assertThatThrownBy(() -> UserPattern.words("lowrank~conv", AuxiliaryKind::parseUserChoice))
                .hasMessage("aux 'conv' is not one of [lowrank, linear, mlp]");
        assertThatThrownBy(() -> new UserPattern(List.of(AuxiliaryKind.LINEAR), List.of(), List.of(1),
                List.of(OptimizerKind.SGD), List.of(0.1))).hasMessageContaining("at least one entry");
        assertThatThrownBy(() -> UserPattern.uniform(AuxiliaryKind.LINEAR, 1, 0, OptimizerKind.SGD, 0.1))
                .hasMessageContaining("interval must be >= 1");
        assertThatThrownBy(() -> UserPattern.uniform(AuxiliaryKind.LINEAR, 1, 1, OptimizerKind.SGD, 0.1).cycle(0, 5, 0))
                .hasMessageContaining("users must be >= 1");
    }

    @Test
    void mergeableTypes() {
        assertThat(AuxiliaryKind.LOWRANK.mergeable()).isTrue();
        assertThat(AuxiliaryKind.LINEAR.mergeable()).isTrue();
        assertThat(AuxiliaryKind.MLP.mergeable()).isFalse();
    }

    /**
     * The optimizer a spec builds, and the state it keeps after one step equal to {@link AnalyticBytes#optimizerState}
     * (n = 17 elements, t = 2 tensors): sgd keeps a momentum buffer (n·e), adam/adamw two moments and a step scalar.
     */
    @ParameterizedTest
    @EnumSource(OptimizerKind.class)
    void specsBuildTheirOptimizerAndItsStateBytesAreAnalytic(OptimizerKind kind) {
        for (DType dtype : DType.values()) {
            Rng rng = new Rng(3);
            LinkedHashMap<String, Var> params = new LinkedHashMap<>();
            params.put("a", Var.param(rng.normal(dtype, 0, 1, 3, 5)));
            params.put("b", Var.param(rng.normal(dtype, 0, 1, 2)));
            Optimizer o = new UserSpec(0, AuxiliaryKind.LOWRANK, 2, 5, 1, kind, 0.1, 0).newOptimizer(params);
            assertThat(o.getClass()).isEqualTo(switch (kind) {
                case SGD -> Sgd.class;
                case ADAM -> Adam.class;
                case ADAMW -> AdamW.class;
            });
            assertThat(o.lr()).isEqualTo(0.1);
            if (o instanceof Sgd sgd) assertThat(sgd.config().momentum()).isEqualTo(0.9);
            if (o instanceof Adam adam) assertThat(adam.config().weightDecay()).isZero();
            for (Var v : params.values()) v.setGrad(rng.normal(dtype, 0, 1, v.shape()));
            o.step();
            assertThat(o.stateBytes()).as(kind + " " + dtype)
                    .isEqualTo(AnalyticBytes.optimizerState(kind, 17, 2, dtype));
        }
    }
}
