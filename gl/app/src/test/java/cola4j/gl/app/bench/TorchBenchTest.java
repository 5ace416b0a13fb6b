package cola4j.gl.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.gl.app.cli.Main;
import cola4j.gl.app.io.Io;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code bench torch} never needs PyTorch in the suite: without it, one line on stderr, nothing on stdout, exit 0. */
class TorchBenchTest {
    @Test
    void withoutPythonItSkipsWithOneLine() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"bench", "torch", "--quick", "--python", "/nonexistent/python3"},
                new Io(new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        String e = err.toString(StandardCharsets.UTF_8);
        assertThat(e.strip().lines()).hasSize(1);
        assertThat(e).startsWith("bench torch: skipped: cannot run /nonexistent/python3");
    }

    @Test
    void theScriptShipsAsAResource() throws Exception {
        try (var in = TorchBench.class.getResourceAsStream(TorchBench.SCRIPT)) {
            assertThat(in).isNotNull();
            String s = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            for (String m : StepBench.METHODS) assertThat(s).contains("\"" + m + "\"");
        }
    }
}
