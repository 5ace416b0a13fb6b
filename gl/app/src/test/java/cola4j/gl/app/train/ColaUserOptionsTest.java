package cola4j.gl.app.train;

import static cola4j.gl.app.train.TrainCommandTest.assertBitIdentical;
import static cola4j.gl.app.train.TrainCommandTest.base;
import static cola4j.gl.app.train.TrainCommandTest.tensors;
import static org.assertj.core.api.Assertions.assertThat;

import cola4j.gl.app.train.TrainCommandTest.Result;
import cola4j.tensor.Tensor;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cola train --fit-epochs/--fit-batch/--staleness}: the defaults are bit-identical
 * to runs without the options, other values change the adapters, bounds are usage errors (exit 2).
 */
class ColaUserOptionsTest {
    @TempDir
    static Path cache;
    @TempDir
    Path tmp;

    /** {@code cola ARGS --cache <this class's cache> --quiet} in-process. */
    static Result cola(String... args) {
        java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream(), e = new java.io.ByteArrayOutputStream();
        java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of(args));
        all.addAll(java.util.List.of("--cache", cache.toString(), "--quiet"));
        var utf8 = java.nio.charset.StandardCharsets.UTF_8;
        int code = cola4j.gl.app.cli.Main.run(all.toArray(new String[0]), new cola4j.gl.app.io.Io(
                new java.io.PrintStream(o, true, utf8), new java.io.PrintStream(e, true, utf8)));
        return new Result(code, o.toString(utf8), e.toString(utf8));
    }

    private Map<String, Tensor> adapters(String name, String... extra) throws Exception {
        Path out = tmp.resolve(name);
        String[] args = base("cola", "float64", extra);
        String[] all = java.util.Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--out";
        all[args.length + 1] = out.toString();
        Result r = cola(all);
        assertThat(r.code()).as(r.err()).isZero();
        return tensors(out.resolve(TrainState.DIR).resolve(AdapterCheckpoint.WEIGHTS_FILE));
    }

    private static double maxDiff(Map<String, Tensor> a, Map<String, Tensor> b) {
        double d = 0;
        for (String k : a.keySet()) d = Math.max(d, a.get(k).maxAbsDiff(b.get(k)));
        return d;
    }

    @Test
    void defaultsAreBitIdenticalAndOtherValuesDiffer() throws Exception {
        Map<String, Tensor> plain = adapters("plain", "--interval", "2");
        assertBitIdentical(plain, adapters("e1", "--interval", "2", "--fit-epochs", "1", "--fit-batch", "0"));
        assertThat(maxDiff(plain, adapters("e3", "--interval", "2", "--fit-epochs", "3"))).isGreaterThan(1e-6);
        assertThat(maxDiff(plain, adapters("fb", "--interval", "2", "--fit-batch", "4"))).isGreaterThan(1e-6);
        Map<String, Tensor> i1 = adapters("i1");
        assertBitIdentical(i1, adapters("k0", "--staleness", "0"));
        assertThat(maxDiff(i1, adapters("k2", "--staleness", "2"))).isGreaterThan(1e-6);
    }

    @Test
    void boundsAndCombinationsAreUsageErrors() {
        String[][] cases = {
                {"cola", "--fit-epochs", "1001", "--fit-epochs must be <= 1000, got 1001"},
                {"cola", "--fit-epochs", "0", "--fit-epochs must be >= 1, got 0"},
                {"cola", "--fit-batch", "-1", "--fit-batch must be >= 0, got -1"},
                {"cola", "--staleness", "10001", "--staleness must be <= 10000, got 10001"},
                {"cola", "--staleness", "-1", "--staleness must be >= 0, got -1"},
                {"lora", "--fit-epochs", "2", "apply to method cola only"},
                {"cola", "--staleness", "1", "--interval", "2", "--staleness needs --interval 1"},
        };
        for (String[] c : cases) {
            String[] extra = java.util.Arrays.copyOfRange(c, 1, c.length - 1);
            Result r = cola(base(c[0], "float64", extra));
            assertThat(r.code()).as(String.join(" ", c) + ": " + r.err()).isEqualTo(2);
            assertThat(r.err()).contains(c[c.length - 1]);
            assertThat(r.err().lines().count()).isLessThanOrEqualTo(2);
        }
    }
}
