package cola4j.gl.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.gl.app.command.Command;
import cola4j.gl.app.io.Io;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15's bad inputs fail early: bounded sizes at parse time, model-dependent options and output paths before any
 * pretraining (the pretraining cache stays empty), no prefix matching of long options, one line for an exhausted heap.
 */
class EarlyErrorsTest {
    @TempDir
    Path tmp;

    void usageError(String message, String... args) throws IOException {
        usageError(tmp, message, args);
    }

    /** {@code cola args} with an empty cache under tmp: asserts exit 2, the message, and that nothing was pretrained.
     */
    static void usageError(Path tmp, String message, String... args) throws IOException {
        Path cache = Files.createDirectories(tmp.resolve("cache"));
        String[] all = Stream.concat(Stream.of(args), Stream.of("--cache", cache.toString())).toArray(String[]::new);
        MainTest.Result r = MainTest.cola(all);
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains(message).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(r.err().lines().count()).as(r.err()).isEqualTo(2);       // the message and the usage hint
        try (Stream<Path> s = Files.list(cache)) {
            assertThat(s.toList()).as("pretrained before the error").isEmpty();
        }
    }

    static String[] train(String... extra) {
        return Stream.concat(Stream.of("train", "--model", "mlp", "--preset", "tiny", "--task", "rotate", "--method",
                "cola", "--steps", "8", "--quiet"), Stream.of(extra)).toArray(String[]::new);
    }

    @Test
    void trainOutOptionsAreCheckedBeforeAnythingLoads() throws IOException {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        usageError("--out: '" + file + "' exists and is not a directory", train("--out", file.toString()));
        Path old = Files.createDirectories(tmp.resolve("old-run"));
        Files.writeString(old.resolve("metrics.csv"), "step\n");
        usageError("already holds a run", train("--out", old.toString()));
        // --overwrite lifts only that refusal: the next check (sites, on a fresh model) is what fails now
        usageError("matches no site", train("--out", old.toString(), "--overwrite", "--sites", "nosuch"));
        usageError("--json: " + tmp + " is a directory", train("--out", tmp.resolve("new").toString(), "--json",
                tmp.toString()));
    }

    @Test
    void modelDependentOptionsAreCheckedBeforePretraining() throws IOException {
        usageError("--rank 100 exceeds min(d_in, d_out)", train("--rank", "100", "--out", tmp.resolve("r").toString()));
        usageError("--task: unknown task 'nope'", "train", "--model", "mlp", "--preset", "tiny", "--task", "nope",
                "--method", "cola", "--out", tmp.resolve("t").toString());
        usageError("--sites: ", "copra", "--model", "mlp", "--preset", "tiny", "--sites", "nosuch");
        usageError("unknown task", "copra", "--model", "mlp", "--preset", "tiny", "--tasks", "nope");
        usageError("--sites: ", "ftaas", "--model", "decoder", "--preset", "tiny", "--sites", "nosuch");
        usageError("--sites: ", "serve", "--model", "decoder", "--preset", "tiny", "--sites", "nosuch", "--tokens",
                tmp.resolve("tokens").toString());
    }

    @Test
    void sizeOptionsAreBoundedAtParseTime() throws IOException {
        usageError("--batch must be <= 4096, got 2147483647", train("--batch", "2147483647"));
        usageError("--rank must be <= 1024, got 100000", train("--rank", "100000"));
        usageError("--eval-examples must be <= 100000", train("--eval-examples", "2147483647"));
        usageError("--users must be <= 1024, got 2147483647", "ftaas", "--users", "2147483647");
        usageError("--rows must be <= 4096", "ftaas", "--rows", "2147483647");
        usageError("--permutations must be <= 10000", "copra", "--model", "mlp", "--permutations", "100000");
        usageError("--steps must be <= 1000000", "pretrain", "--model", "mlp", "--steps", "2147483647");
        MainTest.Result gemm = MainTest.cola("bench", "gemm", "--sizes", "64,100000");
        assertThat(gemm.code()).isEqualTo(2);
        assertThat(gemm.err()).contains("--sizes: every value must be <= 4096, got 100000");
        MainTest.Result mem = MainTest.cola("bench", "memory", "--users", "100000");
        assertThat(mem.code()).isEqualTo(2);
        assertThat(mem.err()).contains("--users: every value must be <= 1024, got 100000");
    }

    @Test
    void outputPathsAreCheckedBeforeTheWork() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("d"));
        Path file = Files.writeString(tmp.resolve("f"), "x");
        usageError("--json: " + dir + " is a directory", "pretrain", "--model", "mlp", "--preset", "tiny", "--json",
                dir.toString());
        MainTest.Result cache = MainTest.cola("pretrain", "--model", "mlp", "--cache", file.toString());
        assertThat(cache.code()).isEqualTo(2);
        assertThat(cache.err()).contains("--cache: '" + file + "' exists and is not a directory");
        usageError("--json: cannot create directory", "copra", "--model", "mlp", "--json",
                file.resolve("x.json").toString());
        for (String[] cmd : List.of(new String[] {"verify"}, new String[] {"bench", "gemm"},
                new String[] {"bench", "all"}, new String[] {"bench", "memory"})) {
            String[] args = Stream.concat(Stream.of(cmd), Stream.of("--json", dir.toString())).toArray(String[]::new);
            MainTest.Result r = MainTest.cola(args);
            assertThat(r.code()).as(String.join(" ", cmd)).isEqualTo(2);
            assertThat(r.err()).contains("--json: " + dir + " is a directory");
        }
    }

    @Test
    void longOptionsMustBeTypedInFull() {
        for (String prefix : List.of("--dtyp", "--d", "--dt")) {
            MainTest.Result r = MainTest.cola("verify", prefix, "float32");
            assertThat(r.code()).as(prefix).isEqualTo(2);
            assertThat(r.err()).as(prefix).contains("Unrecognized option: " + prefix);
        }
    }

    @Test
    void outOfMemoryIsOneLineNamingTheSizeOptionsGiven() {
        Command hog = new Command() {
            public String name() {
                return "hog";
            }

            public String description() {
                return "throws OutOfMemoryError";
            }

            public Options options() {
                return new Options().addOption(Option.builder().longOpt("batch").hasArg().build())
                        .addOption(Option.builder().longOpt("rank").hasArg().build());
            }

            public int run(CommandLine cl, Io io) {
                throw new OutOfMemoryError("Java heap space");
            }
        };
        for (String[] args : List.of(new String[] {"hog", "--batch", "9"}, new String[] {"hog"})) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
            int code = Main.run(args, new Io(new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8)), List.of(hog));
            String e = err.toString(StandardCharsets.UTF_8);
            assertThat(code).isEqualTo(1);
            assertThat(e.lines().count()).as(e).isEqualTo(1);
            assertThat(e).startsWith("cola hog: error: out of memory (heap ").contains("COLA_JAVA_OPTS=-Xmx");
            // the option given is named; without one, the command's size options are
            if (args.length > 1) assertThat(e).contains("lower --batch or").doesNotContain("--rank");
            else assertThat(e).contains("lower --batch, --rank or");
        }
    }
}
