package cola4j.gl.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cola inspect} on safetensors files and bad arguments (checkpoints: CheckpointCorruptionTest). */
class InspectCommandTest {
    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {}

    static Result cola(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        int code = Main.run(args, new Io(new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8)));
        return new Result(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    private Path file() throws Exception {
        LinkedHashMap<String, Tensor> t = new LinkedHashMap<>();
        t.put("w", Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        t.put("b", Tensor.of(new double[] {0.5}, 1));
        Path f = tmp.resolve("x.safetensors");
        Safetensors.write(f, t, Map.of("format", "pt"));
        return f;
    }

    @Test
    void aValidFileShowsItsHeaderAndJson() throws Exception {
        Path f = file(), json = tmp.resolve("i.json");
        Result r = cola("inspect", f.toString(), "--json", json.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("safetensors, valid").contains("2 tensors")
                .containsPattern("w +F32 +\\[2, 3\\] +\\[0, 24\\)")
                .containsPattern("b +F64 +\\[1\\] +\\[24, 32\\)").contains("__metadata__ format = pt");
        JsonNode n = JsonFiles.MAPPER.readTree(json.toFile());
        assertThat(n.get("valid").asBoolean()).isTrue();
        assertThat(n.get("kind").asText()).isEqualTo("safetensors");
        assertThat(n.get("tensors").get(0).get("data_offsets").toString()).isEqualTo("[0,24]");
        assertThat(n.get("tensors").get(1).get("dtype").asText()).isEqualTo("F64");
        assertThat(n.get("metadata").get("format").asText()).isEqualTo("pt");
        assertThat(n.get("file_bytes").asLong()).isEqualTo(Files.size(f));
    }

    @Test
    void anInvalidFileFailsWithTheTypedErrorOnOneLine() throws Exception {
        Path f = file(), json = tmp.resolve("bad.json");
        byte[] b = Files.readAllBytes(f);
        String header = new String(b, 8, b.length - 8 - 32, StandardCharsets.UTF_8);
        int at = header.indexOf("F64");
        b[8 + at + 1] = '9'; // dtype F94
        Files.write(f, b);
        Result r = cola("inspect", f.toString(), "--json", json.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().lines().findFirst().orElseThrow()).contains("safetensors UNKNOWN_DTYPE")
                .contains(f.toString());
        assertThat(r.err()).doesNotContain("\tat ");
        JsonNode n = JsonFiles.MAPPER.readTree(json.toFile());
        assertThat(n.get("valid").asBoolean()).isFalse();
        assertThat(n.get("error").asText()).contains("UNKNOWN_DTYPE");

        Files.write(f, new byte[] {1, 2, 3});
        Result t = cola("inspect", f.toString());
        assertThat(t.code()).isEqualTo(1);
        assertThat(t.err()).contains("safetensors TRUNCATED");
    }

    @Test
    void aMissingPathOrNoPathIsAUsageError() {
        Result r = cola("inspect", tmp.resolve("nope").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("no such file or directory");
        assertThat(cola("inspect").code()).isEqualTo(2);
        assertThat(cola("inspect", "a", "b").err()).contains("expected one PATH");
    }

    @Test
    void aDirectoryWithoutACheckpointFailsWithOneLine() {
        Result r = cola("inspect", tmp.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("no checkpoint in " + tmp).doesNotContain("\tat ");
    }
}
