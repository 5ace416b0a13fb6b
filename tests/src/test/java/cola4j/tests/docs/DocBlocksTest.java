package cola4j.tests.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The markers and the matching rule of the executable documentation, on hand-made text (negative controls). */
class DocBlocksTest {
    private static final String DOC = """
            Intro.

            ```bash runnable
            # a comment
            ./cola train --steps 40   # trailing comment
            ```

            Numbers below are float32: ±0.05 on other CPUs.

            ```text output tol=0.05
            done at step 40/40: loss …, accuracy 0.4958 (… s); …
            ```

            These are exact:

            ```text output tol=0
            user-0  rotate  …  0.120  yes
            ```

            ```bash
            ./cola not-run
            ```
            """;

    @Test
    void parsesCommandsAndExcerpts() {
        List<DocBlocks.Command> cs = DocBlocks.parse("doc.md", DOC);
        assertThat(cs).hasSize(1);
        assertThat(cs.get(0).args()).containsExactly("train", "--steps", "40");
        assertThat(cs.get(0).excerpts()).hasSize(2);
        assertThat(cs.get(0).excerpts().get(0).tol()).isEqualTo(0.05);
        assertThat(cs.get(0).excerpts().get(1).tol()).isZero();
    }

    @Test
    void numbersWithinTheToleranceMatchAndOthersDoNot() {
        DocBlocks.Excerpt e = DocBlocks.parse("doc.md", DOC).get(0).excerpts().get(0);
        String line = "done at step 40/40: loss 1.2549, accuracy %s (4.2 s); checkpoint runs/x";
        assertThat(DocBlocks.check(e, List.of("noise", String.format(line, "0.5400")))).isEmpty();
        assertThat(DocBlocks.check(e, List.of(String.format(line, "0.4400")))).singleElement().asString()
                .contains("differs from").contains("0.4400");
        assertThat(DocBlocks.check(e, List.of("done at step 39/40: loss 1, accuracy 0.4958 (1 s); x"))).hasSize(1);
        assertThat(DocBlocks.check(e, List.of("something else"))).singleElement().asString()
                .contains("matches no output line");
    }

    @Test
    void exactExcerptsCompareDigitsAndAnchorOnText() {
        DocBlocks.Excerpt e = DocBlocks.parse("doc.md", DOC).get(0).excerpts().get(1);
        assertThat(DocBlocks.check(e, List.of("user-0  rotate  [ROT90]  0.117   0.120  yes"))).isEmpty();
        assertThat(DocBlocks.check(e, List.of("user-0  rotate  [ROT90]  0.120   0.117  yes"))).hasSize(1);
        assertThat(DocBlocks.check(e, List.of("user-0  rotate  [ROT90]  0.117   0.1200  yes"))).hasSize(1);
        assertThat(DocBlocks.check(e, List.of("user-1  rotate  [ROT90]  0.117   0.120  yes"))).hasSize(1);
    }

    @Test
    void exactNumbersAfterAnEllipsisFindTheirOwnColumn() {
        DocBlocks.Excerpt e = new DocBlocks.Excerpt(1, 0, List.of("unmerged 1 5 … 144368 … 0 0"));
        List<String> out = List.of("unmerged  1  5  8.83  95.4  205.6  144368  56938  0  0");
        assertThat(DocBlocks.check(e, out)).isEmpty();
        assertThat(DocBlocks.check(DocBlocks.doctor(e, 0, 2), out)).singleElement().asString()
                .contains("144369").contains("differs from");
        assertThat(DocBlocks.check(e, List.of("unmerged  1  5  8.83  95.4  205.6  144368  56938  1  0"))).hasSize(1);
    }

    @Test
    void excerptLinesMatchInOrder() {
        DocBlocks.Excerpt e = new DocBlocks.Excerpt(1, 0, List.of("a 1", "b 2"));
        assertThat(DocBlocks.check(e, List.of("a 1", "b 2"))).isEmpty();
        assertThat(DocBlocks.check(e, List.of("b 2", "a 1"))).hasSize(1);
    }

