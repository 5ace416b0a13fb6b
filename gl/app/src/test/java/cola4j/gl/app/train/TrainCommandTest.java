package cola4j.gl.app.train;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.gl.app.io.Io;
import cola4j.gl.app.cli.Main;
import cola4j.tensor.Tensor;
import cola4j.tensor.io.Safetensors;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code cola train} end to end on the tiny presets (the tiny mlp pretrains for 400 steps, a few seconds, into a
 * temporary cache): exact resume, NaN stop, bad arguments. The tiny MLP has dropout 0.1, so the resume test also
 * covers per-step dropout masks.
 */
class TrainCommandTest {
    @TempDir
    static Path cache;
    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {}

    static Result cola(String... args) {
        return cola(cache, args);
    }

    /** {@code cola ARGS --cache CACHE --quiet} in this JVM (other test classes pass their own cache). */
    static Result cola(Path cache, String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--cache");
        all.add(cache.toString());
        all.add("--quiet");
        int code = Main.run(all.toArray(new String[0]), new Io(new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8)));
        return new Result(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    static String[] base(String method, String dtype, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--model", "mlp", "--preset", "tiny", "--task", "rotate",
                "--method", method, "--dtype", dtype, "--steps", "8", "--batch", "8", "--eval-every", "4",
                "--eval-examples", "32"));
        for (int i = 0; i < extra.length; i++) {
            int at = a.indexOf(extra[i]);
            boolean flag = extra[i].equals("--merged");
            // override a default above (commons-cli keeps the first value)
            if (at >= 0 && !flag) a.set(at + 1, extra[++i]);
            else if (flag) a.add(extra[i]);
            else {
                a.add(extra[i]);
                a.add(extra[++i]);
            }
        }
        return a.toArray(new String[0]);
    }

    static Map<String, Tensor> tensors(Path f) throws Exception {
        return Safetensors.read(f).tensors();
    }

    static void assertBitIdentical(Map<String, Tensor> a, Map<String, Tensor> b) {
        assertThat(b.keySet()).containsExactlyElementsOf(a.keySet());
        a.forEach((k, t) -> {
            assertThat(b.get(k).dtype()).as(k).isEqualTo(t.dtype());
            assertThat(b.get(k).toDoubleArray()).as(k).containsExactly(t.toDoubleArray());
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"float64:cola:1", "float32:cola:2", "float64:lora:2", "float32:full:1"})
    void resumeIsBitIdenticalToAnUninterruptedRun(String spec) throws Exception {
        String[] p = spec.split(":");
        String dtype = p[0], method = p[1], interval = p[2];
        Path a = tmp.resolve("a"), b = tmp.resolve("b");
        Result ra = cola(base(method, dtype, "--interval", interval, "--out", a.toString()));
        assertThat(ra.code()).as(ra.err()).isZero();
        Result rb1 = cola(base(method, dtype, "--interval", interval, "--out", b.toString(), "--stop-at", "4"));
        assertThat(rb1.code()).as(rb1.err()).isZero();
        assertThat(TrainState.read(b).step()).isEqualTo(4);
        Result rb2 = cola("train", "--resume", b.toString());
        assertThat(rb2.code()).as(rb2.err()).isZero();
        assertThat(rb2.err()).contains("resumed").contains("at step 4");

        Path ca = a.resolve(TrainState.DIR), cb = b.resolve(TrainState.DIR);
        String weights = method.equals("full") ? "model/model.safetensors" : AdapterCheckpoint.WEIGHTS_FILE;
        assertBitIdentical(tensors(ca.resolve(weights)), tensors(cb.resolve(weights)));
        assertBitIdentical(tensors(ca.resolve(TrainState.TENSORS)), tensors(cb.resolve(TrainState.TENSORS)));
        List<MetricsLog.Row> ma = TrainState.read(a).metrics(), mb = TrainState.read(b).metrics();
        assertThat(ma).hasSize(8);
        assertThat(mb).isEqualTo(ma); // every loss, lr, eval loss and metric, bit for bit (record equality of doubles)
        assertThat(Files.readString(b.resolve(MetricsLog.CSV))).isEqualTo(Files.readString(a.resolve(MetricsLog.CSV)));
        // and training did change the weights (the comparison is not between two untouched initializations)
        assertThat(ma.get(0).loss()).isNotEqualTo(ma.get(7).loss());
    }

    @Test
    void absurdLearningRateStopsWithAClearErrorAndKeepsTheLastGoodCheckpoint() throws Exception {
        // linear warm-up over 2 updates: update 1 uses lr 0 (finite, checkpointed at step 1),
        // update 2 uses 5e29 and diverges
        String[] args = {"--optimizer", "sgd", "--lr", "1e30", "--warmup", "2", "--clip", "1e30", "--eval-every", "1"};
        Path out = tmp.resolve("nan"), ref = tmp.resolve("ref");
        Result r = cola(base("cola", "float32", concat(args, "--out", out.toString())));
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("step 2: ").containsPattern("NaN|Inf|finite").contains("training stopped")
                .contains("the last good checkpoint (step 1, manifest verified) is intact in "
                        + out.resolve(TrainState.DIR))
                .doesNotContain("\tat ");
        assertThat(TrainState.read(out).step()).isEqualTo(1);
        // the surviving checkpoint is byte for byte the one a run stopped cleanly at step 1 writes, and loadable
        assertThat(cola(base("cola", "float32", concat(args, "--out", ref.toString(), "--stop-at", "1"))).code())
                .isZero();
        for (String f : List.of(AdapterCheckpoint.WEIGHTS_FILE, TrainState.TENSORS, AdapterCheckpoint.CONFIG_FILE,
                AdapterCheckpoint.META_FILE)) {
            assertThat(Files.readAllBytes(out.resolve(TrainState.DIR).resolve(f))).as(f)
                    .isEqualTo(Files.readAllBytes(ref.resolve(TrainState.DIR).resolve(f)));
        }
        for (Tensor t : tensors(out.resolve(TrainState.DIR).resolve(AdapterCheckpoint.WEIGHTS_FILE)).values()) {
            assertThat(t.isFinite()).isTrue();
        }
        try (var files = Files.list(out)) {
            assertThat(files.map(f -> f.getFileName().toString()).toList())
                    .containsExactlyInAnyOrder(TrainState.DIR, MetricsLog.CSV, MetricsLog.JSON);
        }
    }

    static String[] concat(String[] a, String... b) {
        List<String> l = new ArrayList<>(List.of(a));
        l.addAll(List.of(b));
        return l.toArray(new String[0]);
    }

    @Test
    void jsonReportHasTheAgreedKeys() throws Exception {
        Path json = tmp.resolve("r.json");
        Result r = cola(base("lora", "float32", "--out", tmp.resolve("o").toString(), "--json", json.toString()));
        assertThat(r.code()).as(r.err()).isZero();
        var node = cola4j.gl.app.io.JsonFiles.MAPPER.readTree(json.toFile());
        assertThat(node.get("method").asText()).isEqualTo("lora");
        assertThat(node.get("steps").asInt()).isEqualTo(8);
        assertThat(node.get("final_metric").asDouble()).isBetween(0.0, 1.0);
        assertThat(node.get("final_loss").asDouble()).isPositive();
        assertThat(node.has("seconds")).isTrue();
        assertThat(r.out()).contains("done at step 8/8");
        // the adapter names its base: the pretrain cache entry the weights were loaded from
        var peft = cola4j.gl.app.io.JsonFiles.MAPPER.readTree(tmp.resolve("o").resolve(TrainState.DIR)
                .resolve(AdapterCheckpoint.CONFIG_FILE).toFile());
        Path base = Path.of(peft.get("base_model_name_or_path").asText());
        assertThat(base).isAbsolute().startsWith(cache.toAbsolutePath());
        assertThat(base.resolve("config.json")).isRegularFile();
        assertThat(base.resolve("model.safetensors")).isRegularFile();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "--method nope|--method: 'nope' is not one of full, lora, ia3, cola",
            "--optimizer rmsprop|--optimizer: 'rmsprop' is not one of sgd, adam, adamw",
            "--schedule step|--schedule: 'step' is not one of constant, linear, cosine",
            "--steps 0|--steps must be >= 1",
            "--merged --aux mlp|--merged needs a mergeable auxiliary",
            "--merged --method lora|--merged applies to method cola only",
            "--task nope|--task: unknown task 'nope' for mlp; available: [rotate, flip, invert, mixed]",
            "--sites nosuch|target module 'nosuch' matches no site",
            "--interval 3|must be a multiple of the interval 3",
            "--method ia3|IA3: the model has no attn.key",
    })
    void badArgumentsAreUsageErrors(String spec) {
        String[] p = spec.split("\\|");
        List<String> extra = new ArrayList<>(List.of(p[0].split(" ")));
        extra.addAll(List.of("--out", tmp.resolve("bad").toString()));
        String[] args = base("cola", "float32", extra.toArray(new String[0]));
        Result r = cola(args);
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains(p[1]).doesNotContain("Exception");
    }

    @Test
    void unknownModelAndMissingRequiredOptionsAreUsageErrors() {
        Result r = cola("train", "--model", "gpt", "--task", "x", "--method", "cola");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--model: 'gpt' is not one of encoder, decoder, seq2seq, mlp");
        Result r2 = cola("train", "--model", "mlp");
        assertThat(r2.code()).isEqualTo(2);
        assertThat(r2.err()).contains("--model, --task and --method are required");
    }

    @Test
    void resumeWithDifferentOptionsIsRefused() throws Exception {
        Path out = tmp.resolve("r");
        assertThat(cola(base("cola", "float32", "--out", out.toString(), "--stop-at", "4")).code()).isZero();
        Result r = cola("train", "--resume", out.toString(), "--lr", "0.5");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--resume: options differ").contains("lr (checkpoint 0.03, given 0.5)");
        Result missing = cola("train", "--resume", tmp.resolve("none").toString());
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("no checkpoint in");
    }
}
