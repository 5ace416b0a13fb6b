package cola4j.gl.app.workload;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.gl.app.io.Io;
import cola4j.gl.app.io.JsonFiles;
import cola4j.gl.app.cli.Main;
import cola4j.gl.app.cli.PlainModes;
import cola4j.models.ModelCheckpoint;
import cola4j.tensor.DType;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pretraining with the tiny preset: training changes the model, the cache is written, reused, and repaired. */
class PretrainerTest {
    @TempDir
    Path cacheDir;

    final ByteArrayOutputStream log = new ByteArrayOutputStream();
    Pretrainer pretrainer() {
        return new Pretrainer(new PretrainCache(cacheDir), new PrintStream(log, true, StandardCharsets.UTF_8), false);
    }

    /**
     * The tiny preset's defaults, the transformers cut to 4 steps and 32 held-out examples (their defaults train for
     * 600-1000 steps and evaluate 500, which the tests that only need a base do not need).
     */
    static PretrainConfig quick(String family) {
        PretrainConfig d = PretrainConfig.defaults(family, "tiny");
        if (family.equals("mlp")) return d;
        PretrainConfig four = d.withSteps(4);
        return new PretrainConfig(4, four.batchSize(), four.lr(), four.warmupSteps(), four.weightDecay(), four.beta2(),
                four.clipNorm(), 32);
    }

    @Test
    void secondRunLoadsTheCacheAndReportsTheSameNumbers() throws Exception {
        for (String family : Workloads.families()) {
            PretrainConfig cfg = quick(family);
            PretrainResult first = pretrainer().run(family, "tiny", DType.FLOAT64, 3, cfg, false);
            assertThat(first.fromCache()).isFalse();
            assertThat(first.checkpoint().getFileName().toString()).startsWith(family + "-tiny-float64-seed3-");
            assertThat(Files.isRegularFile(first.checkpoint().resolve(ModelCheckpoint.WEIGHTS_FILE))).isTrue();
            assertThat(Files.isRegularFile(first.checkpoint().resolve(PretrainCache.RECORD_FILE))).isTrue();
            PlainModes.assertPlain(first.checkpoint());
            assertThat(first.downstreamBefore().keySet()).containsExactlyElementsOf(first.workload().downstreamNames());
            assertThat(first.pretrainMetric()).isBetween(0.0, 1.0);
            assertThat(first.pretrainPerTask().keySet())
                    .containsExactlyElementsOf(first.workload().tasks().pretrainingNames());
            assertThat(first.downstreamChance().keySet()).containsExactlyElementsOf(first.workload().downstreamNames());
            first.downstreamChance().forEach((k, c) ->
                    assertThat(c).as(family + " " + k + " chance").isGreaterThan(0.0).isLessThan(1.0));
            assertThat(first.target()).isEqualTo(PretrainTarget.of(family));
            assertThat(first.target().metric()).isEqualTo(first.metric());
            assertThat(first.targetMet()).isEqualTo(first.pretrainMetric() >= 0.95);

            // training moved the weights away from the seed's initialization
            Workload fresh = Workloads.create(family, "tiny", DType.FLOAT64, 3);
            String name = fresh.model().namedParameters().keySet().iterator().next();
            assertThat(first.workload().model().namedParameters().get(name).value()
                    .bitEquals(fresh.model().namedParameters().get(name).value())).as(family).isFalse();

            PretrainResult second = pretrainer().run(family, "tiny", DType.FLOAT64, 3, cfg, false);
            assertThat(second.fromCache()).isTrue();
            assertThat(second.checkpoint()).isEqualTo(first.checkpoint());
            assertThat(second.pretrainMetric()).isEqualTo(first.pretrainMetric());
            assertThat(second.pretrainLoss()).isEqualTo(first.pretrainLoss());
            assertThat(second.downstreamBefore()).isEqualTo(first.downstreamBefore());
            assertThat(second.downstreamChance()).isEqualTo(first.downstreamChance());
            assertThat(second.pretrainPerTask()).isEqualTo(first.pretrainPerTask());
            // held-out sets: inputs recorded while training (first) and replayed for the cached
            // checkpoint (second) agree
            assertThat(first.heldOut().trainingExamples()).isEqualTo((long) cfg.steps() * cfg.batchSize());
            assertThat(second.heldOut()).isEqualTo(first.heldOut());
            assertThat(first.heldOut().perTask().keySet())
                    .containsExactlyElementsOf(first.workload().tasks().pretrainingNames());
            HeldOut.Stats mix = first.heldOut().mixture();
            assertThat(mix.drawn()).isEqualTo(mix.used() + mix.excludedSeen());
            assertThat(mix.used())
                    .isEqualTo(family.equals("mlp") ? mix.drawn() - mix.excludedSeen() : cfg.evalExamples());
            assertThat(second.trainSeconds()).isEqualTo(first.trainSeconds());
            first.workload().model().namedParameters().forEach((k, v) ->
                    assertThat(second.workload().model().namedParameters().get(k).value().bitEquals(v.value()))
                            .as(k).isTrue());
        }
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("loaded pretrained mlp from");
    }

