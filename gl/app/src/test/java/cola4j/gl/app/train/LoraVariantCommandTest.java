package cola4j.gl.app.train;

import static cola4j.gl.app.train.TrainCommandTest.assertBitIdentical;
import static cola4j.gl.app.train.TrainCommandTest.base;
import static cola4j.gl.app.train.TrainCommandTest.tensors;
import static org.assertj.core.api.Assertions.assertThat;

import cola4j.gl.app.cli.Main;
import cola4j.gl.app.io.Io;
import cola4j.gl.app.train.TrainCommandTest.Result;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code cola train --lora-variant}: a resumed run of each variant is bit-identical to an uninterrupted one (PiSSA's
 * residual is recomputed from the recorded base), {@code lora} is the default bit for bit, and invalid combinations
 * are usage errors (exit 2, one line).
 */
class LoraVariantCommandTest {
    @TempDir
    static Path cache;
    @TempDir
    Path tmp;

    static Result cola(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--cache", cache.toString(), "--quiet"));
        int code = Main.run(all.toArray(new String[0]), new Io(new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8)));
        return new Result(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {"rslora:cola", "pissa:lora", "pissa:cola", "dora:cola", "dora:lora"})
    void resumeIsBitIdentical(String spec) throws Exception {
        String v = spec.split(":")[0], method = spec.split(":")[1];
        Path a = tmp.resolve("a"), b = tmp.resolve("b");
        Result ra = cola(base(method, "float64", "--lora-variant", v, "--out", a.toString()));
        assertThat(ra.code()).as(ra.err()).isZero();
        assertThat(ra.out()).contains("(lowrank " + v + ", ");
        Result rb = cola(base(method, "float64", "--lora-variant", v, "--out", b.toString(), "--stop-at", "4"));
        assertThat(rb.code()).as(rb.err()).isZero();
        Result rc = cola("train", "--resume", b.toString());
        assertThat(rc.code()).as(rc.err()).isZero();
        Path ca = a.resolve(TrainState.DIR), cb = b.resolve(TrainState.DIR);
        assertBitIdentical(tensors(ca.resolve(AdapterCheckpoint.WEIGHTS_FILE)),
                tensors(cb.resolve(AdapterCheckpoint.WEIGHTS_FILE)));
        assertBitIdentical(tensors(ca.resolve(TrainState.TENSORS)), tensors(cb.resolve(TrainState.TENSORS)));
        assertThat(TrainState.read(b).metrics()).isEqualTo(TrainState.read(a).metrics());
        assertThat(TrainState.read(b).config().loraVariant().cliName()).isEqualTo(v);
        // resuming with another variant is refused: the config differs
        Result other = cola("train", "--resume", b.toString(), "--lora-variant", v.equals("dora") ? "lora" : "dora");
        assertThat(other.code()).isEqualTo(2);
        assertThat(other.err()).contains("loraVariant");
    }

    @Test
    void loraIsTheDefaultBitForBit() throws Exception {
        Path a = tmp.resolve("plain"), b = tmp.resolve("lora");
        assertThat(cola(base("cola", "float64", "--out", a.toString())).code()).isZero();
        assertThat(cola(base("cola", "float64", "--lora-variant", "lora", "--out", b.toString())).code()).isZero();
        assertBitIdentical(tensors(a.resolve(TrainState.DIR).resolve(AdapterCheckpoint.WEIGHTS_FILE)),
                tensors(b.resolve(TrainState.DIR).resolve(AdapterCheckpoint.WEIGHTS_FILE)));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "--method cola --aux linear --lora-variant dora|needs --aux lowrank",
        "--method lora --aux mlp --lora-variant pissa|needs --aux lowrank",
        "--method full --lora-variant rslora|method lora or cola",
        "--method ia3 --lora-variant dora|method lora or cola",
        "--method cola --aux embedding --lora-variant rslora|needs --aux lowrank",
        "--method cola --lora-variant qlora|'qlora' is not one of lora, rslora, pissa, dora",
        "--method lora --lora-variant pissa --rank 12|PiSSA: rank 12 exceeds min(out, in) = 10"})
    void invalidCombinationsAreUsageErrors(String spec) {
        String[] parts = spec.split("\\|");
        List<String> args = new ArrayList<>(List.of("train", "--model", "mlp", "--preset", "tiny", "--task", "rotate",
                "--steps", "2", "--out", tmp.resolve("x").toString()));
        args.addAll(List.of(parts[0].split(" ")));
        Result r = cola(args.toArray(new String[0]));
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains(parts[1]).doesNotContain("\tat ");
    }
}
