package cola4j.tests.docs;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.gl.app.cli.Main;
import cola4j.gl.app.io.Io;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Executable documentation: runs every {@code ```bash runnable} command of README.md and docs/tutorial.md in-process
 * ({@link Main#run}, the same entry point as {@code ./cola}) and checks each {@code ```text output tol=T} excerpt
 * against the real output ({@link DocBlocks}: numbers within T, exact digits for T = 0). A command that appears in both
 * files runs once. The commands are the tutorial's short runs (tens of seconds together on 2 cores); pretrained bases
 * come from the repository's pretraining cache ({@code .cache/cola4j}, created on first use), outputs go under
 * {@code runs/} of the working directory, as for a student.
 */
class ExecutableDocsTest {
    static final List<String> FILES = List.of("README.md", "docs/tutorial.md");

    static Path repoRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("cola")) && Files.isRegularFile(p.resolve("README.md"))) return p;
        }
        throw new IllegalStateException("repository root (with ./cola and README.md) not found above "
                + Path.of("").toAbsolutePath());
    }

    @Test
    void everyRunnableCommandRunsAndPrintsWhatTheDocsQuote() throws Exception {
        Path root = repoRoot();
        List<DocBlocks.Command> commands = new ArrayList<>();
        for (String f : FILES) commands.addAll(DocBlocks.parse(f, Files.readString(root.resolve(f))));
        assertThat(commands).as("runnable commands in " + FILES).hasSizeGreaterThanOrEqualTo(8);
        Map<List<String>, List<String>> outputs = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        int excerpts = 0;
        for (DocBlocks.Command c : commands) {
            List<String> out = outputs.get(c.args());
            if (out == null) {
                ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
                int code = Main.run(c.args().toArray(String[]::new),
                        new Io(new PrintStream(o, true, StandardCharsets.UTF_8),
                                new PrintStream(e, true, StandardCharsets.UTF_8)));
                out = new ArrayList<>(o.toString(StandardCharsets.UTF_8).lines().toList());
                out.addAll(e.toString(StandardCharsets.UTF_8).lines().toList());
                if (code != 0) {
                    problems.add(c.file() + ":" + c.line() + ": exit " + code + ": " + String.join("\n", out));
                }
                outputs.put(c.args(), out);
            }
            for (DocBlocks.Excerpt x : c.excerpts()) {
                excerpts++;
                for (String p : DocBlocks.check(x, out)) problems.add(c.file() + ":" + x.line() + ": " + p);
            }
        }
        assertThat(excerpts).as("quoted outputs").isGreaterThanOrEqualTo(8);
        assertThat(problems).as("documentation vs output").isEmpty();
    }
}
