package cola4j.models.data;

import cola4j.tensor.Rng;
import java.util.ArrayList;
import java.util.List;

/**
 * The built-in algorithmic classification problems. Bodies are symbol token ids of length in a {@link LengthRange}.
 *
 * <p>Pretraining: {@code first_last}, {@code majority}, {@code is_sorted}, {@code contains}.
 * Downstream (per-user): {@code sum_mod_k}, {@code permuted_majority}, {@code count_symbol}.
 * Label functions are total (defined on any body) so tests can score one task's labels on another's inputs.
 */
public final class ClassificationProblems {
    /** Letters used by {@code majority} / {@code permuted_majority}: a..d. */
    static final int MAJORITY_SYMBOLS = 4;
    /** Letters used by {@code contains} / {@code count_symbol}: a..h. */
    static final int SMALL_ALPHABET = 8;
    /** {@code count_symbol} counts 0..MAX_COUNT occurrences. */
    static final int MAX_COUNT = 5;
    /** {@code sum_mod_k} uses k = K_MIN + user mod K_VARIANTS, i.e. 3..10. */
    static final int K_MIN = 3, K_VARIANTS = 8;

    private ClassificationProblems() {
    }

    // ---------------------------------------------------------------- pretraining

    /**
     * {@code first_last}: letters a..h; label = 1 if the last letter equals the first, else 0. Drawn balanced: the
     * letters are uniform, then with probability 1/2 the last is set to the first, else to a uniform other letter.
     * (It replaced {@code parity}, which a small transformer does not learn in a short pretraining run.)
     */
    public static ClassificationProblem firstLast(LengthRange len) {
        return new ClassificationProblem("first_last", "", 2, rng -> {
            int n = len.sample(rng);
            int[] b = new int[n];
            for (int i = 0; i < n; i++) b[i] = SymbolVocab.letter(rng.nextInt(SMALL_ALPHABET));
            int first = SymbolVocab.letterIndex(b[0]);
            b[n - 1] = rng.nextInt(2) == 1 ? b[0]
                    : SymbolVocab.letter((first + 1 + rng.nextInt(SMALL_ALPHABET - 1)) % SMALL_ALPHABET);
            return b;
        }, body -> body[0] == body[body.length - 1] ? 1 : 0);
    }

    /**
     * {@code majority}: letters a..d with a unique most frequent letter (rejection sampling); label = its index 0..3.
     */
    public static ClassificationProblem majority(LengthRange len) {
        return new ClassificationProblem("majority", "", MAJORITY_SYMBOLS, rng -> majorityBody(len, rng),
                ClassificationProblems::majorityLabel);
    }

    /** {@code is_sorted}: digits, half of them drawn sorted; label = 1 if non-decreasing else 0. */
    public static ClassificationProblem isSorted(LengthRange len) {
        return new ClassificationProblem("is_sorted", "", 2, rng -> {
            int[] b = new int[len.sample(rng)];
            for (int i = 0; i < b.length; i++) b[i] = SymbolVocab.digit(rng.nextInt(10));
            if (rng.nextInt(2) == 1) java.util.Arrays.sort(b);
            return b;
        }, body -> {
            for (int i = 1; i < body.length; i++) if (body[i] < body[i - 1]) return 0;
            return 1;
        });
    }

    /**
     * {@code contains}: letters a..h; the first letter is the query q; label = 1 if q occurs again in the rest.
     * Drawn balanced: with probability 1/2 the rest avoids q, else q is placed at 1..3 random positions of the rest.
     */
    public static ClassificationProblem contains(LengthRange len) {
        return new ClassificationProblem("contains", "", 2, rng -> {
            int n = len.sample(rng);
            int q = rng.nextInt(SMALL_ALPHABET);
            int[] b = new int[n];
            b[0] = SymbolVocab.letter(q);
            for (int i = 1; i < n; i++) {
                b[i] = SymbolVocab.letter((q + 1 + rng.nextInt(SMALL_ALPHABET - 1)) % SMALL_ALPHABET);
            }
            if (rng.nextInt(2) == 1) {
                int copies = 1 + rng.nextInt(3);
                for (int c = 0; c < copies; c++) b[1 + rng.nextInt(n - 1)] = b[0];
            }
            return b;
        }, body -> {
            for (int i = 1; i < body.length; i++) if (body[i] == body[0]) return 1;
            return 0;
        });
    }

    // ---------------------------------------------------------------- downstream (per user)

    /** The modulus of user {@code user} in {@code sum_mod_k}: {@code 3 + user mod 8} (users 0..7 all differ). */
    public static int sumModK(int user) {
        return K_MIN + TaskFamily.requireUser(user) % K_VARIANTS;
    }

