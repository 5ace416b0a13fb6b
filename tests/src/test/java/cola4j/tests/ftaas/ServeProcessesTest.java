package cola4j.tests.ftaas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three processes on loopback, as a person runs them: {@code cola serve} and two {@code cola user}s with their token
 * files. The server's first line is {@code listening on HOST:PORT}; both users finish (exit 0) with their result; a
 * wrong token is refused with one line (exit 1); the server prints the results table and exits 0. Every process has
 * a time limit.
 */
class ServeProcessesTest {
    private static Process cola(Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "cola4j.gl.app.cli.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(log != null);
        if (log != null) pb.redirectOutput(log.toFile());
        return pb.start();
    }

    private static int finish(Process p, int seconds) throws InterruptedException {
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("process did not finish within " + seconds + " s");
        }
        return p.exitValue();
    }

    @Test
    void serverAndTwoUserProcessesCompleteASessionOnLoopback(@TempDir Path dir) throws Exception {
        Path tokens = dir.resolve("tokens");
        Process server = cola(null, "serve", "--users", "2", "--tokens", tokens.toString(), "--port", "0", "--steps",
                "5", "--rows", "8", "--pretrain-steps", "20", "--start-timeout", "120000", "--cache",
                dir.resolve("cache").toString());
        // a watchdog instead of a test timeout: a server that hangs is killed, its stdout closes, the test fails
        Thread watchdog = new Thread(() -> {
            try {
                if (!server.waitFor(200, TimeUnit.SECONDS)) server.destroyForcibly();
            } catch (InterruptedException e) {
                server.destroyForcibly();
            }
        });
        watchdog.setDaemon(true);
        watchdog.start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(),
                StandardCharsets.UTF_8))) {
            String first = out.readLine();
            assertThat(first).matches("listening on 127\\.0\\.0\\.1:\\d+");
            String addr = first.substring("listening on ".length());
            Path bad = dir.resolve("bad.token");
            Files.writeString(bad, "0".repeat(64));
            Path badLog = dir.resolve("bad.log");
            assertThat(finish(cola(badLog, "user", "--server", addr, "--token-file", bad.toString()), 60)).isEqualTo(1);
            assertThat(Files.readAllLines(badLog))
                    .containsExactly("cola user: refused at attach: UNAUTHENTICATED (missing or unknown token)");
            Path log0 = dir.resolve("u0.log"), log1 = dir.resolve("u1.log");
            Process u0 = cola(log0, "user", "--server", addr, "--token-file",
                    tokens.resolve("user-0.token").toString());
            Process u1 = cola(log1, "user", "--server", addr, "--token-file", tokens.resolve("user-1.token").toString(),
                    "--aux", "linear");
            assertThat(finish(u0, 120)).as(Files.readString(log0)).isZero();
            assertThat(finish(u1, 120)).as(Files.readString(log1)).isZero();
            assertThat(Files.readString(log0)).contains("user-0 (")
                    .contains("after 5 steps served, 0 skipped; finished");
            assertThat(Files.readString(log1)).contains("user-1 (").contains("linear");
            String line;
            while ((line = out.readLine()) != null) lines.add(line);
        }
        assertThat(finish(server, 60)).isZero();
        assertThat(String.join("\n", lines)).contains("user-0").contains("user-1").contains("finished");
    }
}
