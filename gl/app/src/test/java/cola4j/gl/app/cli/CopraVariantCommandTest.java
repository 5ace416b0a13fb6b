package cola4j.gl.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.gl.app.experiments.CopraConfig;
import cola4j.gl.app.experiments.CopraExperiment;
import cola4j.gl.app.io.JsonFiles;
import cola4j.gl.app.train.AdaLoraSettings;
import cola4j.gl.app.workload.PretrainCache;
import cola4j.gl.app.workload.PretrainConfig;
import cola4j.gl.app.workload.Pretrainer;
import cola4j.gl.app.workload.Workload;
import cola4j.gl.auxiliary.LoraVariant;
import cola4j.gl.copra.AuxiliaryMerge;
import cola4j.gl.copra.PrunePattern;
import cola4j.models.data.Task;
import cola4j.models.site.SiteSelector;
import cola4j.tensor.DType;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code cola copra --lora-variant} and {@code --method adalora} on the tiny mlp, in-process: the command's numbers
 * equal a {@link CopraExperiment} run with the same settings on the same cached base (so the options reach the
 * experiment whose ΔWs and merges CopraVariantsTest checks against their formulas), DoRA has no concatenation column,
 * AdaLoRA's allocator settings are train's, and prompt/prefix and misplaced options are one usage line (exit 2).
 */
class CopraVariantCommandTest {
    static MainTest.Result copra(Path dir, String... extra) {
        String[] base = {"copra", "--model", "mlp", "--preset", "tiny", "--tasks", "flip,invert", "--seeds", "1",
            "--eval", "40", "--cache", dir.resolve("cache").toString(), "--json",
            dir.resolve("c.json").toString()};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return MainTest.cola(all);
    }

    @ParameterizedTest
    @ValueSource(strings = {"lora pissa", "cola dora", "adalora lora"})
    void theCommandsNumbersAreTheExperimentsWithTheVariant(String spec, @TempDir Path dir) throws Exception {
        String method = spec.split(" ")[0], variant = spec.split(" ")[1];
        MainTest.Result r = method.equals("adalora")
                ? copra(dir, "--steps", "6", "--method", "adalora", "--init-r", "4", "--target-r", "2")
                : copra(dir, "--steps", "6", "--method", method, "--lora-variant", variant);
        assertThat(r.code()).as(r.err()).isZero();
        String label = variant.equals("lora") ? method : method + "-" + variant;
        assertThat(r.out()).contains(label + " ").contains("shapley (" + label + ", plain");
        JsonNode doc = JsonFiles.MAPPER.readTree(Files.readString(dir.resolve("c.json")));
        assertThat(doc.get("config").get("loraVariant").asText()).isEqualTo(variant);
        JsonNode merged = doc.get("rows").get(0).get("merged");
        assertThat(merged.has("concat")).as("concat iff the ΔW has a low-rank form")
                .isEqualTo(!variant.equals("dora"));
        if (method.equals("adalora")) {
            JsonNode a = doc.get("config").get("adalora");
            assertThat(a.get("init_r").asInt()).isEqualTo(4);
            assertThat(a.get("tinit").asInt()).as("train's default: 10% of the steps").isEqualTo(0);
            assertThat(a.get("tfinal").asInt()).as("train's default: 20% of the steps").isEqualTo(1);
        } else {
            assertThat(doc.get("config").get("adalora").isNull()).isTrue();
        }
        // the same study through the library, on the base the command used
        Workload w = new Pretrainer(new PretrainCache(dir.resolve("cache")),
                new PrintStream(PrintStream.nullOutputStream()), false)
                .run("mlp", "tiny", DType.FLOAT32, 0, PretrainConfig.defaults("mlp", "tiny"), false).workload();
        CopraConfig cfg = CopraConfig.defaults("lora", List.of("head")).withSteps(6).withEvalExamples(40)
                .withMethod(method, LoraVariant.parse(variant), method.equals("adalora")
                        ? new AdaLoraSettings(4, 2, 0, 1, 1, 0.85, 0.85, 0.5) : null);
        CopraExperiment e = new CopraExperiment(w, w.model().sites(SiteSelector.all()), cfg);
        List<Task<?>> tasks = List.of(w.downstream("flip", 0), w.downstream("invert", 0));
        CopraExperiment.RunResult run = e.run(tasks, false, 0);
        JsonNode row = doc.get("rows").get(0);
        assertThat(row.get("single").get("mean").asDouble()).isEqualTo(run.single());
        for (AuxiliaryMerge.Kind k : run.merged().keySet()) {
            assertThat(merged.get(k.id()).get("mean").asDouble()).as(k.id()).isEqualTo(run.merged().get(k));
        }
        assertThat(row.get("pruned").get("only_head").get("mean").asDouble())
                .isEqualTo(run.pruned().get(PrunePattern.siteKind("head")));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "--method prompt|--method prompt does not apply to cola copra: its merges, pruning and Shapley values combine"
            + " per-site weight deltas, and prompt tuning trains virtual tokens, which are not a weight delta",
        "--method prefix|prefix tuning trains virtual tokens, which are not a weight delta",
        "--method adalora --lora-variant dora|--lora-variant dora applies to methods lora and cola",
        "--init-r 4|--init-r applies to --method adalora only",
        "--method adalora --target-r 20|target_r must be in [1, init_r = 12], got 20",
        "--lora-variant qlora|'qlora' is not one of lora, rslora, pissa, dora"})
    void methodsAndOptionsThatDoNotApplyAreOneUsageLine(String spec, @TempDir Path dir) {
        String[] p = spec.split("\\|");
        MainTest.Result r = copra(dir, p[0].split(" "));
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains(p[1]).doesNotContain("\tat ");
        assertThat(r.err().lines().filter(l -> !l.isBlank()).count()).as(r.err()).isLessThanOrEqualTo(2);
        assertThat(Files.exists(dir.resolve("cache"))).as("refused before any pretraining").isFalse();
    }

    @Test
    void adaloraNeedsNoVariantAndDefaultsToTrainsSchedule(@TempDir Path dir) throws Exception {
        MainTest.Result r = copra(dir, "--method", "adalora", "--steps", "20");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode a = JsonFiles.MAPPER.readTree(Files.readString(dir.resolve("c.json"))).get("config").get("adalora");
        assertThat(List.of(a.get("init_r").asInt(), a.get("target_r").asInt(), a.get("tinit").asInt(),
                a.get("tfinal").asInt())).containsExactly(12, 8, 2, 4);
    }
}