    /** {@code sum_mod_k}: digits; label = (sum of digits) mod k with the user's k; numClasses = k. */
    public static ClassificationProblem sumModK(LengthRange len, int user) {
        int k = sumModK(user);
        return new ClassificationProblem("sum_mod_k", "k=" + k, k, rng -> {
            int[] b = new int[len.sample(rng)];
            for (int i = 0; i < b.length; i++) b[i] = SymbolVocab.digit(rng.nextInt(10));
            return b;
        }, body -> {
            int s = 0;
            for (int t : body) s += Math.max(0, SymbolVocab.digitValue(t));
            return s % k;
        });
    }

    /**
     * The label permutation of user {@code user} in {@code permuted_majority}: the {@code (user mod 9)}-th derangement
     * of {0,1,2,3} in lexicographic order (no label keeps its meaning; users 0..8 all differ).
     */
    public static int[] majorityDerangement(int user) {
        List<int[]> ds = derangements(MAJORITY_SYMBOLS);
        return ds.get(TaskFamily.requireUser(user) % ds.size()).clone();
    }

    /**
     * {@code permuted_majority}: the {@code majority} input; label = perm[majority letter] with the user's derangement.
     */
    public static ClassificationProblem permutedMajority(LengthRange len, int user) {
        int[] perm = majorityDerangement(user);
        return new ClassificationProblem("permuted_majority", "perm=" + java.util.Arrays.toString(perm),
                MAJORITY_SYMBOLS, rng -> majorityBody(len, rng), body -> perm[majorityLabel(body)]);
    }

    /** The counted letter index of user {@code user} in {@code count_symbol}: {@code user mod 8} (a..h). */
    public static int countSymbol(int user) {
        return TaskFamily.requireUser(user) % SMALL_ALPHABET;
    }

    /**
     * {@code count_symbol}: letters a..h; label = number of occurrences of the user's letter s, capped at 5.
     * Drawn balanced: a count c uniform in 0..min(5, n) is drawn, s is placed at c distinct positions,
     * the rest avoid s.
     */
    public static ClassificationProblem countSymbol(LengthRange len, int user) {
        int s = countSymbol(user);
        int sTok = SymbolVocab.letter(s);
        return new ClassificationProblem("count_symbol", "s=" + (char) ('a' + s), MAX_COUNT + 1, rng -> {
            int n = len.sample(rng);
            int c = rng.nextInt(Math.min(MAX_COUNT, n) + 1);
            int[] b = new int[n];
            for (int i = 0; i < n; i++) {
                b[i] = SymbolVocab.letter((s + 1 + rng.nextInt(SMALL_ALPHABET - 1)) % SMALL_ALPHABET);
            }
            int[] pos = rng.permutation(n);
            for (int i = 0; i < c; i++) b[pos[i]] = sTok;
            return b;
        }, body -> Math.min(MAX_COUNT, count(body, sTok)));
    }

    // ---------------------------------------------------------------- helpers

    private static int[] majorityBody(LengthRange len, Rng rng) {
        while (true) {
            int[] b = new int[len.sample(rng)];
            for (int i = 0; i < b.length; i++) b[i] = SymbolVocab.letter(rng.nextInt(MAJORITY_SYMBOLS));
            if (uniqueMax(b)) return b;
        }
    }

    private static boolean uniqueMax(int[] body) {
        int[] c = letterCounts(body);
        int best = majorityLabel(body);
        for (int i = 0; i < MAJORITY_SYMBOLS; i++) if (i != best && c[i] == c[best]) return false;
        return true;
    }

    /** Index (0..3) of the most frequent of the letters a..d; ties go to the smallest index. */
    static int majorityLabel(int[] body) {
        int[] c = letterCounts(body);
        int best = 0;
        for (int i = 1; i < MAJORITY_SYMBOLS; i++) if (c[i] > c[best]) best = i;
        return best;
    }

    private static int[] letterCounts(int[] body) {
        int[] c = new int[MAJORITY_SYMBOLS];
        for (int t : body) {
            int l = SymbolVocab.letterIndex(t);
            if (l >= 0 && l < MAJORITY_SYMBOLS) c[l]++;
        }
        return c;
    }

    private static int count(int[] body, int token) {
        int n = 0;
        for (int t : body) if (t == token) n++;
        return n;
    }

    /** All derangements (permutations without fixed points) of 0..n-1 in lexicographic order. */
    static List<int[]> derangements(int n) {
        List<int[]> out = new ArrayList<>();
        permute(new int[n], new boolean[n], 0, out);
        return out;
    }

    private static void permute(int[] cur, boolean[] used, int i, List<int[]> out) {
        if (i == cur.length) {
            out.add(cur.clone());
            return;
        }
        for (int v = 0; v < cur.length; v++) {
            if (used[v] || v == i) continue;
            used[v] = true;
            cur[i] = v;
            permute(cur, used, i + 1, out);
            used[v] = false;
        }
    }
}
