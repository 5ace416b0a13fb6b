package cola4j.gl.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Options bounded by the model or by {@link cola4j.gl.app.command.Limits} in every command that takes them: the rank
 * against the widest adapted site in ftaas (as in train), the {@code ~} patterns of ftaas, the network bounds of
 * {@code cola user}; each a usage error (exit 2, one line and the usage hint) before any pretraining.
 */
class ModelBoundsTest {
    @TempDir
    Path tmp;

    void usageError(String message, String... args) throws IOException {
        EarlyErrorsTest.usageError(tmp, message, args);
    }

    @Test
    void ftaasRanksAreCheckedAgainstTheWidestSiteBeforePretraining() throws IOException {
        // the digits mlp 64 -> 128 -> 64 -> 10: widest min(d_in, d_out) = 64; user 1 of 2 asks for 65
        usageError("--rank 65 exceeds min(d_in, d_out) = 64 of the widest adapted site of mlp", "ftaas", "--users",
                "2", "--rank", "8~65");
        // decoder tiny (d = Workloads.TINY_WIDTH = 16, the widest site min(d_in, d_out)): rank 17 exceeds every site
        usageError("--rank 17 exceeds min(d_in, d_out) = 16", "ftaas", "--model", "decoder", "--preset", "tiny",
                "--rank", "17");
    }

    @Test
    void ftaasPatternsAreBounded() throws IOException {
        usageError("--rank: entry 1025 of '8~1025' must be <= 1024", "ftaas", "--rank", "8~1025");
        usageError("--interval: entry 10001 of '1~10001' must be <= 10000", "ftaas", "--interval", "1~10001");
        usageError("--lr: entry 1e9 of '0.1~1e9' must be <= 100.0", "ftaas", "--lr", "0.1~1e9");
        usageError("entries, at most 1024 (one per user)", "ftaas", "--interval", "1~".repeat(1100) + "1");
    }

    @Test
    void userOptionsHaveTheServersBounds() throws IOException {
        Path token = Files.writeString(tmp.resolve("token"), "x");
        String[] base = {"user", "--server", "127.0.0.1:1", "--token-file", token.toString()};
        for (String[] c : new String[][] {{"--rank", "65", "--rank must be <= 64"},
                {"--interval", "1001", "--interval must be <= 1000"},
                {"--mlp-hidden", "1025", "--mlp-hidden must be <= 1024"}, {"--lr", "101", "--lr must be in (0, 100"}}) {
            MainTest.Result r = MainTest.cola(Stream.concat(Stream.of(base), Stream.of(c[0], c[1]))
                    .toArray(String[]::new));
            assertThat(r.code()).as(r.err()).isEqualTo(2);
            assertThat(r.err()).contains(c[2]);
        }
    }
}
