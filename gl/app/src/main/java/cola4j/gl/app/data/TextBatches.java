package cola4j.gl.app.data;

import cola4j.gl.app.data.TextDataset.Example;
import cola4j.gl.app.data.TextDataset.TaskType;
import cola4j.models.hf.HfInputs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Tokenized examples and padded batches in transformers' argument layout ({@link HfInputs}), with the loss masks of
 * each task type (−100 = no loss, PyTorch's {@code ignore_index}):
 * <pre>
 *   cls      input_ids = tok(text) with special tokens               labels [B][1] = class id
 *   lm       input_ids = tok(prompt) ++ tok(response) [++ eos]       labels = −100 × |tok(prompt)| ++ tok(response)
 *            (a text row: prompt = "", every token is a label)           [++ eos]; the model shifts them (GPT-2)
 *   seq2seq  input_ids = tok(source) with special tokens             labels = tok(target) with special tokens
 *                                                                    (BART derives decoder_input_ids from them)
 * </pre>
 * Prompt and response are tokenized separately (without special tokens) so that the boundary of the loss mask is a
 * token boundary. Batches are right-padded to their longest row: input_ids with {@code padId}, attention_mask 0,
 * labels −100.
 */
public final class TextBatches {
    /** PyTorch's {@code ignore_index}: a label that carries no loss. */
    public static final int IGNORE = -100;

    private TextBatches() {}

    /**
     * One tokenized example.
     *
     * @param line   the file line of the row
     * @param ids    input_ids
     * @param labels lm / seq2seq label ids (−100 where no loss); null for cls
     * @param label  cls class id; −1 otherwise
     */
    public record Encoded(int line, int[] ids, int[] labels, int label) {}

    /**
     * Tokenizes {@code examples} of a dataset of {@code file}.
     *
     * @param maxLength longest allowed input_ids / labels
     * @param vocabSize the model's vocabulary: every id must be below it
     * @param eosId     appended to lm rows when ≥ 0 (the model's end-of-text id), else nothing
     * @throws IllegalArgumentException {@code FILE:LINE: ...} for a row that is too long, has no scored token or
     *                                  holds an id the model cannot embed
     */
    public static List<Encoded> encode(Path file, TaskType type, List<Example> examples, HfTokenizer tok,
                                       int maxLength, int vocabSize, int eosId) {
        List<Encoded> out = new ArrayList<>();
        for (Example e : examples) {
            Encoded r = switch (type) {
                case CLS -> new Encoded(e.line(), tok.encode(e.input(), true), null, e.label());
                case SEQ2SEQ -> new Encoded(e.line(), tok.encode(e.input(), true), tok.encode(e.output(), true), -1);
                case LM -> lm(e, tok, eosId);
            };
            check(file, r, r.ids(), "input", maxLength, vocabSize);
            if (r.labels() != null) {
                check(file, r, r.labels(), "label", maxLength, vocabSize);
                if (Arrays.stream(r.labels()).allMatch(l -> l == IGNORE)) {
                    throw TextRecords.bad(file, r.line(), "no token carries a loss (empty "
                            + (type == TaskType.LM ? "response" : "target") + " after tokenization)");
                }
            }
            out.add(r);
        }
        return out;
    }

    private static Encoded lm(Example e, HfTokenizer tok, int eosId) {
        int[] p = e.input().isEmpty() ? new int[0] : tok.encode(e.input(), false);
        int[] r = tok.encode(e.output(), false);
        int n = p.length + r.length + (eosId >= 0 ? 1 : 0);
        int[] ids = new int[n], labels = new int[n];
        System.arraycopy(p, 0, ids, 0, p.length);
        System.arraycopy(r, 0, ids, p.length, r.length);
        Arrays.fill(labels, 0, p.length, IGNORE);
        System.arraycopy(r, 0, labels, p.length, r.length);
        if (eosId >= 0) ids[n - 1] = labels[n - 1] = eosId;
        return new Encoded(e.line(), ids, labels, -1);
    }

    private static void check(Path file, Encoded r, int[] ids, String what, int maxLength, int vocabSize) {
        if (ids.length == 0) throw TextRecords.bad(file, r.line(), "no " + what + " tokens");
        if (ids.length > maxLength) {
            throw TextRecords.bad(file, r.line(), ids.length + " " + what + " tokens, more than the maximum length "
                    + maxLength);
        }
        for (int id : ids) {
            if (id != IGNORE && (id < 0 || id >= vocabSize)) {
                throw TextRecords.bad(file, r.line(), "token id " + id + " is outside the model's vocabulary [0, "
                        + vocabSize + "): the tokenizer does not fit the model");
            }
        }
    }

    /** The rows as one right-padded batch for a model of {@code type}. */
    public static HfInputs batch(TaskType type, List<Encoded> rows, int padId) {
        int b = rows.size();
        int[][] ids = pad(rows.stream().map(Encoded::ids).toList(), padId);
        int[][] mask = new int[b][ids[0].length];
        for (int i = 0; i < b; i++) Arrays.fill(mask[i], 0, rows.get(i).ids().length, 1);
        int[][] labels;
        if (type == TaskType.CLS) {
            labels = new int[b][];
            for (int i = 0; i < b; i++) labels[i] = new int[] {rows.get(i).label()};
        } else {
            labels = pad(rows.stream().map(Encoded::labels).toList(), IGNORE);
        }
        return new HfInputs(ids, mask, null, null, labels);
    }

    private static int[][] pad(List<int[]> rows, int fill) {
        int t = rows.stream().mapToInt(r -> r.length).max().orElseThrow();
        int[][] out = new int[rows.size()][t];
        for (int i = 0; i < rows.size(); i++) {
            Arrays.fill(out[i], fill);
            System.arraycopy(rows.get(i), 0, out[i], 0, rows.get(i).length);
        }
        return out;
    }
}
