package cola4j.models.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Text &lt;-&gt; token ids over {@link SymbolVocab}, and padding to a fixed length with attention masks.
 *
 * <p>Text format: every symbol is one character ({@code 0-9}, {@code a-p}); a special or task-prefix token is written
 * by its name in angle brackets ({@code <bos>}, {@code <sep>}, {@code <first_last>}). No whitespace. Example:
 * {@code "<bos><copy>abc<sep>abc<eos>"}. {@code decode(encode(s)).equals(s)} for every valid text {@code s}.
 *
 * <p>Masks: {@code 1} = real token, {@code 0} = padding ({@link SymbolVocab#PAD}); padding goes on the right.
 */
public final class Tokenizer {
    private Tokenizer() {
    }

    /** Token ids and attention mask, both [B, T]. */
    public record Padded(int[][] tokens, int[][] mask) {
    }

    /** Ids of a text; IllegalArgumentException naming the offending position for unknown characters or names. */
    public static int[] encode(String text) {
        List<Integer> ids = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '<') {
                int end = text.indexOf('>', i);
                if (end < 0) {
                    throw new IllegalArgumentException("Tokenizer.encode: unclosed '<' at position " + i
                            + " in \"" + text + "\"");
                }
                ids.add(SymbolVocab.id(text.substring(i, end + 1)));
                i = end + 1;
            } else {
                if (SymbolVocab.SYMBOLS.indexOf(c) < 0)
                    throw new IllegalArgumentException("Tokenizer.encode: '" + c + "' at position " + i
                            + " is not a symbol (" + SymbolVocab.SYMBOLS + ") in \"" + text + "\"");
                ids.add(SymbolVocab.symbol(c));
                i++;
            }
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Text of ids (every id, padding included, rendered by its {@link SymbolVocab#name}). */
    public static String decode(int[] ids) {
        StringBuilder sb = new StringBuilder();
        for (int id : ids) sb.append(SymbolVocab.name(id));
        return sb.toString();
    }

    /** Text of the real tokens only (positions where {@code mask == 1}). */
    public static String decode(int[] ids, int[] mask) {
        if (ids.length != mask.length)
            throw new IllegalArgumentException("Tokenizer.decode: ids length " + ids.length
                    + " != mask length " + mask.length);
        StringBuilder sb = new StringBuilder();
        for (int t = 0; t < ids.length; t++) if (mask[t] == 1) sb.append(SymbolVocab.name(ids[t]));
        return sb.toString();
    }

    /** {@code ids} right-padded with PAD to {@code length}; IllegalArgumentException if longer. */
    public static int[] pad(int[] ids, int length) {
        return padWith(ids, length, SymbolVocab.PAD);
    }

    /** {@code ids} right-padded with {@code fill} to {@code length}; IllegalArgumentException if longer. */
    public static int[] padWith(int[] ids, int length, int fill) {
        if (ids.length > length)
            throw new IllegalArgumentException("Tokenizer.pad: sequence of length " + ids.length
                    + " exceeds pad length " + length);
        int[] out = Arrays.copyOf(ids, length);
        Arrays.fill(out, ids.length, length, fill);
        return out;
    }

    /** Mask of a sequence of {@code realLength} real tokens padded to {@code length}: [1]*real + [0]*rest. */
    public static int[] mask(int realLength, int length) {
        if (realLength > length)
            throw new IllegalArgumentException("Tokenizer.mask: real length " + realLength
                    + " exceeds pad length " + length);
        int[] m = new int[length];
        Arrays.fill(m, 0, realLength, 1);
        return m;
    }

    /** Pads every sequence to {@code length}; tokens and mask are [B, length]. */
    public static Padded padBatch(List<int[]> seqs, int length) {
        int[][] tokens = new int[seqs.size()][];
        int[][] mask = new int[seqs.size()][];
        for (int b = 0; b < seqs.size(); b++) {
            tokens[b] = pad(seqs.get(b), length);
            mask[b] = mask(seqs.get(b).length, length);
        }
        return new Padded(tokens, mask);
    }
}
