package cola4j.tests.ftaas;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.gl.app.cli.Main;
import cola4j.gl.app.io.Io;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cola demo --quick} end to end, in-process: it prints the tables, writes report.md, results.json and one
 * learning-curve PNG per user plus the mean; the users' tasks all differ and the untouched base is near chance on each
 * (|base − chance| ≤ 0.05); on every user, every method that serves the user its own adapter beats both the base
 * and chance by ≥ 0.2 (merged-average, one averaged adapter for all, is exempt and reported as such); and ColA
 * low-rank (merged) reaches LoRA's accuracy.
 */
class DemoQuickTest {
    @Test
    void quickDemoWritesTableReportAndCurves(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"demo", "--quick", "--out", dir.toString()},
                new Io(new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8)));
        String table = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        for (String m : new String[] {"base (untouched)", "cola-lowrank-merged", "cola-lowrank-unmerged",
                "cola-linear-unmerged", "cola-mlp-unmerged", "lora", "full",
                "chance (commonest label)", "cola-lowrank-merged-average"}) {
            assertThat(table).contains(m);
        }
        assertThat(table).contains("untouched base near chance (|base - chance| <= 0.05) on every user: PASS")
                .contains("per-user verdict: accuracy >= base + 0.20 and >= chance + 0.20 on every user")
                .contains("cola-lowrank-merged-average  n/a").doesNotContain("FAIL");
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
        for (String f : new String[] {"curves-user-0.png", "curves-user-1.png", "curves-user-2.png",
                "curves-user-3.png", "curves-mean.png"}) {
            byte[] b = Files.readAllBytes(dir.resolve(f));
            assertThat(Arrays.copyOf(b, 8)).as(f).isEqualTo(png);
            assertThat(b.length).as(f).isGreaterThan(5_000);
        }
        String report = Files.readString(dir.resolve("report.md"));
        assertThat(report).contains("| cola-lowrank-merged |").contains("![curves-mean.png](curves-mean.png)")
                .contains("bfloat16").contains("| chance (commonest label) |")
                .contains("## Merged per user vs merged-average").contains("## ColA low-rank vs LoRA");

        JsonNode j = new ObjectMapper().readTree(dir.resolve("results.json").toFile());
        double base = 0;
        for (JsonNode v : j.get("base_metrics")) base += v.asDouble() / 4;
        java.util.Set<String> shifts = new java.util.HashSet<>();
        for (int u = 0; u < 4; u++) {
            String user = "user-" + u;
            double b = j.get("base_metrics").get(user).asDouble(), c = j.get("chance").get(user).asDouble();
            assertThat(Math.abs(b - c)).as(user + ": base " + b + " near chance " + c).isLessThanOrEqualTo(0.05);
            assertThat(j.get("tasks").get(user).asText()).as(user + " is not given invert").isNotEqualTo("invert");
            shifts.add(j.get("shifts").get(user).asText());
        }
        assertThat(shifts).as("every user's task differs: " + j.get("shifts")).hasSize(4);
        double lora = Double.NaN, cola = Double.NaN, average = Double.NaN;
        java.util.List<String> methods = new java.util.ArrayList<>();
        for (JsonNode m : j.get("methods")) {
            String method = m.get("method").asText();
            methods.add(method);
            double mean = 0;
            for (JsonNode v : m.get("metrics")) mean += v.asDouble() / 4;
            assertThat(m.get("metrics").size()).isEqualTo(4);
            if (method.equals("cola-lowrank-merged-average")) {
                average = mean;
                assertThat(j.get("failing_users").get(method).asText()).isEqualTo("n/a");
                continue;
            }
            assertThat(mean).as(method + " vs base " + base).isGreaterThan(base + 0.2);
            for (int u = 0; u < 4; u++) {
                String user = "user-" + u;
                double a = m.get("metrics").get(user).asDouble(), b = j.get("base_metrics").get(user).asDouble(),
                        c = j.get("chance").get(user).asDouble();
                assertThat(a).as(method + " " + user + " vs base " + b + " and chance " + c)
                        .isGreaterThanOrEqualTo(Math.max(b, c) + 0.2);
            }
            assertThat(j.get("failing_users").get(method)).as(method).isEmpty();
            if (m.get("method").asText().equals("lora")) lora = mean;
            if (m.get("method").asText().equals("cola-lowrank-merged")) {
                cola = mean;
                assertThat(m.get("down_payload_per_step").asDouble())
                        .isEqualTo(m.get("down_bytes_analytic").asDouble());
            }
        }
        assertThat(cola).isCloseTo(lora, org.assertj.core.data.Offset.offset(0.02));
        assertThat(methods)
                .containsExactly("cola-lowrank-merged", "cola-lowrank-merged-average", "cola-lowrank-unmerged",
                        "cola-linear-unmerged", "cola-mlp-unmerged", "lora", "full", "cola-lowrank-unmerged-bf16");
        assertThat(average).as("merged-average, one averaged adapter for users with different tasks, "
                + "stays far below per-user merge").isLessThan(cola - 0.2);
    }
}
