package cola4j.gl.app.train;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.gl.app.cli.Main;
import cola4j.gl.app.io.Io;
import cola4j.gl.app.io.JsonFiles;
import cola4j.tensor.Tensor;
import cola4j.tensor.io.Safetensors;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code cola train --model hf:DIR --data FILE --task-type T} on the tiny Hugging Face fixtures of tests/ (GPT-2,
 * BERT, RoBERTa, BART) with the committed WordLevel tokenizer copied beside them: every method family runs, writes
 * adapters under the Hugging Face module names with PEFT's config (fan_in_fan_out for GPT-2's Conv1D), and a resumed
 * run is bit-identical to an uninterrupted one.
 */
public class HfTrainCommandTest {
    static final Path FIXTURES = Path.of("../../tests/src/test/resources/hf");
    static final String[] WORDS = {"the", "cat", "sat", "on", "mat", "good", "bad", "movie", "a", "dog", "ran"};

    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {}

    static Result cola(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--quiet");
        int code = Main.run(all.toArray(new String[0]), new Io(new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8)));
        return new Result(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    Path model(String family) throws Exception {
        return modelDir(tmp, family);
    }

    /** A model dir under {@code tmp}: the fixture's config.json and model.safetensors plus the tiny tokenizer.json. */
    public static Path modelDir(Path tmp, String family) throws Exception {
        Path d = Files.createDirectories(tmp.resolve(family));
        for (String f : List.of("config.json", "model.safetensors")) {
            Files.copy(FIXTURES.resolve(family).resolve(f), d.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        Files.copy(Path.of("src/test/resources/data/tiny-wordlevel/tokenizer.json"), d.resolve("tokenizer.json"),
                StandardCopyOption.REPLACE_EXISTING);
        return d;
    }

    /** 20 rows of the task type, words drawn deterministically from the tokenizer's vocabulary. */
    Path data(String type) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            String a = WORDS[i % WORDS.length] + " " + WORDS[(3 * i + 1) % WORDS.length];
            String b = WORDS[(5 * i + 2) % WORDS.length];
            sb.append(switch (type) {
                case "cls" -> "{\"text\": \"" + a + "\", \"label\": " + (i % 2) + "}";
                case "lm" -> "{\"prompt\": \"" + a + "\", \"response\": \"" + b + " " + a + "\"}";
                default -> "{\"source\": \"" + a + "\", \"target\": \"" + b + "\"}";
            }).append('\n');
        }
        return Files.writeString(tmp.resolve(type + ".jsonl"), sb.toString());
    }

    String[] args(String family, String type, String method, Path out, String... extra) throws Exception {
        List<String> a = new ArrayList<>(List.of("train", "--model", "hf:" + model(family), "--data",
                data(type).toString(), "--task-type", type, "--method", method, "--dtype", "float64", "--steps", "4",
                "--batch", "4", "--eval-every", "2", "--eval-examples", "8", "--out", out.toString()));
        a.addAll(List.of(extra));
        return a.toArray(new String[0]);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2:lm:cola:lowrank", "gpt2:lm:lora:lowrank", "bert:cls:cola:mlp",
            "roberta:cls:cola:linear", "bart:seq2seq:cola:lowrank", "bart:seq2seq:full:lowrank",
            "gpt2:lm:full:lowrank", "gpt2:lm:ia3:lowrank", "bert:cls:ia3:lowrank"})
    void everyFamilyTrainsAndWritesPeftAdaptersUnderHfModuleNames(String spec) throws Exception {
        String[] p = spec.split(":");
        Path out = tmp.resolve("out");
        Result r = cola(args(p[0], p[1], p[2], out, "--aux", p[3]));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("done at step 4/4");
        Path ck = out.resolve(TrainState.DIR);
        JsonNode meta = JsonFiles.MAPPER.readTree(ck.resolve(AdapterCheckpoint.META_FILE).toFile());
        assertThat(meta.get("base_model_name_or_path").asText()).isEqualTo(tmp.resolve(p[0]).toAbsolutePath()
                .normalize().toString());
        if (p[2].equals("full")) { // a Hugging Face directory again: HfLoader reads it, with trained weights
            var trained = cola4j.models.hf.HfLoader.load(ck.resolve("model"), cola4j.tensor.DType.FLOAT64).model();
            var base = cola4j.models.hf.HfLoader.load(tmp.resolve(p[0]), cola4j.tensor.DType.FLOAT64).model();
            // GPT-2's c_attn is stored [in, out] in the file (Conv1D): a wrong orientation would not load
            String w = p[0].equals("gpt2") ? "transformer.h.0.attn.c_attn.weight"
                    : "model.encoder.layers.0.self_attn.q_proj.weight";
            assertThat(trained.namedParameters().get(w).value().toDoubleArray())
                    .isNotEqualTo(base.namedParameters().get(w).value().toDoubleArray());
            return;
        }
        Map<String, Tensor> t = Safetensors.read(ck.resolve(AdapterCheckpoint.WEIGHTS_FILE)).tensors();
        if (p[2].equals("ia3")) { // PEFT's default IA3 modules of the model type; (out, 1) and (1, in) = (1, n_inner)
            JsonNode c = JsonFiles.MAPPER.readTree(ck.resolve(AdapterCheckpoint.CONFIG_FILE).toFile());
            boolean gpt2 = p[0].equals("gpt2");
            String ff = gpt2 ? "transformer.h.0.mlp.c_proj" : "bert.encoder.layer.0.output.dense";
            String kv = gpt2 ? "transformer.h.0.attn.c_attn" : "bert.encoder.layer.0.attention.self.value";
            assertThat(c.get("feedforward_modules").toString()).contains("\"" + ff + "\"");
            assertThat(c.get("target_modules").toString()).contains("\"" + ff + "\"", "\"" + kv + "\"");
            assertThat(c.get("fan_in_fan_out").asBoolean()).isEqualTo(gpt2);
            assertThat(t.get("base_model.model." + ff + ".ia3_l").shape()).containsExactly(1, 24);
            assertThat(t.get("base_model.model." + kv + ".ia3_l").shape()).containsExactly(gpt2 ? 48 : 16, 1);
            return;
        }
        String site = switch (p[0]) {
            case "gpt2" -> "transformer.h.0.attn.c_attn";
            case "bart" -> "model.encoder.layers.0.self_attn.q_proj";
            case "roberta" -> "roberta.encoder.layer.0.attention.self.query";
            default -> "bert.encoder.layer.0.attention.self.query";
        };
        String k = "base_model.model." + site + "." + switch (p[3]) {
            case "lowrank" -> "lora_A.weight";
            case "linear" -> "cola_linear.weight";
            default -> "cola_mlp.layers.0.weight";
        };
        assertThat(t).containsKey(k);
        if (p[3].equals("lowrank")) {
            JsonNode c = JsonFiles.MAPPER.readTree(ck.resolve(AdapterCheckpoint.CONFIG_FILE).toFile());
            assertThat(c.get("fan_in_fan_out").asBoolean()).isEqualTo(p[0].equals("gpt2"));
            assertThat(c.get("task_type").asText()).isEqualTo(p[0].equals("gpt2") ? "CAUSAL_LM" : "SEQ_2_SEQ_LM");
            assertThat(c.get("target_modules").toString()).contains("\"" + site + "\"");
            assertThat(c.get("base_model_name_or_path").asText()).isEqualTo(meta.get("base_model_name_or_path")
                    .asText());
            // GPT-2's c_attn: in 16, out 3·16 = 48 (held [out, in] like any Linear)
            if (p[0].equals("gpt2")) assertThat(t.get(k).shape()).containsExactly(8, 16);
        }
    }

    @Test
    void aResumedHfRunIsBitIdentical() throws Exception {
        Path a = tmp.resolve("a"), b = tmp.resolve("b");
        assertThat(cola(args("gpt2", "lm", "cola", a)).code()).isZero();
        Result r1 = cola(args("gpt2", "lm", "cola", b, "--stop-at", "2"));
        assertThat(r1.code()).as(r1.err()).isZero();
        Result r2 = cola("train", "--resume", b.toString());
        assertThat(r2.code()).as(r2.err()).isZero();
        Map<String, Tensor> ta = Safetensors.read(a.resolve(TrainState.DIR).resolve(AdapterCheckpoint.WEIGHTS_FILE))
                .tensors();
        Map<String, Tensor> tb = Safetensors.read(b.resolve(TrainState.DIR).resolve(AdapterCheckpoint.WEIGHTS_FILE))
                .tensors();
        TrainCommandTest.assertBitIdentical(ta, tb);
        assertThat(TrainState.read(b).metrics()).isEqualTo(TrainState.read(a).metrics());
    }
}
