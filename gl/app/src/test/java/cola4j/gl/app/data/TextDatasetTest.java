package cola4j.gl.app.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cola4j.gl.app.data.TextDataset.Example;
import cola4j.gl.app.data.TextDataset.TaskType;
import cola4j.tensor.Rng;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link TextRecords} (JSONL, CSV) and {@link TextDataset} (task types, labels, seeded split, one-line errors). */
class TextDatasetTest {
    @TempDir
    Path tmp;

    static final TextRecords.Limits LIM = TextRecords.Limits.defaults();

    Path write(String name, String content) throws Exception {
        return Files.writeString(tmp.resolve(name), content);
    }

    @Test
    void jsonlClassificationWithIntegerOrStringLabels() throws Exception {
        Path f = write("a.jsonl", "{\"text\": \"good movie\", \"label\": 1, \"id\": 7}\n\n"
                + "{\"text\": \"bad movie\", \"label\": \"0\"}\n{\"text\": \"a dog\", \"label\": 2}\n");
        TextDataset d = TextDataset.read(f, TaskType.CLS, 0, 0.34, LIM);
        assertThat(d.labels()).containsExactly("0", "1", "2");
        List<Example> all = new ArrayList<>(d.train());
        all.addAll(d.eval());
        assertThat(all).extracting(Example::line).containsExactlyInAnyOrder(1, 3, 4);
        assertThat(all).filteredOn(e -> e.line() == 1).singleElement()
                .isEqualTo(new Example(1, "good movie", null, 1));
        assertThat(all).filteredOn(e -> e.line() == 3).singleElement().extracting(Example::label).isEqualTo(0);

        Path g = write("b.jsonl", "{\"text\": \"x\", \"label\": \"pos\"}\n{\"text\": \"y\", \"label\": \"neg\"}\n");
        TextDataset s = TextDataset.read(g, TaskType.CLS, 0, 0.5, LIM);
        assertThat(s.labels()).containsExactly("neg", "pos");
        List<Example> both = new ArrayList<>(s.train());
        both.addAll(s.eval());
        assertThat(both).filteredOn(e -> e.input().equals("x")).singleElement().extracting(Example::label)
                .isEqualTo(1);
    }

    @Test
    void csvQuotingCrlfAndLineNumbers() throws Exception {
        Path f = write("a.csv", "source,target\r\n\"a, b\",\"say \"\"hi\"\"\"\r\n\r\nplain,\"two\nlines\"\r\nlast,x");
        List<TextRecords.Row> rows = TextRecords.read(f, LIM);
        assertThat(rows).hasSize(3);
        assertThat(rows.get(0).line()).isEqualTo(2);
        assertThat(rows.get(0).fields()).containsEntry("source", "a, b").containsEntry("target", "say \"hi\"");
        assertThat(rows.get(1).line()).isEqualTo(4);
        assertThat(rows.get(1).fields()).containsEntry("target", "two\nlines");
        assertThat(rows.get(2).line()).isEqualTo(6);
        assertThat(rows.get(2).fields()).containsEntry("source", "last").containsEntry("target", "x");
    }

    @Test
    void lmTextOrPromptResponseAndSeq2Seq() throws Exception {
        Path f = write("lm.jsonl", "{\"text\": \"the cat\"}\n{\"prompt\": \"q:\", \"response\": \"a\"}\n");
        TextDataset d = TextDataset.read(f, TaskType.LM, 1, 0.5, LIM);
        List<Example> all = new ArrayList<>(d.train());
        all.addAll(d.eval());
        assertThat(all).containsExactlyInAnyOrder(new Example(1, "", "the cat", -1), new Example(2, "q:", "a", -1));
        Path s = write("s.csv", "source,target\nab,ba\ncd,dc\n");
        TextDataset t = TextDataset.read(s, TaskType.SEQ2SEQ, 1, 0.5, LIM);
        assertThat(t.train()).hasSize(1);
        assertThat(t.eval()).hasSize(1);
    }

