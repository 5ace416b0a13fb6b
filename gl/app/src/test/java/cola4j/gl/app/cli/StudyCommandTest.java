package cola4j.gl.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cola study}: the five files per kind; E = 1 and k = 0 stay on LoRA's trajectory (relative parameter error
 * ≤ 1e-10 at every step), E = 2 and k = 2 leave it; the same seed writes the same bytes; bad values exit 2.
 */
class StudyCommandTest {
    /** variant → the largest param_rel_err over its rows of the steps CSV. */
    static Map<String, Double> maxErr(Path csv) throws Exception {
        Map<String, Double> m = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines.get(0)).isEqualTo("variant,user,step,loss_lora,loss_cola,loss_diff,param_rel_err");
        for (String l : lines.subList(1, lines.size())) {
            String[] f = l.split(",");
            m.merge(f[0], Double.parseDouble(f[6]), Math::max);
        }
        return m;
    }

    @Test
    void fitEpochsAndStalenessLeaveLorasTrajectoryOnlyAboveOneAndZero(@TempDir Path dir) throws Exception {
        for (String[] c : new String[][] {{"fit-epochs", "1,2", "E=1", "E=2"}, {"staleness", "0,2", "k=0", "k=2"}}) {
            Path out = dir.resolve(c[0]);
            MainTest.Result r = MainTest.cola("study", "--vary", c[0], "--values", c[1], "--steps", "5",
                    "--pretrain-steps", "5", "--out", out.toString());
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("load average");
            for (String f : List.of("-steps.csv", "-summary.csv", "-distance.png", "-loss-diff.png", "-metric.png")) {
                assertThat(out.resolve(c[0] + f)).isNotEmptyFile();
            }
            Map<String, Double> err = maxErr(out.resolve(c[0] + "-steps.csv"));
            assertThat(err.get(c[2])).isLessThanOrEqualTo(1e-10);
            assertThat(err.get(c[3])).isGreaterThan(1e-6);
            assertThat(Files.readAllLines(out.resolve(c[0] + "-summary.csv"))).hasSize(1 + 2 * 4);   // 2 variants x 4
            MainTest.Result again = MainTest.cola("study", "--vary", c[0], "--values", c[1], "--steps", "5",
                    "--pretrain-steps", "5", "--out", dir.resolve("again").toString());
            assertThat(again.code()).isZero();
            assertThat(Files.readString(dir.resolve("again").resolve(c[0] + "-steps.csv")))
                    .isEqualTo(Files.readString(out.resolve(c[0] + "-steps.csv")));
        }
    }

    @Test
    void badValuesAreUsageErrors() {
        String[][] cases = {
                {"--values", "1", "--vary fit-epochs|staleness is required"},
                {"--vary", "fit-epochs", "--values", "0", "--values: every value must be >= 1"},
                {"--vary", "fit-epochs", "--values", "1,1001", "--values: every value must be <= 1000, got 1001"},
                {"--vary", "staleness", "--values", "10001", "--values: every value must be <= 10000, got 10001"},
                {"--vary", "staleness", "--interval", "2", "--vary staleness needs --interval 1"},
                {"--vary", "speed", "--vary"},
        };
        for (String[] c : cases) {
            String[] args = new String[c.length];
            args[0] = "study";
            System.arraycopy(c, 0, args, 1, c.length - 1);
            MainTest.Result r = MainTest.cola(args);
            assertThat(r.code()).as(String.join(" ", c) + ": " + r.err()).isEqualTo(2);
            assertThat(r.err()).contains(c[c.length - 1]);
        }
    }
}
