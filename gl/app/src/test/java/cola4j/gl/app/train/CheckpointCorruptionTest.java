package cola4j.gl.app.train;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.gl.app.cli.Main;
import cola4j.gl.app.io.Io;
import cola4j.gl.app.io.JsonFiles;
import cola4j.tensor.Tensor;
import cola4j.tensor.io.Safetensors;
import cola4j.tensor.io.SafetensorsFile;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The corruptions of issue 15 on a real checkpoint (tiny MLP, cola, interval 2, stopped at step 4 of 8): each makes
 * {@code cola train --resume} and {@code cola inspect} fail with exit 1 and one error line naming the file (the
 * manifest) or, when the manifest was rewritten to match the edit ("resealed"), the broken rule; the good checkpoint is
 * accepted, and a resume (also one recovered after a crash between the renames) ends bit-identical to an
 * uninterrupted run.
 */
class CheckpointCorruptionTest {
    @TempDir
    static Path shared;
    @TempDir
    Path tmp;
    static Path good, straight;

    record Result(int code, String out, String err) {}

    static Result cola(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        if (args[0].equals("train")) all.addAll(List.of("--cache", shared.resolve("cache").toString(), "--quiet"));
        return run(all);
    }

    /** Runs {@code cola} with exactly these arguments, capturing exit code, stdout and stderr. */
    static Result run(List<String> all) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        int code = Main.run(all.toArray(new String[0]), new Io(new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8)));
        return new Result(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    static String[] train(Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--model", "mlp", "--preset", "tiny", "--task", "rotate",
                "--method", "cola", "--interval", "2", "--steps", "8", "--batch", "8", "--eval-every", "4",
                "--eval-examples", "32", "--out", out.toString()));
        a.addAll(List.of(extra));
        return a.toArray(new String[0]);
    }

    /**
     * The run of {@link #train} stopped at step 4 ({@code good}) and uninterrupted ({@code straight}), through
     * {@code cola} (each test class's launcher with its own cache).
     */
    static void trainStoppedAndStraight(java.util.function.Function<String[], Result> cola, Path good, Path straight) {
        assertThat(cola.apply(train(good, "--stop-at", "4")).code()).isZero();
        assertThat(cola.apply(train(straight)).code()).isZero();
    }

    @BeforeAll
    static void runs() {
        good = shared.resolve("good");
        straight = shared.resolve("straight");
        trainStoppedAndStraight(CheckpointCorruptionTest::cola, good, straight);
    }

    static Path copyOfGood(Path to) throws IOException {
        try (Stream<Path> s = Files.walk(good)) {
            for (Path p : s.toList()) {
                Path d = to.resolve(good.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(d);
                else Files.copy(p, d);
            }
        }
        return to;
    }

    /** Applies corruption {@code kind} to the checkpoint directory {@code ck}. */
    static void corrupt(Path ck, String kind) throws IOException {
        Path json = ck.resolve(TrainState.JSON);
        ObjectNode st = (ObjectNode) JsonFiles.MAPPER.readTree(json.toFile());
        ObjectNode cfg = (ObjectNode) st.get("config");
        switch (kind) {
            case "step-5" -> st.put("step", -5);
            case "base_seed" -> cfg.put("base_seed", 1);
            case "seed" -> cfg.put("seed", 7);
            case "seed2^40" -> cfg.put("seed", 1L << 40);
            case "lr" -> cfg.put("lr", 0.5);
            case "lora_variant" -> cfg.put("lora_variant", "dora");
            case "variant-on-linear" -> cfg.put("lora_variant", "pissa").put("aux", "linear");
            case "steps" -> cfg.put("steps", 2);
            case "batch" -> cfg.put("batch", Integer.MAX_VALUE);
            case "drop-row" -> ((ArrayNode) st.get("metrics")).remove(2);
            case "nan-optimizer" -> {
                SafetensorsFile f = Safetensors.read(ck.resolve(TrainState.TENSORS));
                LinkedHashMap<String, Tensor> t = new LinkedHashMap<>(f.tensors());
                String k = t.keySet().stream().filter(n -> n.endsWith("exp_avg_sq")).findFirst().orElseThrow();
                Tensor v = t.get(k).copy();
                v.setFlat(3, Double.NaN);
                t.put(k, v);
                Safetensors.write(ck.resolve(TrainState.TENSORS), t, f.metadata());
                return;
            }
            case "flip-bit", "nan-adapter" -> {
                Path w = ck.resolve(AdapterCheckpoint.WEIGHTS_FILE);
                byte[] b = Files.readAllBytes(w);
                if (kind.equals("flip-bit")) b[b.length - 3] ^= 0x10;
                else for (int i = 1; i <= 4; i++) b[b.length - i] = (byte) (i == 1 ? 0x7f : 0xff); // last float NaN
                Files.write(w, b);
                return;
            }
            default -> throw new IllegalArgumentException(kind);
        }
        Files.write(json, JsonFiles.MAPPER.writeValueAsBytes(st));
    }

    static void assertRefused(Result r, String expected) {
        assertThat(r.code()).as(r.err()).isEqualTo(1);
        // (a resume that gets as far as loading the base may first print pretraining's progress note and the memory
        // estimate)
        List<String> lines = r.err().lines().filter(l -> !l.startsWith("cola: pretraining")
                && !l.startsWith("cola train: memory estimate ")).toList();
        assertThat(lines.get(0)).contains("CheckpointException").contains(expected);
        assertThat(lines).as("one error line and the debug hint").hasSize(2);
        assertThat(r.err()).doesNotContain("\tat ").doesNotContain("OutOfMemory");
    }

    @ParameterizedTest
    @ValueSource(strings = {"step-5:training_state.json", "nan-optimizer:training_state.safetensors",
            "base_seed:training_state.json", "seed:training_state.json", "lr:training_state.json",
            "steps:training_state.json", "drop-row:training_state.json", "flip-bit:adapter_model.safetensors",
            "batch:training_state.json"})
    void everyCorruptionIsNamedByTheManifest(String spec) throws IOException {
        String[] p = spec.split(":");
        Path run = copyOfGood(tmp.resolve("run"));
        corrupt(run.resolve(TrainState.DIR), p[0]);
        String expected = p[1] + " differs from " + CheckpointManifest.FILE;
        assertRefused(cola("train", "--resume", run.toString()), expected);
        assertRefused(cola("inspect", run.toString()), expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "step-5|step -5 is not a multiple of the interval 2 in [1, 8]",
            "steps|step 4 is not a multiple of the interval 2 in [1, 2]",
            "nan-optimizer|training_state.safetensors: optimizer.layers.0/lora_A.weight.exp_avg_sq holds NaN or Inf",
            "nan-adapter|adapter_model.safetensors: base_model.model.head.lora_B.weight holds NaN or Inf",
            "base_seed|cola4j_adapter.json disagrees with training_state.json: base mlp/tiny/seed 0",
            "drop-row|3 metrics rows for step 4",
            "batch|batch must be in [1, 4096], got 2147483647",
            "seed2^40|--seed: '1099511627776' is not an integer",
            "lora_variant|cola4j_adapter.json disagrees with training_state.json: lora_variant lora vs dora",
            "variant-on-linear|--lora-variant pissa needs --aux lowrank and method lora or cola"})
    void aResealedCorruptionFailsItsCrossCheck(String spec) throws IOException {
        String[] p = spec.split("\\|");
        Path run = copyOfGood(tmp.resolve("run"));
        corrupt(run.resolve(TrainState.DIR), p[0]);
        CheckpointManifest.write(run.resolve(TrainState.DIR)); // a consistent manifest over the edited files
        assertRefused(cola("train", "--resume", run.toString()), p[1]);
        assertRefused(cola("inspect", run.toString()), p[1]);
    }

    @Test
    void adaptersOfAnotherBaseAreRefusedOnResume() throws IOException {
        Path run = copyOfGood(tmp.resolve("run"));
        Path ck = run.resolve(TrainState.DIR);
        corrupt(ck, "base_seed");
        ObjectNode ac = (ObjectNode) JsonFiles.MAPPER.readTree(ck.resolve(AdapterCheckpoint.META_FILE).toFile());
        ac.put("base_model_seed", 1);
        Files.write(ck.resolve(AdapterCheckpoint.META_FILE), JsonFiles.MAPPER.writeValueAsBytes(ac));
        CheckpointManifest.write(ck);
        // every file agrees on base seed 1, but the recorded weights hash is that of base seed 0
        assertRefused(cola("train", "--resume", run.toString()), "was trained on another base model");
    }

    @Test
    void aGoodCheckpointIsAcceptedAndItsResumeIsBitIdentical() throws IOException {
        Result i = cola("inspect", good.toString());
        assertThat(i.code()).as(i.err()).isZero();
        assertThat(i.out()).contains("valid: manifest verified").contains("step 4 of 8").contains("cross-checks");
        Path run = copyOfGood(tmp.resolve("run"));
        Result r = cola("train", "--resume", run.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertSameCheckpoint(straight.resolve(TrainState.DIR), run.resolve(TrainState.DIR));
    }

    @Test
    void aCrashBetweenTheRenamesIsRecoveredOnResume() throws IOException {
        Path run = copyOfGood(tmp.resolve("run"));
        Path ck = run.resolve(TrainState.DIR);
        // killed between the two renames: no checkpoint/, the complete previous one in .checkpoint.old-*, a newer
        // incomplete .old- copy (its manifest does not verify) and a half-written temporary
        Path old = run.resolve(".checkpoint.old-100");
        Files.move(ck, old);
        Path broken = Files.createDirectories(run.resolve(".checkpoint.old-200"));
        Files.writeString(broken.resolve(TrainState.JSON), "{");
        // newer than the complete copy, by the files' own times (no clock read)
        Files.setLastModifiedTime(broken, FileTime.fromMillis(Files.getLastModifiedTime(old).toMillis() + 60_000));
        Files.createDirectories(run.resolve(".checkpoint.tmp-123")).resolve("x");
        Files.writeString(run.resolve(".checkpoint.tmp-123").resolve("x"), "partial");
        Result r = cola("train", "--resume", run.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("at step 4");
        assertSameCheckpoint(straight.resolve(TrainState.DIR), ck);
        try (Stream<Path> s = Files.list(run)) {
            assertThat(s.map(f -> f.getFileName().toString()).sorted().toList())
                    .containsExactly(TrainState.DIR, MetricsLog.CSV, MetricsLog.JSON);
        }
    }

    /** Every file of two checkpoints, byte for byte (the manifest included: the runs are deterministic). */
    static void assertSameCheckpoint(Path a, Path b) throws IOException {
        List<String> fa, fb;
        try (Stream<Path> s = Files.walk(a); Stream<Path> t = Files.walk(b)) {
            fa = s.filter(Files::isRegularFile).map(p -> a.relativize(p).toString()).sorted().toList();
            fb = t.filter(Files::isRegularFile).map(p -> b.relativize(p).toString()).sorted().toList();
        }
        assertThat(fb).containsExactlyElementsOf(fa).contains(CheckpointManifest.FILE);
        for (String f : fa) {
            assertThat(Files.readAllBytes(b.resolve(f))).as(f).isEqualTo(Files.readAllBytes(a.resolve(f)));
        }
    }
}
