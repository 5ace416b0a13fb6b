package cola4j.gl.app.ftaas;

import cola4j.gl.app.demo.DemoPlan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cola4j.models.data.DigitShift;
import cola4j.tensor.DType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which digits task each tenant gets: kinds cycled over users, each user in its own variant. */
class DigitsTenantsTest {
    @Test
    void usersCycleOverTheGivenKindsInTheirOwnVariants() {
        DigitsTenants all = FtaasFixtures.digits(DType.FLOAT32);
        assertThat(List.of(all.taskName(0), all.taskName(1), all.taskName(2), all.taskName(3)))
                .containsExactly("rotate", "flip", "invert", "mixed");
        DigitsTenants demo = new DigitsTenants(all.base(), FtaasFixtures.family(), DemoPlan.TASK_KINDS);
        assertThat(List.of(demo.taskName(0), demo.taskName(1), demo.taskName(2), demo.taskName(3)))
                .containsExactly("rotate", "flip", "mixed", "rotate");
        assertThat(demo.task(3).shift()).isEqualTo(DigitShift.forUser("rotate", 3)).isNotEqualTo(demo.task(0).shift());
        assertThat(demo.task(2).shift()).isEqualTo(DigitShift.forUser("mixed", 2));
        assertThatThrownBy(() -> new DigitsTenants(all.base(), FtaasFixtures.family(), List.of("rotate", "spin")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'spin'");
        assertThatThrownBy(() -> new DigitsTenants(all.base(), FtaasFixtures.family(), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
