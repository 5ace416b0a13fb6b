package cola4j.tests.ftaas;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.gl.cli.Main;
import cola4j.gl.cli.Io;
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
 * {@code cola demo --quick} end to end, in-process: it prints the table, writes report.md, results.json and one
 * learning-curve PNG per user plus the mean; every method beats the untouched base, and ColA low-rank (merged)
 * reaches LoRA's accuracy.
 */
class DemoQuickTest {
    @Test
    void quickDemoWritesTableReportAndCurves(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"demo", "--quick", "--out", dir.toString()},
                new Io(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));
        String table = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        for (String m : new String[] {"base (untouched)", "cola-lowrank-merged", "cola-lowrank-unmerged", "cola-linear-unmerged", "cola-mlp-unmerged", "lora", "full"}) {
            assertThat(table).contains(m);
        }
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
        for (String f : new String[] {"curves-user-0.png", "curves-user-1.png", "curves-user-2.png", "curves-user-3.png", "curves-mean.png"}) {
            byte[] b = Files.readAllBytes(dir.resolve(f));
            assertThat(Arrays.copyOf(b, 8)).as(f).isEqualTo(png);
            assertThat(b.length).as(f).isGreaterThan(5_000);
        }
        String report = Files.readString(dir.resolve("report.md"));
        assertThat(report).contains("| cola-lowrank-merged |").contains("![curves-mean.png](curves-mean.png)").contains("bfloat16");

        JsonNode j = new ObjectMapper().readTree(dir.resolve("results.json").toFile());
        double base = 0;
        for (JsonNode v : j.get("base_metrics")) base += v.asDouble() / 4;
        double lora = Double.NaN, cola = Double.NaN;
        for (JsonNode m : j.get("methods")) {
            double mean = 0;
            for (JsonNode v : m.get("metrics")) mean += v.asDouble() / 4;
            assertThat(mean).as(m.get("method").asText() + " vs base " + base).isGreaterThan(base + 0.2);
            assertThat(m.get("metrics").size()).isEqualTo(4);
            if (m.get("method").asText().equals("lora")) lora = mean;
            if (m.get("method").asText().equals("cola-lowrank-merged")) {
                cola = mean;
                assertThat(m.get("down_payload_per_step").asDouble()).isEqualTo(m.get("down_bytes_analytic").asDouble());
            }
        }
        assertThat(cola).isCloseTo(lora, org.assertj.core.data.Offset.offset(0.02));
    }
}