    @Test
    void aDoctoredNumberFailsTheCheck() {
        DocBlocks.Excerpt e = DocBlocks.parse("doc.md", DOC).get(0).excerpts().get(0);
        List<String> out = List.of("done at step 40/40: loss 1.2549, accuracy 0.5400 (4.2 s); checkpoint runs/x");
        assertThat(DocBlocks.check(e, out)).isEmpty();
        DocBlocks.Excerpt d = DocBlocks.doctor(e, 0, 2);
        assertThat(d.lines().get(0)).contains("accuracy 0.6458 (");
        assertThat(DocBlocks.check(d, out)).singleElement().asString().contains("0.6458").contains("0.5400");
        DocBlocks.Excerpt x = DocBlocks.parse("doc.md", DOC).get(0).excerpts().get(1);
        assertThat(DocBlocks.doctor(x, 0, 1).lines().get(0)).isEqualTo("user-0  rotate  …  0.121  yes");
        assertThat(DocBlocks.check(DocBlocks.doctor(x, 0, 1), List.of("user-0  rotate  [R]  0.1  0.120  yes")))
                .hasSize(1);
    }

    /**
     * Every excerpt of README.md and docs/tutorial.md, without running anything: it holds against an output made of
     * its own lines, and fails once any one of its numbers is moved beyond its tolerance.
     */
    @Test
    void everyQuotedNumberOfTheRealDocsIsPinned() throws Exception {
        List<String> loose = new ArrayList<>();
        int numbers = 0;
        for (String f : ExecutableDocsTest.FILES) {
            String text = Files.readString(ExecutableDocsTest.repoRoot().resolve(f));
            for (DocBlocks.Command c : DocBlocks.parse(f, text)) {
                for (DocBlocks.Excerpt e : c.excerpts()) {
                    List<String> out = e.lines().stream().map(l -> l.replace("…", "x")).toList();
                    assertThat(DocBlocks.check(e, out)).as(f + ":" + e.line()).isEmpty();
                    for (String l : e.lines()) numbers += DocBlocks.numbers(l).size();
                    loose.addAll(ExecutableDocsTest.unpinned(f, e, out));
                }
            }
        }
        assertThat(numbers).as("quoted numbers").isGreaterThan(50);
        assertThat(loose).isEmpty();
    }

    @Test
    void longRunsAreRefusedBeforeTheyRun() {
        String doc = "```bash runnable\n./cola demo --quick\n./cola train --steps 101\n./cola bench all\n"
                + "./cola ftaas --model decoder --steps 10\n./cola ftaas --model decoder --preset tiny --steps 10\n"
                + "./cola train --steps 100\n./cola bench serve --steps 5\n```\n";
        assertThat(DocBlocks.overBudget(DocBlocks.parse("d.md", doc))).containsExactly(
                "d.md:2: demo --quick: demo runs for minutes", "d.md:3: train --steps 101: --steps 101 above 100",
                "d.md:4: bench all: only bench serve",
                "d.md:5: ftaas --model decoder --steps 10: a transformer without --preset tiny");
    }

    @Test
    void malformedMarkersAreRefused() {
        assertThatThrownBy(() -> DocBlocks.parse("d.md", "```bash runnable\nls\n```\n"))
                .hasMessageContaining("d.md:2: not a ./cola command");
        String run = "```bash runnable\n./cola x\n```\n\n";
        assertThatThrownBy(() -> DocBlocks.parse("d.md", run + "```text output tol=0.1\nx\n```\n"))
                .hasMessageContaining("must say '±0.1'");
        assertThatThrownBy(() -> DocBlocks.parse("d.md", run + "```text output tol=0\nx\n```\n"))
                .hasMessageContaining("must say 'exact'");
        assertThatThrownBy(() -> DocBlocks.parse("d.md", "```text output tol=0\nexact\n```\n"))
                .hasMessageContaining("no runnable block before");
        assertThatThrownBy(() -> DocBlocks.parse("d.md", "```bash runnable\n./cola x\n"))
                .hasMessageContaining("unclosed");
    }
}
