package cola4j.gl.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.gl.app.experiments.CompareDoc;
import cola4j.gl.app.experiments.CompareMethod;
import cola4j.gl.app.io.JsonFiles;
import cola4j.gl.app.train.TrainMethod;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cola compare} in-process on the tiny mlp: usage errors before any work, the rows of a small run, equal
 * numbers from two runs, and ColA's equivalences (P3: ColA ≡ LoRA, P4: merged ≡ unmerged) seen in the table in
 * float64.
 */
class CompareCommandTest {
    @TempDir
    static Path shared;                          // one pretraining cache for the runs of this class

    @TempDir
    Path tmp;

    static String[] tiny(Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("compare", "--model", "mlp:tiny", "--tasks", "flip,rotate",
                "--seeds", "2", "--steps", "4", "--eval-every", "2", "--eval-examples", "40", "--batch", "8",
                "--cache", shared.resolve("cache").toString(), "--out", out.toString()));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    static JsonNode json(Path out) throws Exception {
        return JsonFiles.MAPPER.readTree(out.resolve("compare-mlp-tiny.json").toFile());
    }

    @Test
    void usageErrorsComeBeforeAnyWork() throws Exception {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        Path plain = Files.writeString(tmp.resolve("plain.md"), "# no markers\n");
        String[][] cases = {
            {"--model is required", "compare"},
            {"--seeds must be >= 1", "compare", "--model", "mlp", "--seeds", "0"},
            {"--seeds must be <= 100", "compare", "--model", "mlp", "--seeds", "101"},
            {"--steps: 'x' is not an integer", "compare", "--model", "mlp", "--steps", "x"},
            {"--methods: unknown method 'adapter'", "compare", "--model", "mlp", "--methods", "lora,adapter"},
            {"--methods: method 'lora' given twice", "compare", "--model", "mlp", "--methods", "lora,lora"},
            {"--methods: empty method name", "compare", "--model", "mlp", "--methods", "lora,"},
            {"--methods: ia3 on mlp:", "compare", "--model", "mlp", "--methods", "lora,ia3"},
            {"--model: 'mlp:huge' is not FAMILY[:PRESET]", "compare", "--model", "mlp:huge"},
            {"--model: 'cnn' is not FAMILY[:PRESET]", "compare", "--model", "cnn"},
            {"--model: 'mlp' given twice", "compare", "--model", "mlp,mlp"},
            {"--tasks needs exactly one --model", "compare", "--model", "mlp,decoder", "--tasks", "flip"},
            {"--tasks: unknown task 'nosuch'", "compare", "--model", "mlp", "--tasks", "nosuch"},
            {"--out: '" + file + "' exists and is not a directory", "compare", "--model", "mlp", "--out",
                    file.toString()},
            {"--doc: '" + plain + "' must contain the line", "compare", "--model", "mlp", "--out",
                    tmp.resolve("o").toString(), "--doc", plain.toString()},
            {"--doc: '" + tmp.resolve("none.md") + "' is not a file", "compare", "--model", "mlp", "--out",
                    tmp.resolve("o").toString(), "--doc", tmp.resolve("none.md").toString()},
        };
        for (String[] c : cases) {
            List<String> args = new ArrayList<>(List.of(c).subList(1, c.length));
            if (!args.contains("--out")) args.addAll(List.of("--out", tmp.resolve("unused").toString()));
            EarlyErrorsTest.usageError(tmp, c[0], args.toArray(String[]::new));
        }
    }

    /** Every method the train program accepts is a row: cola twice (unmerged, merged), LoRA variants once wired. */
    @Test
    void rowsAreDiscoveredFromTheTrainProgram() {
        List<String> names = CompareMethod.discover(TrainMethod.names(), CompareCommand.loraVariants()).stream()
                .map(CompareMethod::name).toList();
        for (String m : TrainMethod.names()) assertThat(names).contains(m);
        assertThat(names).contains(CompareMethod.COLA_MERGED);
        assertThat(CompareMethod.discover(List.of("lora", "cola"), List.of("lora", "dora")))
                .extracting(CompareMethod::name).containsExactly("lora", "cola", "cola-merged", "lora-dora",
                        "cola-dora");
        assertThat(CompareMethod.discover(List.of("lora"), List.of("dora")).get(1).trainArgs())
                .containsExactly("--method", "lora", "--lora-variant", "dora");
    }