    @Test
    void theSplitIsTheSeededPermutationRule() throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 50; i++) sb.append("{\"source\": \"s").append(i).append("\", \"target\": \"t\"}\n");
        Path f = write("s.jsonl", sb.toString());
        TextDataset a = TextDataset.read(f, TaskType.SEQ2SEQ, 42, 0.2, LIM);
        TextDataset b = TextDataset.read(f, TaskType.SEQ2SEQ, 42, 0.2, LIM);
        TextDataset c = TextDataset.read(f, TaskType.SEQ2SEQ, 43, 0.2, LIM);
        assertThat(a).isEqualTo(b);
        assertThat(a.eval()).hasSize(10).isNotEqualTo(c.eval());
        assertThat(a.train()).hasSize(40);
        // independent: eval lines are 1 + the first 10 entries of Rng(42).permutation(50)
        int[] perm = new Rng(42).permutation(50);
        Set<Integer> want = new HashSet<>();
        for (int i = 0; i < 10; i++) want.add(perm[i] + 1);
        assertThat(a.eval()).extracting(Example::line).containsExactlyInAnyOrderElementsOf(want).isSorted();
        Set<Integer> union = new HashSet<>();
        a.train().forEach(e -> union.add(e.line()));
        a.eval().forEach(e -> union.add(e.line()));
        assertThat(union).hasSize(50);
    }

    @Test
    void badRowsAreOneLineErrorsWithTheLine() throws Exception {
        Path j = write("j.jsonl", "{\"text\": \"a\", \"label\": 0}\n{\"text\": \"b\", \"label\": 1}\n{oops\n");
        assertError(j, TaskType.CLS, j + ":3: not a JSON object");
        Path m = write("m.jsonl", "{\"text\": \"a\", \"label\": 0}\n{\"txt\": \"b\", \"label\": 1}\n");
        assertError(m, TaskType.CLS, m + ":2: missing field 'text' (fields: [txt, label])");
        Path n = write("n.jsonl", "{\"text\": [1], \"label\": 0}\n");
        assertError(n, TaskType.CLS, n + ":1: field 'text' must be a string or a number, got array");
        Path e = write("e.jsonl", "{\"source\": \"a\", \"target\": \" \"}\n{\"source\": \"a\", \"target\": \"b\"}\n");
        assertError(e, TaskType.SEQ2SEQ, e + ":1: field 'target' is empty");
        Path both = write("b.jsonl", "{\"text\": \"a\"}\n{\"text\": \"a\", \"prompt\": \"p\", \"response\": \"r\"}\n");
        assertError(both, TaskType.LM, both + ":2: give either 'text' or 'prompt' + 'response', not both");
        Path c = write("c.csv", "text,label\na,0\nb,1,extra\n");
        assertError(c, TaskType.CLS, c + ":3: 3 fields, the header has 2");
        Path q = write("q.csv", "text,label\n\"open,0\n");
        assertError(q, TaskType.CLS, q + ":2: unterminated quoted field");
        Path one = write("one.jsonl", "{\"text\": \"a\", \"label\": 0}\n{\"text\": \"b\", \"label\": 0}\n");
        assertError(one, TaskType.CLS, one + ": classification needs at least 2 distinct labels, found [0]");
        Path txt = write("d.txt", "x");
        assertError(txt, TaskType.LM, txt + ": unknown data format (expected a .jsonl, .json or .csv file)");
        Path bin = tmp.resolve("bin.jsonl");
        Files.write(bin, new byte[] {(byte) 0xff, (byte) 0xfe, 'x'});
        assertError(bin, TaskType.LM, bin + ": not UTF-8 text");
    }

    @Test
    void sizesAreBounded() throws Exception {
        Path f = write("s.jsonl", "{\"text\": \"abcdef\"}\n{\"text\": \"b\"}\n{\"text\": \"c\"}\n");
        assertThatThrownBy(() -> TextDataset.read(f, TaskType.LM, 0, 0.5, new TextRecords.Limits(10, 100, 100)))
                .hasMessage(f + ": " + Files.size(f) + " bytes exceed the limit of 10");
        assertThatThrownBy(() -> TextDataset.read(f, TaskType.LM, 0, 0.5, new TextRecords.Limits(1000, 2, 100)))
                .hasMessage(f + ":3: more than the limit of 2 rows");
        assertThatThrownBy(() -> TextDataset.read(f, TaskType.LM, 0, 0.5, new TextRecords.Limits(1000, 100, 5)))
                .hasMessage(f + ":1: field 'text' has 6 characters, more than the limit of 5");
        assertThatThrownBy(() -> TextDataset.read(f, TaskType.LM, 0, 1.0, LIM))
                .hasMessage("eval fraction must be in (0, 1), got 1.0");
    }

    void assertError(Path f, TaskType t, String message) {
        assertThatThrownBy(() -> TextDataset.read(f, t, 0, 0.5, LIM)).isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).startsWith(message).doesNotContain("\n"));
    }
}