    @Test
    void trainingIsDeterministicAndForceRetrainsToTheSameWeights() throws Exception {
        PretrainConfig cfg = quick("decoder");
        PretrainResult a = pretrainer().run("decoder", "tiny", DType.FLOAT64, 1, cfg, false);
        PretrainResult b = pretrainer().run("decoder", "tiny", DType.FLOAT64, 1, cfg, true);
        assertThat(b.fromCache()).isFalse();
        assertThat(b.pretrainLoss()).isEqualTo(a.pretrainLoss());
        // other seed or steps: another cache entry
        assertThat(pretrainer().run("decoder", "tiny", DType.FLOAT64, 2, cfg, false).checkpoint())
                .isNotEqualTo(a.checkpoint());
        assertThat(pretrainer().run("decoder", "tiny", DType.FLOAT64, 1, cfg.withSteps(2), false).checkpoint())
                .isNotEqualTo(a.checkpoint());
    }

    @Test
    void aPretrainingTaskWithEveryInputSeenIsReportedNotScored() throws Exception {
        // 2 steps of 8192: the stream holds every one of majority's 236 inputs (letters a..d, bodies of 3..4)
        PretrainConfig cfg = new PretrainConfig(2, 8192, 1e-2, 0, 0.01, 0.99, 1.0, 16);
        PretrainResult r = pretrainer().run("encoder", "tiny", DType.FLOAT32, 0, cfg, false);
        assertThat(r.pretrainPerTask().keySet()).containsExactly("first_last", "is_sorted", "contains");
        assertThat(r.heldOut().perTask().keySet()).containsExactly("first_last", "majority", "is_sorted", "contains");
        HeldOut.Stats majority = r.heldOut().perTask().get("majority");
        assertThat(majority.used()).isZero();
        assertThat(majority.exhausted()).isTrue();
        assertThat(majority.excludedSeen()).isEqualTo(majority.drawn()).isPositive();
        assertThat(r.heldOut().mixture().used()).isEqualTo(16);
    }

    @Test
    void aCorruptCacheEntryIsReportedAndRetrained() throws Exception {
        PretrainConfig cfg = quick("encoder");
        PretrainResult good = pretrainer().run("encoder", "tiny", DType.FLOAT64, 5, cfg, false);
        Path weights = good.checkpoint().resolve(ModelCheckpoint.WEIGHTS_FILE);
        byte[] bytes = Files.readAllBytes(weights);
        Files.write(weights, java.util.Arrays.copyOf(bytes, bytes.length / 2)); // truncated
        PretrainResult again = pretrainer().run("encoder", "tiny", DType.FLOAT64, 5, cfg, false);
        assertThat(again.fromCache()).isFalse();
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("is unusable (").contains("safetensors")
                .contains("; retraining");
        assertThat(again.pretrainMetric()).isEqualTo(good.pretrainMetric());
        assertThat(Files.size(weights)).isEqualTo(bytes.length);

        Files.writeString(good.checkpoint().resolve(PretrainCache.RECORD_FILE), "{\"surprise\": 1}");
        PretrainResult third = pretrainer().run("encoder", "tiny", DType.FLOAT64, 5, cfg, false);
        assertThat(third.fromCache()).isFalse();
        assertThat(log.toString(StandardCharsets.UTF_8)).contains(PretrainCache.RECORD_FILE + ": ");
    }