    @Test
    void smallRunWritesTheRowsAndTheSameNumbersTwice() throws Exception {
        Path a = tmp.resolve("a"), b = tmp.resolve("b");
        Path doc = Files.writeString(tmp.resolve("doc.md"), "# Title\n\nprose\n\n" + CompareDoc.BEGIN + "\nold\n"
                + CompareDoc.END + "\n\nmore prose\n");
        MainTest.Result r = MainTest.cola(tiny(a, "--methods", "lora,cola", "--doc", doc.toString()));
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = json(a);
        JsonNode rows = j.get("table").get("rows");
        assertThat(rows).extracting(n -> n.get("method").asText()).containsExactly("lora", "cola");
        for (JsonNode row : rows) {
            assertThat(row.get("per_seed").get("flip")).hasSize(2);
            assertThat(row.get("per_seed").get("rotate")).hasSize(2);
            assertThat(row.get("metric").get("flip").get("mean").asDouble()).isBetween(0.0, 1.0);
            assertThat(row.get("metric").get("flip").get("std").asDouble()).isGreaterThanOrEqualTo(0);
            assertThat(row.get("timing").get("steps").asInt()).isEqualTo(2 * 2 * 4);   // tasks × seeds × steps
        }
        JsonNode lora = rows.get(0), cola = rows.get(1);
        assertThat(cola.get("trainable_parameters").asLong()).isEqualTo(lora.get("trainable_parameters").asLong())
                .isPositive();
        assertThat(lora.get("server_bytes_per_step").asDouble()).isZero();
        // tiny mlp 64 → 16 → 10, both sites adapted, batch 8, float32: down = 8·((64+16) + (16+10))·4 bytes
        assertThat(cola.get("down_bytes_per_step").asDouble()).isEqualTo(8 * (80 + 26) * 4.0)
                .isEqualTo(cola.get("down_bytes_per_step_analytic").asDouble());
        // unmerged, interval 1: the user's parameters go up after every step
        assertThat(cola.get("up_bytes_per_step").asDouble()).isEqualTo(4.0 * cola.get("trainable_parameters")
                .asLong());
        assertThat(j.get("table").get("setup").get("tail_rule").asText()).isEqualTo("mean of the last 1 of 2"
                + " evaluations");
        assertThat(Files.readString(a.resolve("compare-mlp-tiny.json"))).isEqualTo(
                new String(cola4j.gl.app.experiments.Comparison.sortedJson(j)) + "\n");        // keys sorted
        String md = Files.readString(doc);
        assertThat(md).startsWith("# Title\n\nprose\n\n" + CompareDoc.BEGIN).endsWith(CompareDoc.END
                + "\n\nmore prose\n").contains("| lora | ").contains("| cola | ").doesNotContain("\nold\n");
        assertThat(Files.readString(a.resolve("compare-mlp-tiny.md"))).contains("| base (no training) | 0 |");

        MainTest.Result again = MainTest.cola(tiny(b, "--methods", "lora,cola"));
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(withoutTiming(json(b))).isEqualTo(withoutTiming(j));
    }

    /**
     * In float64 with interval 1 and one fit pass, ColA's user gets LoRA's gradient exactly (P3) and merged equals
     * unmerged (P4): the three rows agree to rounding, in every seed's metric and in the held-out losses.
     */
    @Test
    void colaMergedUnmergedAndLoraAgreeInFloat64() throws Exception {
        Path out = tmp.resolve("p");
        MainTest.Result r = MainTest.cola(tiny(out, "--methods", "lora,cola,cola-merged", "--dtype", "float64"));
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode rows = json(out).get("table").get("rows");
        JsonNode lora = rows.get(0);
        for (JsonNode row : List.of(rows.get(1), rows.get(2))) {
            assertThat(row.get("per_seed")).as(row.get("method").asText()).isEqualTo(lora.get("per_seed"));
            for (String task : List.of("flip", "rotate")) {
                for (String f : List.of("mean", "std")) {
                    double want = lora.get("eval_loss").get(task).get(f).asDouble(),
                            got = row.get("eval_loss").get(task).get(f).asDouble();
                    assertThat(Math.abs(got - want)).as(row.get("method") + " " + task + " " + f)
                            .isLessThanOrEqualTo(1e-10 * Math.max(1, Math.abs(want)));
                }
            }
        }
        // the losses move: a check of equal numbers that did not change would prove nothing
        assertThat(lora.get("eval_loss").get("flip").get("std").asDouble()).isPositive();
    }

    /** The document minus what depends on the clock: the run block and each row's timing. */
    static JsonNode withoutTiming(JsonNode doc) {
        ObjectNode d = doc.deepCopy();
        d.remove("run");
        for (Iterator<JsonNode> it = d.get("table").get("rows").elements(); it.hasNext(); ) {
            ((ObjectNode) it.next()).remove("timing");
        }
        return d;
    }
}
