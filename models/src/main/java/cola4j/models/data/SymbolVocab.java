package cola4j.models.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The fixed token vocabulary shared by every built-in sequence task (classification, decoder LM and seq2seq).
 *
 * <p>Layout of the ids (stable; checkpoints depend on it):
 * <pre>
 *   0 PAD   1 BOS   2 EOS   3 SEP   4 CLS              special tokens
 *   5 ..  5+|TASKS|-1                                   one task-prefix token per task name, in {@link #TASKS} order
 *   SYMBOL_BASE .. SYMBOL_BASE+|SYMBOLS|-1              one token per symbol character of {@link #SYMBOLS}
 * </pre>
 * Token names: specials are {@code <pad> <bos> <eos> <sep> <cls>}, a task prefix is {@code <name>} (e.g.
 * {@code <first_last>}), a symbol is its single character ({@code 0}..{@code 9}, {@code a}..{@code p}).
 *
 * <p>Every task name, pretraining or downstream, owns a prefix token. Downstream prefixes never occur in pretraining
 * batches, so in a pretrained base model their embeddings are untouched (random init): adapters learn to use them.
 * All user variants of a downstream task share its prefix (the user is not visible in the input).
 *
 * <p>Targets use {@link #IGNORE_INDEX} ({@code -100}, as PyTorch's {@code cross_entropy}) at positions
 * that carry no loss.
 */
public final class SymbolVocab {
    /** Target value meaning "no loss and no metric at this position": {@link cola4j.autograd.Losses#IGNORE_INDEX}. */
    public static final int IGNORE_INDEX = cola4j.autograd.Losses.IGNORE_INDEX;

    public static final int PAD = 0;
    public static final int BOS = 1;
    public static final int EOS = 2;
    public static final int SEP = 3;
    public static final int CLS = 4;
    private static final List<String> SPECIALS = List.of("<pad>", "<bos>", "<eos>", "<sep>", "<cls>");

    /** All task names that own a prefix token, in id order (classification, then sequence tasks). */
    public static final List<String> TASKS = List.of(
            // encoder classification: pretraining
            "first_last", "majority", "is_sorted", "contains",
            // encoder classification: downstream
            "sum_mod_k", "permuted_majority", "count_symbol",
            // LM / seq2seq: pretraining
            "copy", "reverse", "sort",
            // LM / seq2seq: downstream
            "shift", "cipher", "rotate");

    /** The symbol characters, in id order: digits 0-9 then letters a-p. */
    public static final String SYMBOLS = "0123456789abcdefghijklmnop";

    /** Id of the first task-prefix token. */
    public static final int TASK_BASE = SPECIALS.size();
    /** Id of the first symbol token (symbol {@code '0'}). */
    public static final int SYMBOL_BASE = TASK_BASE + TASKS.size();
    /** Number of token ids: {@code SYMBOL_BASE + SYMBOLS.length()}. */
    public static final int SIZE = SYMBOL_BASE + SYMBOLS.length();

    private static final List<String> NAMES;
    private static final Map<String, Integer> IDS;

    static {
        List<String> names = new ArrayList<>(SPECIALS);
        for (String t : TASKS) names.add("<" + t + ">");
        for (char c : SYMBOLS.toCharArray()) names.add(String.valueOf(c));
        NAMES = Collections.unmodifiableList(names);
        Map<String, Integer> ids = new HashMap<>();
        for (int i = 0; i < names.size(); i++) ids.put(names.get(i), i);
        IDS = Collections.unmodifiableMap(ids);
    }

    private SymbolVocab() {
    }

    /** Number of token ids (the embedding table and LM head size). */
    public static int size() {
        return SIZE;
    }

    /** The prefix token id of a task name; IllegalArgumentException listing the names if unknown. */
    public static int taskToken(String task) {
        int i = TASKS.indexOf(task);
        if (i < 0) {
            throw new IllegalArgumentException("SymbolVocab.taskToken: unknown task '" + task
                    + "'; available: " + TASKS);
        }
        return TASK_BASE + i;
    }

    /** Token id of a symbol character ({@code '0'..'9', 'a'..'p'}). */
    public static int symbol(char c) {
        int i = SYMBOLS.indexOf(c);
        if (i < 0) {
            throw new IllegalArgumentException("SymbolVocab.symbol: '" + c + "' is not a symbol; symbols: " + SYMBOLS);
        }
        return SYMBOL_BASE + i;
    }

    /** Token id of the digit {@code d} in 0..9. */
    public static int digit(int d) {
        if (d < 0 || d > 9) throw new IllegalArgumentException("SymbolVocab.digit: " + d + " not in 0..9");
        return SYMBOL_BASE + d;
    }

    /** Token id of the {@code i}-th letter (0 = 'a' .. 15 = 'p'). */
    public static int letter(int i) {
        if (i < 0 || i >= 16) throw new IllegalArgumentException("SymbolVocab.letter: " + i + " not in 0..15");
        return SYMBOL_BASE + 10 + i;
    }

    /** Index of a letter token in 0..15 (inverse of {@link #letter}); -1 if the id is not a letter. */
    public static int letterIndex(int id) {
        int i = id - SYMBOL_BASE - 10;
        return (i >= 0 && i < 16) ? i : -1;
    }

    /** Value of a digit token in 0..9 (inverse of {@link #digit}); -1 if the id is not a digit. */
    public static int digitValue(int id) {
        int i = id - SYMBOL_BASE;
        return (i >= 0 && i < 10) ? i : -1;
    }

    /** True for symbol tokens (digits and letters). */
    public static boolean isSymbol(int id) {
        return id >= SYMBOL_BASE && id < SIZE;
    }

    /** The name of a token id ({@code <pad>}, {@code <first_last>}, {@code 7}, {@code c}, ...). */
    public static String name(int id) {
        if (id < 0 || id >= SIZE) {
            throw new IllegalArgumentException("SymbolVocab.name: id " + id + " not in 0.." + (SIZE - 1));
        }
        return NAMES.get(id);
    }

    /** The id of a token name; IllegalArgumentException if unknown. */
    public static int id(String name) {
        Integer id = IDS.get(name);
        if (id == null) throw new IllegalArgumentException("SymbolVocab.id: unknown token '" + name + "'");
        return id;
    }

    /** All token names in id order. */
    public static List<String> names() {
        return NAMES;
    }
}