    @Test
    void cliPrintsATableWritesJsonAndReusesTheCache() throws Exception {
        Path json = cacheDir.resolve("out/pretrain.json");
        String[] args = {"pretrain", "--model", "seq2seq", "--preset", "tiny", "--seed", "4", "--steps", "3", "--json",
                json.toString(), "--cache", cacheDir.resolve("c").toString(), "--quiet"};
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Main.run(args, new Io(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("seq2seq (tiny, float32, seed 4): 3 steps")
                .contains("exact_match").contains("pretrain").contains("shift")
                .contains("cipher").contains("rotate").contains("chance").contains("copy")
                .contains("target: exact_match >= 0.9500 (95% of documented 1.0000) in <= 60 s")
                .containsPattern("exact_match (PASS|MISS) \\(");
        JsonNode doc = JsonFiles.MAPPER.readTree(json.toFile());
        for (String k : List.of("model", "pretrain_metric", "seconds", "downstream_before")) {
            assertThat(doc.has(k)).as(k).isTrue();
        }
        assertThat(doc.get("model").asText()).isEqualTo("seq2seq");
        assertThat(doc.get("cached").asBoolean()).isFalse();
        assertThat(doc.get("downstream_before").size()).isEqualTo(3);
        assertThat(doc.get("downstream_chance").size()).isEqualTo(3);
        assertThat(doc.get("pretrain_per_task").size()).isEqualTo(3);
        assertThat(doc.get("target").get("threshold").asDouble()).isEqualTo(0.95);
        assertThat(doc.get("target").get("metric_pass").asBoolean())
                .isEqualTo(doc.get("pretrain_metric").asDouble() >= 0.95);
        // near-chance verdicts: |before - chance| <= tolerance, per downstream task
        assertThat(doc.get("near_chance_tolerance").asDouble()).isEqualTo(0.05);
        assertThat(doc.get("downstream_near_chance").size()).isEqualTo(3);
        doc.get("downstream_near_chance").fields()
                .forEachRemaining(e -> assertThat(e.getValue().asBoolean()).as(e.getKey()).isEqualTo(
                Math.abs(doc.get("downstream_before").get(e.getKey()).asDouble()
                        - doc.get("downstream_chance").get(e.getKey()).asDouble()) <= 0.05));
        // held-out accounting: 3 steps x 32 examples trained; used + excluded = drawn for the mixture and every task
        JsonNode held = doc.get("held_out");
        assertThat(held.get("training_examples").asLong()).isEqualTo(96);
        assertThat(held.get("training_distinct_inputs").asInt()).isBetween(1, 96);
        assertThat(held.get("max_draws_per_example").asInt()).isEqualTo(HeldOut.MAX_DRAWS_PER_EXAMPLE);
        List<JsonNode> sets = new java.util.ArrayList<>(List.of(held.get("mixture")));
        held.get("per_task").forEach(sets::add);
        assertThat(held.get("per_task").size()).isEqualTo(3);
        for (JsonNode set : sets) {
            assertThat(set.get("used").asLong() + set.get("excluded_seen_in_training").asLong())
                    .isEqualTo(set.get("drawn").asLong());
            int requested = PretrainConfig.defaults("seq2seq", "tiny").evalExamples();
            assertThat(set.get("requested").asInt()).isEqualTo(requested);
            assertThat(set.get("used").asInt()).isEqualTo(requested);
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("held-out used")
                .contains("excluded (seen)").contains("near chance (±0.05)")
                .containsPattern("user 0, untouched base .* (yes|no \\(above\\)|no \\(below\\))");

        Main.run(args,
                new Io(new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream())));
        JsonNode again = JsonFiles.MAPPER.readTree(json.toFile());
        assertThat(again.get("cached").asBoolean()).isTrue();
        assertThat(again.get("pretrain_metric")).isEqualTo(doc.get("pretrain_metric"));
        assertThat(again.get("downstream_before")).isEqualTo(doc.get("downstream_before"));

        ByteArrayOutputStream err2 = new ByteArrayOutputStream();
        int bad = Main.run(new String[] {"pretrain", "--model", "rnn"},
                new Io(new PrintStream(new ByteArrayOutputStream()), new PrintStream(err2, true)));
        assertThat(bad).isEqualTo(2);
        assertThat(err2.toString()).contains("--model: 'rnn' is not one of encoder, decoder, seq2seq, mlp");
    }

    @Test
    void nearChanceIsAnAbsoluteDistanceOfAtMostTheTolerance() {
        assertThat(PretrainResult.NEAR_CHANCE_TOLERANCE).isEqualTo(0.05);
        assertThat(PretrainResult.nearChance(0.331, 0.350)).isTrue();
        assertThat(PretrainResult.nearChance(0.30, 0.25)).isTrue(); // 0.05 apart (0.0499999... in binary): near
        assertThat(PretrainResult.nearChance(0.30, 0.2499)).isFalse(); // 0.0501 apart: not near
        assertThat(PretrainResult.nearChance(0.086, 0.003)).isFalse(); // above
        assertThat(PretrainResult.nearChance(0.125, 0.261)).isFalse(); // below counts as not near too
    }

    @Test
    void theCacheKeyCoversTheMixtureAndTheTargetsAreDocumented() {
        for (String family : Workloads.families()) {
            Workload w = Workloads.create(family, "tiny", DType.FLOAT64, 0);
            String material = PretrainCache.keyMaterial(w, 0, PretrainConfig.defaults(family, "tiny"));
            assertThat(material).as(family)
                    .contains("mixture=" + w.tasks().pretrainingNames() + " v" + PretrainCache.DATA_VERSION);
            PretrainTarget t = PretrainTarget.of(family);
            assertThat(t.metric()).isEqualTo(w.pretraining().metric().id());
            assertThat(t.threshold()).isEqualTo(0.95);
            assertThat(t.metBy(0.95)).isTrue();
            assertThat(t.metBy(0.9499)).isFalse();
            assertThat(t.inTime(60)).isTrue();
            assertThat(t.inTime(60.5)).isFalse();
        }
        assertThat(PretrainCache.keyMaterial(Workloads.create("encoder", "tiny", DType.FLOAT64, 0), 0,
                PretrainConfig.defaults("encoder", "tiny"))).contains("first_last").doesNotContain("parity");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PretrainTarget.of("rnn"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rnn");
    }
}
