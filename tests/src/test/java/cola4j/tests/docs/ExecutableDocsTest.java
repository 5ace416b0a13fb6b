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
 *
 * <p>It fails loudly: a quoted number outside its tolerance names the file, the excerpt line and the output line it
 * differs from; and as a negative control every quoted number is moved beyond its tolerance in turn
 * ({@link DocBlocks#doctor}) and the doctored excerpt must fail against the same real output. Its runtime is bounded
 * before anything runs ({@link DocBlocks#overBudget}: short runs, tiny presets, no demo), not by a clock.
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
        assertThat(DocBlocks.overBudget(commands)).as("runnable commands over the test's budget").isEmpty();
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
                List<String> found = DocBlocks.check(x, out);
                for (String p : found) problems.add(c.file() + ":" + x.line() + ": " + p);
                if (found.isEmpty()) problems.addAll(unpinned(c.file(), x, out));
            }
        }
        assertThat(excerpts).as("quoted outputs").isGreaterThanOrEqualTo(8);
        assertThat(problems).as("documentation vs output").isEmpty();
    }

    /**
     * The negative control on the real output: every quoted number, moved beyond its tolerance
     * ({@link DocBlocks#doctor}), must make the excerpt fail. Returns the numbers for which it still holds (a quoted
     * number the check does not pin, e.g. because another output line matches the doctored one).
     */
    static List<String> unpinned(String file, DocBlocks.Excerpt x, List<String> out) {
        List<String> loose = new ArrayList<>();
        for (int k = 0; k < x.lines().size(); k++) {
            int n = DocBlocks.numbers(x.lines().get(k)).size();
            for (int j = 0; j < n; j++) {
                DocBlocks.Excerpt d = DocBlocks.doctor(x, k, j);
                if (DocBlocks.check(d, out).isEmpty()) {
                    loose.add(file + ":" + x.line() + ": number " + (j + 1) + " of '" + x.lines().get(k).strip()
                            + "' moved beyond tol " + x.tol() + " still matches ('" + d.lines().get(k).strip() + "')");
                }
            }
        }
        return loose;
    }
}
