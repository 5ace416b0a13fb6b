package cola4j.gl.app.ftaas;

import cola4j.gl.app.command.Limits;
import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.gl.optim.OptimizerKind;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * Per-user settings as cycling patterns: every list is a pattern {@code v₀~v₁~…~v_{n−1}} (a single value is a
 * pattern of length 1), and user u gets entry u mod n of each list independently. So {@code aux = lowrank~linear},
 * {@code ranks = 4~8}, {@code intervals = 1~2~3}, {@code optimizers = sgd~adamw} gives K = 4 users (lowrank r4 I1 sgd),
 * (linear r8 I2 adamw), (lowrank r4 I3 sgd), (linear r8 I1 adamw).
 *
 * @param aux        auxiliary types
 * @param ranks      LoRA ranks (used by lowrank users), each ≥ 1
 * @param intervals  adaptation intervals I (batches per optimizer step), each ≥ 1
 * @param optimizers optimizers
 * @param lrs        learning rates, each finite and &gt; 0
 */
public record UserPattern(List<AuxiliaryKind> aux, List<Integer> ranks, List<Integer> intervals,
                          List<OptimizerKind> optimizers, List<Double> lrs) {
    public UserPattern {
        aux = List.copyOf(aux);
        ranks = List.copyOf(ranks);
        intervals = List.copyOf(intervals);
        optimizers = List.copyOf(optimizers);
        lrs = List.copyOf(lrs);
        if (aux.isEmpty() || ranks.isEmpty() || intervals.isEmpty() || optimizers.isEmpty() || lrs.isEmpty()) {
            throw new IllegalArgumentException("user pattern: every pattern needs at least one entry");
        }
        for (int r : ranks) if (r < 1) throw new IllegalArgumentException("user pattern: rank must be >= 1, got " + r);
        for (int i : intervals) {
            if (i < 1) throw new IllegalArgumentException("user pattern: interval must be >= 1, got " + i);
        }
        for (double lr : lrs) {
            if (!(lr > 0) || !Double.isFinite(lr)) {
                throw new IllegalArgumentException("user pattern: lr must be finite and > 0, got " + lr);
            }
        }
    }

    /** The same setting for every user. */
    public static UserPattern uniform(AuxiliaryKind aux, int rank, int interval, OptimizerKind optimizer, double lr) {
        return new UserPattern(List.of(aux), List.of(rank), List.of(interval), List.of(optimizer), List.of(lr));
    }

    /**
     * The entries of {@code pattern} split on {@code ~} (trimmed); IllegalArgumentException for an empty entry or more
     * than {@link Limits#MAX_USERS} entries (user u takes entry u mod n, so more could never be used).
     */
    public static List<String> entries(String pattern) {
        String[] parts = pattern.split("~", -1);
        if (parts.length > Limits.MAX_USERS) {
            throw new IllegalArgumentException("'" + pattern.substring(0, 20) + "...' has " + parts.length
                    + " entries, at most " + Limits.MAX_USERS + " (one per user)");
        }
        List<String> out = new ArrayList<>();
        for (String p : parts) {
            String t = p.trim();
            if (t.isEmpty()) throw new IllegalArgumentException("'" + pattern + "' has an empty entry (use v1~v2~...)");
            out.add(t);
        }
        return out;
    }

    /** Integer entries, each in [{@code min}, {@code max}] (max from {@link Limits}). */
    public static List<Integer> ints(String pattern, int min, int max) {
        List<Integer> out = new ArrayList<>();
        for (String e : entries(pattern)) {
            int v;
            try {
                v = Integer.parseInt(e);
            } catch (NumberFormatException x) {
                throw new IllegalArgumentException("entry '" + e + "' of '" + pattern + "' is not an integer");
            }
            if (v < min) throw new IllegalArgumentException("entry " + v + " of '" + pattern + "' must be >= " + min);
            if (v > max) throw new IllegalArgumentException("entry " + v + " of '" + pattern + "' must be <= " + max);
            out.add(v);
        }
        return out;
    }

    /** Entries that are finite numbers in (0, {@code max}]. */
    public static List<Double> positives(String pattern, double max) {
        List<Double> out = new ArrayList<>();
        for (String e : entries(pattern)) {
            double v;
            try {
                v = Double.parseDouble(e);
            } catch (NumberFormatException x) {
                throw new IllegalArgumentException("entry '" + e + "' of '" + pattern + "' is not a number");
            }
            if (!(v > 0) || !Double.isFinite(v)) {
                throw new IllegalArgumentException("entry " + e + " of '" + pattern + "' must be finite and > 0");
            }
            if (v > max) throw new IllegalArgumentException("entry " + e + " of '" + pattern + "' must be <= " + max);
            out.add(v);
        }
        return out;
    }

    /** Word entries parsed by {@code parse} (e.g. {@link AuxiliaryKind#parse}); its error message is kept. */
    public static <E> List<E> words(String pattern, Function<String, E> parse) {
        return entries(pattern).stream().map(parse).toList();
    }

    /** User u's spec: entry u mod n of every pattern, MLP hidden width {@code mlpHidden}, seed {@code seed + u}. */
    public UserSpec user(int u, int mlpHidden, long seed) {
        return new UserSpec(u, aux.get(u % aux.size()), ranks.get(u % ranks.size()), mlpHidden,
                intervals.get(u % intervals.size()), optimizers.get(u % optimizers.size()), lrs.get(u % lrs.size()),
                seed + u);
    }

    /** Users 0 … K−1 ({@link #user}). */
    public List<UserSpec> cycle(int users, int mlpHidden, long seed) {
        if (users < 1) throw new IllegalArgumentException("users must be >= 1, got " + users);
        return IntStream.range(0, users).mapToObj(u -> user(u, mlpHidden, seed)).toList();
    }

    /** Whether every pattern has one entry (all users alike but for their seeds). */
    public boolean isUniform() {
        return aux.size() == 1 && ranks.size() == 1 && intervals.size() == 1 && optimizers.size() == 1
                && lrs.size() == 1;
    }
}
