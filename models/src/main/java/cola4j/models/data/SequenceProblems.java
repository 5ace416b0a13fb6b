package cola4j.models.data;

import cola4j.tensor.Rng;
import java.util.Arrays;

/**
 * The built-in sequence problems over the 16 letters a..p (token ids {@link SymbolVocab#letter}).
 *
 * <p>Pretraining: {@code copy} (y = x), {@code reverse} (y_i = x_{n-1-i}), {@code sort} (ascending a..p).
 * Downstream, per user:
 * <ul>
 *   <li>{@code shift}: y_i = letter((x_i + k) mod 16) with k = 1 + user mod 15;</li>
 *   <li>{@code cipher}: y_i = letter(pi(x_i)) with the user's substitution pi, a derangement of 0..15 drawn from
 *       {@code new Rng(CIPHER_SALT + user)} (no letter maps to itself);</li>
 *   <li>{@code rotate}: rotate left by r, y_i = x_{(i + r) mod n}, with r = 1 + user mod (minLen - 1), so 0
 *       &lt; r &lt; n.</li>
 * </ul>
 */
public final class SequenceProblems {
    /** Number of letters the sequence problems use (a..p). */
    public static final int ALPHABET = 16;
    /** Salt of the per-user cipher seeds. */
    static final long CIPHER_SALT = 0x5EC0_C1F3_0000L;

    private SequenceProblems() {
    }

    /** An input body: length uniform in {@code len}, letters uniform over a..p (i.i.d.). */
    public static int[] sampleInput(LengthRange len, Rng rng) {
        int[] x = new int[len.sample(rng)];
        for (int i = 0; i < x.length; i++) x[i] = SymbolVocab.letter(rng.nextInt(ALPHABET));
        return x;
    }

    /** {@code copy}: the input unchanged. */
    public static SequenceProblem copy() {
        return new SequenceProblem("copy", "", x -> x);
    }

    /** {@code reverse}: the input reversed. */
    public static SequenceProblem reverse() {
        return new SequenceProblem("reverse", "", x -> {
            int[] y = new int[x.length];
            for (int i = 0; i < x.length; i++) y[i] = x[x.length - 1 - i];
            return y;
        });
    }

    /** {@code sort}: the input letters sorted ascending. */
    public static SequenceProblem sort() {
        return new SequenceProblem("sort", "", x -> {
            Arrays.sort(x);
            return x;
        });
    }

    /** The shift of user {@code user}: {@code 1 + user mod 15} (users 0..14 all differ, never 0). */
    public static int shiftAmount(int user) {
        return 1 + TaskFamily.requireUser(user) % (ALPHABET - 1);
    }

    /** {@code shift}: every letter moved forward by the user's k, modulo 16. */
    public static SequenceProblem shift(int user) {
        int k = shiftAmount(user);
        return new SequenceProblem("shift", "k=" + k, x -> mapLetters(x, i -> (i + k) % ALPHABET));
    }

    /** The substitution of user {@code user}: a derangement of 0..15 drawn deterministically from the user id. */
    public static int[] cipherTable(int user) {
        Rng rng = new Rng(CIPHER_SALT + TaskFamily.requireUser(user));
        while (true) {
            int[] p = rng.permutation(ALPHABET);
            boolean fixed = false;
            for (int i = 0; i < ALPHABET; i++) fixed |= p[i] == i;
            if (!fixed) return p;
        }
    }

    /** {@code cipher}: every letter substituted by the user's {@link #cipherTable}. */
    public static SequenceProblem cipher(int user) {
        int[] table = cipherTable(user);
        StringBuilder sb = new StringBuilder("table=");
        for (int v : table) sb.append((char) ('a' + v));
        return new SequenceProblem("cipher", sb.toString(), x -> mapLetters(x, i -> table[i]));
    }

    /**
     * The left rotation of user {@code user} for bodies of at least {@code minLen}: {@code 1 + user mod (minLen - 1)}.
     */
    public static int rotateAmount(int user, int minLen) {
        return 1 + TaskFamily.requireUser(user) % (minLen - 1);
    }

    /** {@code rotate}: rotate left by the user's r (r &lt; minLen, so never the identity rotation). */
    public static SequenceProblem rotate(int user, LengthRange len) {
        int r = rotateAmount(user, len.min());
        return new SequenceProblem("rotate", "r=" + r, x -> {
            int n = x.length;
            int[] y = new int[n];
            for (int i = 0; i < n; i++) y[i] = x[(i + r) % n];
            return y;
        });
    }

    private static int[] mapLetters(int[] x, java.util.function.IntUnaryOperator f) {
        int[] y = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            int l = SymbolVocab.letterIndex(x[i]);
            if (l < 0) {
                throw new IllegalArgumentException("SequenceProblems: token " + x[i] + " (" + SymbolVocab.name(x[i])
                        + ") is not a letter");
            }
            y[i] = SymbolVocab.letter(f.applyAsInt(l));
        }
        return y;
    }
}
