package cola4j.gl.app.cli;

import cola4j.gl.app.io.Io;
import cola4j.gl.app.io.JsonFiles;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.gl.verify.NegativeControls;
import cola4j.gl.verify.PropositionResult;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cola verify} and {@code cola explain} end to end, in-process. */
class VerifyExplainCommandTest {
    @Test
    void verifyPassesAndWritesJson(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("v.json");
        MainTest.Result r = MainTest.cola("verify", "--json", json.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("all 31 checks pass (float64)");
        JsonNode root = JsonFiles.MAPPER.readTree(Files.readString(json));
        assertThat(root.get("dtype").asText()).isEqualTo("float64");
        assertThat(root.get("propositions")).hasSize(31);
        assertThat(root.get("propositions").findValuesAsText("id")).containsExactly(
                "P1", "P1", "P1", "P1", "P1", "P1", "P1", "P1", "P1", "P1",
                "P2", "P2", "P2", "P2", "P2", "P2", "P2", "P3", "P3", "P3", "P3", "P3", "P4", "P5", "P6", "P7", "P8",
                "P9", "P9", "P10", "P10");
        for (JsonNode p : root.get("propositions")) {
            assertThat(p.fieldNames()).toIterable()
                    .containsExactly("id", "setting", "max_abs", "max_rel", "tol", "pass");
            assertThat(p.get("pass").asBoolean()).isTrue();
            assertThat(p.get("max_rel").asDouble()).isLessThanOrEqualTo(1e-10);
            if (p.get("id").asText().equals("P9")) assertThat(p.get("max_abs").asDouble()).isZero();
        }
    }

    @Test
    void negativeControlsCatchEveryMutant(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("n.json");
        MainTest.Result r = MainTest.cola("verify", "--negative-controls", "--json", json.toString());
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("all 10 mutants caught");
        assertThat(r.out().lines().filter(l -> l.endsWith("FAILS (caught)")).count()).isEqualTo(10);
        JsonNode root = JsonFiles.MAPPER.readTree(Files.readString(json));
        assertThat(root.get("propositions").findValuesAsText("id")).containsExactly(
                "P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8", "P10", "P9");
        for (JsonNode p : root.get("propositions")) {
            assertThat(p.get("pass").asBoolean()).as(p.get("setting").asText()).isFalse();
            assertThat(p.get("setting").asText()).startsWith("MUTANT ");
        }
    }

    @Test
    void aMutantThatPassesOrThrowsIsNotCaughtAndGivesExit1() {
        NegativeControls.Mutant passes = new NegativeControls.Mutant("P3", "not really broken",
                (fx, tol) -> new PropositionResult("P3", "equal", 0, 0, tol, true));
        NegativeControls.Mutant fails = new NegativeControls.Mutant("P1", "broken",
                (fx, tol) -> new PropositionResult("P1", "differs", 1, 0.5, tol, false));
        NegativeControls.Mutant throwsE = new NegativeControls.Mutant("P2", "throws", (fx, tol) -> {
            throw new IllegalStateException("boom");
        });
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"verify", "--negative-controls"},
                new Io(new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8)),
                List.of(new VerifyCommand((d, s) -> List.of(), List.of(fails, passes, throwsE))));
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(code).isEqualTo(1);
        assertThat(text.lines()).anySatisfy(l -> assertThat(l).contains("P1").endsWith("FAILS (caught)"));
        assertThat(text.lines()).anySatisfy(l -> assertThat(l).contains("P3").endsWith("PASSES (NOT caught)"));
        assertThat(text.lines()).anySatisfy(l -> assertThat(l).contains("P2").endsWith("ERROR (not caught): boom"));
        assertThat(text).endsWith("MUTANTS NOT CAUGHT: 2 of 3 [P3, P2]\n");
        MainTest.Result r = MainTest.cola("verify", "--negative-controls", "--dtype", "float32");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--negative-controls runs in float64 only");
    }

    @Test
    void aFailedCheckGivesExitCode1AFailRowAndTheSummary(@TempDir Path dir) throws Exception {
        PropositionResult ok = new PropositionResult("P1", "passing setting", 1e-16, 2e-15, 1e-10, true);
        PropositionResult bad = new PropositionResult("P3", "forced failure", 0.5, 0.25, 1e-10, false);
        Path json = dir.resolve("v.json");
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"verify", "--json", json.toString()},
                new Io(new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8)),
                List.of(new VerifyCommand((dtype, seed) -> List.of(ok, bad))));
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(code).isEqualTo(1);
        assertThat(text.lines()).anySatisfy(l ->
                assertThat(l).contains("P3").contains("forced failure").contains("2.50e-01").endsWith("FAIL"));
        assertThat(text.lines())
                .anySatisfy(l -> assertThat(l).contains("P1").contains("passing setting").endsWith("PASS"));
        assertThat(text).endsWith("SOME CHECKS FAILED: 1 of 2 (float64)\n");
        JsonNode root = JsonFiles.MAPPER.readTree(Files.readString(json));
        assertThat(root.get("propositions").get(1).get("pass").asBoolean()).isFalse();
        assertThat(root.get("propositions").get(1).get("max_rel").asDouble()).isEqualTo(0.25);
    }

    @Test
    void explainPrintsEveryStepAndGlEqualsBackprop() {
        for (String aux : new String[] {"lowrank", "linear", "mlp"}) {
            MainTest.Result r = MainTest.cola("explain", "--aux", aux, "--site", "blocks.1.mlp.fc1");
            assertThat(r.code()).as(r.err()).isZero();
            for (int step = 1; step <= 6; step++) assertThat(r.out()).contains("\n" + step + ". ");
            Matcher m = Pattern.compile("largest relative difference: ([0-9.e+-]+)").matcher(r.out());
            assertThat(m.find()).isTrue();
            assertThat(Double.parseDouble(m.group(1))).isLessThan(1e-10);
            assertThat(r.out()).contains("after the step");
        }
        // lowrank at fc1 (8 -> 32): A [2, 8] and B [32, 2] have at most 64 elements, so their values are printed in
        // full, before (under the header) and after the update, next to the update itself
        String out = MainTest.cola("explain", "--aux", "lowrank", "--site", "blocks.1.mlp.fc1").out();
        for (String p : new String[] {"lora_A.weight", "lora_B.weight"}) {
            for (String label : new String[] {"     " + p + " ", "     Δ" + p + " ",
                    "     " + p + " after the step "}) {
                int at = out.indexOf(label);
                assertThat(at).as(label).isPositive();
                assertThat(out.substring(at).lines().skip(1).findFirst().orElseThrow().trim()).as(label)
                        .startsWith("Tensor(float64");
            }
        }
        // a linear auxiliary's weight [32, 8] has 256 elements: shape and norm only
        String lin = MainTest.cola("explain", "--aux", "linear", "--site", "blocks.1.mlp.fc1").out();
        int at = lin.indexOf("     weight ");
        assertThat(lin.substring(at).lines().skip(1).findFirst().orElseThrow().trim()).startsWith("bias");
    }

    @Test
    void explainRejectsUnknownSite() {
        MainTest.Result r = MainTest.cola("explain", "--site", "nope");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("'nope' is not a linear site").contains("blocks.0.attn.query");
    }

    @Test
    void explainListsOnlyTheSitesItAccepts() {
        MainTest.Result r = MainTest.cola("explain", "--site", "embed.token");
        assertThat(r.code()).isEqualTo(2);
        String listed = r.err().substring(r.err().indexOf('[') + 1, r.err().indexOf(']'));
        assertThat(listed).doesNotContain("embed.").contains("blocks.0.attn.query");
        assertThat(r.err()).contains("'embedding' auxiliary");
        // every listed site is accepted
        for (String site : ExplainCommand.linearSites()) {
            assertThat(listed).contains(site);
            assertThat(MainTest.cola("explain", "--site", site).code()).as(site).isZero();
        }
    }
}
