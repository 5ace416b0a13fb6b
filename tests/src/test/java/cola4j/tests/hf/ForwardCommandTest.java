package cola4j.tests.hf;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.gl.app.cli.Main;
import cola4j.gl.app.io.Io;
import cola4j.tensor.Tensor;
import cola4j.tensor.io.Safetensors;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code cola forward --model hf:DIR}: the written logits match the fixture; --hidden; bad input is one line. */
class ForwardCommandTest {
    static final List<String> ID_NAMES = List.of("input_ids", "attention_mask", "token_type_ids", "decoder_input_ids");

    @TempDir
    Path tmp;

    private record Run(int code, String out, String err) {}

    private static Run cola(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Main.run(args, new Io(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "bert", "roberta", "bart"})
    void jsonInputGivesTheReferenceLogits(String name) throws Exception {
        Map<String, Tensor> e = HfFixtures.expected(name).tensors();
        Map<String, int[][]> json = new LinkedHashMap<>();
        for (String k : ID_NAMES) if (e.containsKey(k)) json.put(k, HfFixtures.ints(e.get(k)));
        Path in = tmp.resolve(name + ".json"), out = tmp.resolve(name + ".safetensors");
        new ObjectMapper().writeValue(in.toFile(), json);
        Run r = cola("forward", "--model", "hf:" + HfFixtures.dir(name), "--input", in.toString(), "--out",
                out.toString(), "--dtype", "float64");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("logits " + java.util.Arrays.toString(e.get("logits").shape()));
        Tensor logits = Safetensors.read(out).tensors().get("logits");
        assertThat(HfFixtures.relErr(logits, e.get("logits"))).isLessThanOrEqualTo(1e-10);
    }

    /** Ids as PyTorch saves them (I64 for input_ids, I32 and BOOL for the mask) give the same logits. */
    @Test
    void integerSafetensorsInput() throws Exception {
        Map<String, Tensor> e = HfFixtures.expected("bert").tensors();
        LinkedHashMap<String, cola4j.tensor.io.RawTensor> raw = new LinkedHashMap<>();
        for (String k : ID_NAMES) {
            if (!e.containsKey(k)) continue;
            int[][] v = HfFixtures.ints(e.get(k));
            String dtype = k.equals("attention_mask") ? "BOOL" : k.equals("token_type_ids") ? "I32" : "I64";
            int size = cola4j.tensor.io.RawTensor.SIZES.get(dtype);
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(v.length * v[0].length * size)
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (int[] row : v) {
                for (int x : row) {
                    if (size == 8) b.putLong(x);
                    else if (size == 4) b.putInt(x);
                    else b.put((byte) x);
                }
            }
            raw.put(k, new cola4j.tensor.io.RawTensor(dtype, new int[] {v.length, v[0].length}, b.array()));
        }
        Path in = tmp.resolve("ids.safetensors"), out = tmp.resolve("o.safetensors");
        Safetensors.write(in, new cola4j.tensor.io.SafetensorsFile(new LinkedHashMap<>(), Map.of(), raw),
                cola4j.tensor.io.StorageType.NATIVE);
        Run r = cola("forward", "--model", "hf:" + HfFixtures.dir("bert"), "--input", in.toString(), "--out",
                out.toString(), "--dtype", "float64");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(HfFixtures.relErr(Safetensors.read(out).tensors().get("logits"), e.get("logits")))
                .isLessThanOrEqualTo(1e-10);
    }

    @Test
    void safetensorsInputAndHiddenStates() throws Exception {
        Map<String, Tensor> e = HfFixtures.expected("bart").tensors();
        LinkedHashMap<String, Tensor> ids = new LinkedHashMap<>();
        for (String k : ID_NAMES) if (e.containsKey(k)) ids.put(k, e.get(k));
        Path in = tmp.resolve("in.safetensors"), out = tmp.resolve("out.safetensors");
        Safetensors.write(in, ids, Map.of());
        Run r = cola("forward", "--model", "hf:" + HfFixtures.dir("bart"), "--input", in.toString(), "--out",
                out.toString(), "--dtype", "float64", "--hidden");
        assertThat(r.code()).as(r.err()).isZero();
        Map<String, Tensor> t = Safetensors.read(out).tensors();
        assertThat(HfFixtures.relErr(t.get("logits"), e.get("logits"))).isLessThanOrEqualTo(1e-10);
        // the shared table is called by the encoder, then the decoder: inputs are the ids
        assertThat(t.get("model.shared.input").bitEquals(e.get("input_ids"))).isTrue();
        assertThat(t.get("model.shared.input.1").bitEquals(e.get("decoder_input_ids"))).isTrue();
        Tensor x = t.get("model.encoder.layers.0.fc1.input"), h = t.get("model.encoder.layers.0.fc1.output");
        assertThat(x.shape()).containsExactly(2, 6, 16);
        assertThat(h.shape()).containsExactly(2, 6, 24);
        assertThat(t).containsKey("model.decoder.layers.1.encoder_attn.v_proj.output");
    }

    @Test
    void presetFamilyWithHiddenStates() throws Exception {
        Path in = tmp.resolve("ids.json"), out = tmp.resolve("dec.safetensors");
        java.nio.file.Files.writeString(in, "{\"input_ids\": [[1, 2, 3], [4, 5, 6]]}");
        Run r = cola("forward", "--model", "decoder", "--preset", "tiny", "--cache", tmp.resolve("cache").toString(),
                "--input", in.toString(), "--out", out.toString(), "--dtype", "float64", "--hidden");
        assertThat(r.code()).as(r.err()).isZero();
        Map<String, Tensor> t = Safetensors.read(out).tensors();
        Tensor logits = t.get("logits");
        assertThat(logits.shape()[0]).isEqualTo(2);
        assertThat(logits.shape()[1]).isEqualTo(3);
        assertThat(t.get("lm_head.output").bitEquals(logits)).as("the head's output is the logits").isTrue();
        assertThat(t.get("embed.token.input").toDoubleArray()).containsExactly(1, 2, 3, 4, 5, 6);
        Run again = cola("forward", "--model", "decoder", "--preset", "tiny", "--cache",
                tmp.resolve("cache").toString(),
                "--input", in.toString(), "--out", tmp.resolve("dec2.safetensors").toString(), "--dtype", "float64");
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(Safetensors.read(tmp.resolve("dec2.safetensors")).tensors().get("logits").bitEquals(logits))
                .as("same cached base, same logits").isTrue();
    }

    @Test
    void badInputIsOneLineAndExitCode() throws Exception {
        Path in = tmp.resolve("bad.json");
        java.nio.file.Files.writeString(in, "{\"input_ids\": [[1, 2.5]]}");
        Run r = cola("forward", "--model", "hf:" + HfFixtures.dir("gpt2"), "--input", in.toString(), "--out",
                tmp.resolve("o.safetensors").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().lines().findFirst().orElse("")).contains("input_ids[0][1] = 2.5 is not an integer");
        assertThat(r.err()).doesNotContain("\tat ");
        Run usage = cola("forward", "--model", "llama", "--input", in.toString(), "--out", "o.safetensors");
        assertThat(usage.code()).isEqualTo(2);
        assertThat(usage.err()).contains("--model: expected hf:DIR");
        Run missing = cola("forward", "--model", "hf:" + tmp.resolve("nowhere"), "--input", in.toString(), "--out",
                tmp.resolve("o.safetensors").toString());
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("not a directory");
    }
}
