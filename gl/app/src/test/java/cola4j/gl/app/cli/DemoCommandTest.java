package cola4j.gl.app.cli;

import cola4j.gl.app.io.Io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cola demo}: a bad {@code --out} is a usage error (exit 2, one line) before anything runs; the help says
 * what --quick does.
 */
class DemoCommandTest {
    private record Result(int code, String out, String err) {}

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Main.run(args, new Io(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void unusableOutIsRejectedBeforeTheRun(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        Result r = run("demo", "--quick", "--out", file.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("cola demo: --out: '" + file + "' exists and is not a directory\n")
                .doesNotContain("pretrain").doesNotContain("done in");
        assertThat(r.out()).isEmpty();

        Result under = run("demo", "--quick", "--out", file.resolve("sub").toString());
        assertThat(under.code()).isEqualTo(2);
        assertThat(under.err())
                .startsWith("cola demo: --out: cannot create or write the directory '" + file.resolve("sub") + "'")
                .doesNotContain("done in");
        assertThat(Files.readString(file)).as("the file is untouched").isEqualTo("x");
    }

    @Test
    void writableOutIsCreatedAndLeftClean(@TempDir Path dir) {
        Path out = dir.resolve("a/b");
        DemoCommand.requireWritableDir(out);
        assertThat(out).isDirectory().isEmptyDirectory();
    }

    @Test
    void helpStatesWhatQuickDoes() {
        Result r = run("demo", "--help");
        assertThat(r.code()).isZero();
        String help = r.out().replaceAll("\\s+", " ");
        assertThat(help).contains("--quick").contains("60 server steps per method instead of 300")
                .contains("1 seed instead of 5").doesNotContain("about a minute");
    }
}
