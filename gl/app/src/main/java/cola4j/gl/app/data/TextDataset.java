package cola4j.gl.app.data;

import cola4j.tensor.Rng;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * A text dataset of one task type read from a JSONL/CSV file ({@link TextRecords}), split into train and eval rows by
 * a seeded rule.
 * <ul>
 *   <li>{@code cls} (sequence classification): fields {@code text}, {@code label}. Labels that are all non-negative
 *       integers are the class ids; otherwise the distinct label strings in sorted order are classes 0..K−1
 *       ({@link #labels()});</li>
 *   <li>{@code lm} (causal LM): {@code text} (loss on every token), or {@code prompt} + {@code response} (loss on the
 *       response only);</li>
 *   <li>{@code seq2seq}: {@code source}, {@code target}.</li>
 * </ul>
 * Other fields are ignored. A row without its fields, with an empty required field, or with both {@code text} and
 * {@code prompt}/{@code response} (lm) is a one-line error naming the file and line.
 *
 * <p>Split: with π = {@code new Rng(seed).permutation(n)}, rows π[0..e−1] are the eval split, e = max(1,
 * round(evalFraction · n)), the others the train split; both keep file order. Needs n ≥ 2 and 0 < evalFraction < 1.
 *
 * @param type     the task type
 * @param file     the file read
 * @param train    training examples (file order)
 * @param eval     held-out examples (file order)
 * @param labels   cls: class names by id (integers: "0".."K−1"); empty otherwise
 */
public record TextDataset(TaskType type, Path file, List<Example> train, List<Example> eval, List<String> labels) {
    /** The three task types and their command-line names. */
    public enum TaskType {
        CLS, LM, SEQ2SEQ;

        public String cliName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** cls, lm or seq2seq; IllegalArgumentException listing them otherwise. */
        public static TaskType parse(String s) {
            for (TaskType t : values()) if (t.cliName().equals(s)) return t;
            throw new IllegalArgumentException("task type '" + s + "' is not one of cls, lm, seq2seq");
        }
    }

    /**
     * One example. cls: {@code input} = text, {@code label} = class id, {@code output} null; lm: {@code input} =
     * prompt ("" for a {@code text} row: loss on all of it), {@code output} = response or text; seq2seq: source and
     * target.
     *
     * @param line   the file line the row starts on
     * @param input  text / prompt / source
     * @param output null / response or text / target
     * @param label  class id (cls), else −1
     */
    public record Example(int line, String input, String output, int label) {}

    public TextDataset {
        train = List.copyOf(train);
        eval = List.copyOf(eval);
        labels = List.copyOf(labels);
    }

    /** Reads and splits {@code file}. */
    public static TextDataset read(Path file, TaskType type, long seed, double evalFraction,
                                   TextRecords.Limits lim) throws IOException {
        if (!(evalFraction > 0 && evalFraction < 1)) {
            throw new IllegalArgumentException("eval fraction must be in (0, 1), got " + evalFraction);
        }
        List<TextRecords.Row> rows = TextRecords.read(file, lim);
        List<String> labels = type == TaskType.CLS ? labels(file, rows) : List.of();
        List<Example> all = new ArrayList<>();
        for (TextRecords.Row r : rows) all.add(example(file, type, r, labels));
        int n = all.size();
        if (n < 2) throw new IllegalArgumentException(file + ": " + n + " row; a train/eval split needs at least 2");
        int e = Math.max(1, (int) Math.round(evalFraction * n));
        if (e >= n) e = n - 1;
        int[] perm = new Rng(seed).permutation(n);
        boolean[] isEval = new boolean[n];
        for (int i = 0; i < e; i++) isEval[perm[i]] = true;
        List<Example> train = new ArrayList<>(), eval = new ArrayList<>();
        for (int i = 0; i < n; i++) (isEval[i] ? eval : train).add(all.get(i));
        return new TextDataset(type, file, train, eval, labels);
    }

    private static Example example(Path file, TaskType type, TextRecords.Row r, List<String> labels) {
        Map<String, String> f = r.fields();
        return switch (type) {
            case CLS -> new Example(r.line(), required(file, r, "text"), null,
                    labelId(labels, required(file, r, "label").strip()));
            case SEQ2SEQ -> new Example(r.line(), required(file, r, "source"), required(file, r, "target"), -1);
            case LM -> {
                boolean text = f.containsKey("text"), pr = f.containsKey("prompt") || f.containsKey("response");
                if (text && pr) {
                    throw TextRecords.bad(file, r.line(), "give either 'text' or 'prompt' + 'response', not both");
                }
                yield text ? new Example(r.line(), "", required(file, r, "text"), -1)
                        : new Example(r.line(), required(file, r, "prompt"), required(file, r, "response"), -1);
            }
        };
    }

    /** The class id of a label: its index in {@code labels}, or its value when integer labels are written "007". */
    private static int labelId(List<String> labels, String l) {
        int i = labels.indexOf(l);
        return i >= 0 ? i : Integer.parseInt(l);
    }

    private static String required(Path file, TextRecords.Row r, String key) {
        String v = r.fields().get(key);
        if (v == null) {
            throw TextRecords.bad(file, r.line(), "missing field '" + key + "' (fields: " + r.fields().keySet() + ")");
        }
        if (v.isBlank()) throw TextRecords.bad(file, r.line(), "field '" + key + "' is empty");
        return v;
    }

    /** Class names by id: integer labels 0..max, else the sorted distinct strings. */
    private static List<String> labels(Path file, List<TextRecords.Row> rows) {
        TreeSet<String> names = new TreeSet<>();
        boolean ints = true;
        int max = -1;
        for (TextRecords.Row r : rows) {
            String l = required(file, r, "label").strip();
            names.add(l);
            if (ints && l.matches("\\d{1,9}")) max = Math.max(max, Integer.parseInt(l));
            else ints = false;
        }
        if (names.size() < 2) {
            throw new IllegalArgumentException(file + ": classification needs at least 2 distinct labels, found "
                    + names);
        }
        if (!ints) return new ArrayList<>(names);
        String[] ids = new String[max + 1];
        Arrays.setAll(ids, Integer::toString);
        return Arrays.asList(ids);
    }
}
