package cola4j.gl.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.tensor.Backend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code cola doctor} and the {@code --backend} option every command has. */
class DoctorCommandTest {
    private final Backend before = Backend.current();

    @AfterEach
    void restore() {
        Backend.select(before); // --backend selects for the whole process
    }

    @Test
    void doctorReportsBackendDeviceBlasAndThreadsAndPassesItsSelfCheck() {
        for (String b : new String[] {"heap", "nd4j"}) {
            MainTest.Result r = MainTest.cola("doctor", "--backend", b);
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("active backend      " + b, "nd4j backend class  org.nd4j.",
                    "nd4j device         CPU (", "nd4j blas vendor", "nd4j threads        maxThreads",
                    "heap blas", "self-check          ok: [2,3]x[3,2] + 1 on " + b + " = [59.0, 65.0, 140.0, 155.0]");
            assertThat(Backend.current().label()).isEqualTo(b);
        }
    }

    @Test
    void aBadBackendIsOneUsageLine() {
        MainTest.Result r = MainTest.cola("doctor", "--backend", "gpu");
        assertThat(r.code()).isEqualTo(Main.USAGE);
        assertThat(r.err().lines()).containsExactly("cola doctor: --backend: backend 'gpu': expected heap or nd4j",
                "Run 'cola doctor --help' for usage.");
        assertThat(MainTest.cola("bench", "step", "--quick", "--backend", "heap,heap").err())
                .startsWith("cola bench step: --backend: heap given twice");
    }
}
