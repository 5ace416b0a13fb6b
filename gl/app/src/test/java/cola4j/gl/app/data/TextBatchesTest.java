package cola4j.gl.app.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cola4j.autograd.GradMode;
import cola4j.gl.app.data.TextBatches.Encoded;
import cola4j.gl.app.data.TextDataset.Example;
import cola4j.gl.app.data.TextDataset.TaskType;
import cola4j.models.ForwardContext;
import cola4j.models.hf.HfInputs;
import cola4j.models.hf.HfLoader;
import cola4j.models.hf.HfModel;
import cola4j.tensor.DType;
import cola4j.tensor.Tensor;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link TextBatches} with the committed WordLevel tokenizer: ids and loss masks per task type, padding, errors; and
 * an lm batch fed to the GPT-2 fixture of tests/ gives transformers' loss, recomputed here from the logits alone.
 */
class TextBatchesTest {
    static HfTokenizer tok;
    static final Path F = Path.of("data.jsonl");

    @BeforeAll
    static void load() throws Exception {
        tok = HfTokenizer.load(HfTokenizerTest.TINY);
    }

    @AfterAll
    static void close() {
        tok.close();
    }

    @Test
    void idsAndLossMasksPerTaskType() {
        List<Encoded> cls = TextBatches.encode(F, TaskType.CLS, List.of(new Example(1, "The cat sat", null, 1),
                new Example(2, "a dog", null, 0)), tok, 16, 16, -1);
        HfInputs c = TextBatches.batch(TaskType.CLS, cls, 0);
        assertThat(c.inputIds()).isDeepEqualTo(new int[][] {{2, 4, 5, 6, 3}, {2, 13, 14, 3, 0}});
        assertThat(c.attentionMask()).isDeepEqualTo(new int[][] {{1, 1, 1, 1, 1}, {1, 1, 1, 1, 0}});
        assertThat(c.labels()).isDeepEqualTo(new int[][] {{1}, {0}});

        List<Encoded> lm = TextBatches.encode(F, TaskType.LM, List.of(new Example(1, "the cat", "sat on the mat", -1),
                new Example(2, "", "dog ran", -1)), tok, 16, 16, 3);
        HfInputs l = TextBatches.batch(TaskType.LM, lm, 0);
        assertThat(l.inputIds()).isDeepEqualTo(new int[][] {{4, 5, 6, 7, 4, 8, 3}, {14, 15, 3, 0, 0, 0, 0}});
        assertThat(l.labels()).isDeepEqualTo(new int[][] {{-100, -100, 6, 7, 4, 8, 3},
                {14, 15, 3, -100, -100, -100, -100}});

        List<Encoded> s2s = TextBatches.encode(F, TaskType.SEQ2SEQ, List.of(new Example(4, "the cat", "sat", -1)),
                tok, 16, 16, -1);
        HfInputs s = TextBatches.batch(TaskType.SEQ2SEQ, s2s, 1);
        assertThat(s.inputIds()).isDeepEqualTo(new int[][] {{2, 4, 5, 3}});
        assertThat(s.labels()).isDeepEqualTo(new int[][] {{2, 6, 3}});
    }

    @Test
    void tooLongRowsAndIdsOutsideTheVocabularyNameTheLine() {
        List<Example> ex = List.of(new Example(7, "the cat sat on the mat", null, 0));
        assertThatThrownBy(() -> TextBatches.encode(F, TaskType.CLS, ex, tok, 5, 16, -1))
                .hasMessage("data.jsonl:7: 8 input tokens, more than the maximum length 5");
        List<Example> dog = List.of(new Example(9, "", "dog", -1));
        assertThatThrownBy(() -> TextBatches.encode(F, TaskType.LM, dog, tok, 16, 14, -1))
                .hasMessage("data.jsonl:9: token id 14 is outside the model's vocabulary [0, 14): the tokenizer does"
                        + " not fit the model");
    }

    /** transformers' GPT-2 loss: mean over t with labels[t+1] != -100 of −log softmax(logits[t])[labels[t+1]]. */
    @Test
    void anLmBatchGivesTransformersLossOnTheGpt2Fixture() throws Exception {
        HfModel m = HfLoader.load(Path.of("../../tests/src/test/resources/hf/gpt2"), DType.FLOAT64).model();
        List<Encoded> rows = TextBatches.encode(F, TaskType.LM, List.of(new Example(1, "the cat", "sat on", -1),
                new Example(2, "", "a dog ran", -1)), tok, 12, 50, 0);
        HfInputs in = TextBatches.batch(TaskType.LM, rows, 0);
        double loss, want = 0;
        int n = 0;
        try (var g = GradMode.noGrad()) {
            loss = m.loss(in, ForwardContext.eval()).value().item();
            Tensor z = m.logits(in, ForwardContext.eval()).value(); // [B, T, V]
            int t = z.shape()[1], v = z.shape()[2];
            for (int b = 0; b < 2; b++) {
                for (int p = 0; p + 1 < t; p++) {
                    int y = in.labels()[b][p + 1];
                    if (y == -100) continue;
                    double mx = Double.NEGATIVE_INFINITY, s = 0;
                    for (int k = 0; k < v; k++) mx = Math.max(mx, z.getFlat((b * t + p) * v + k));
                    for (int k = 0; k < v; k++) s += Math.exp(z.getFlat((b * t + p) * v + k) - mx);
                    want += -(z.getFlat((b * t + p) * v + y) - mx - Math.log(s));
                    n++;
                }
            }
        }
        assertThat(n).as("scored positions: 2 + eos, and 2 + eos").isEqualTo(3 + 3);
        assertThat(Math.abs(loss - want / n) / Math.abs(want / n)).isLessThanOrEqualTo(1e-12);
    }
}
