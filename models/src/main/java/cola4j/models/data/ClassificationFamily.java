package cola4j.models.data;

import java.util.List;

/**
 * The encoder-classifier task family.
 *
 * <p>Pretraining mixture: {@code first_last}, {@code majority}, {@code is_sorted}, {@code contains}
 * (see {@link ClassificationProblems} for the exact definitions). {@code first_last} replaced {@code parity}, which the
 * small encoder does not learn within the one-minute pretraining budget (it stayed at chance, 0.5–0.64).
 * Downstream, per user:
 * <ul>
 *   <li>{@code sum_mod_k}: sum of digits mod k, k = 3 + user mod 8 (k classes);</li>
 *   <li>{@code permuted_majority}: majority letter relabelled by the user's derangement of 4 labels (user mod 9);</li>
 *   <li>{@code count_symbol}: occurrences (0..5) of the user's letter a..h (user mod 8).</li>
 * </ul>
 * All tasks share the padded length {@code len.max() + 2} and {@link SymbolVocab}; labels never exceed
 * {@link #MAX_CLASSES}.
 */
public final class ClassificationFamily implements TaskFamily<ClassificationBatch> {
    /** Upper bound on numClasses over every task of the family (sum_mod_k with k = 10). */
    public static final int MAX_CLASSES = 10;
    private static final List<String> PRETRAIN = List.of("first_last", "majority", "is_sorted", "contains");
    private static final List<String> DOWNSTREAM = List.of("sum_mod_k", "permuted_majority", "count_symbol");

    private final LengthRange len;

    /** A family drawing bodies of lengths in {@code len}. */
    public ClassificationFamily(LengthRange len) {
        this.len = len;
    }

    /** A family with {@link LengthRange#DEFAULT} (6..12 symbols). */
    public ClassificationFamily() {
        this(LengthRange.DEFAULT);
    }

    /** Padded sequence length T of every batch of the family. */
    public int seqLen() {
        return len.max() + 2;
    }

    /** The body length range. */
    public LengthRange lengths() {
        return len;
    }

    @Override
    public List<String> pretrainingNames() {
        return PRETRAIN;
    }

    @Override
    public List<String> downstreamNames() {
        return DOWNSTREAM;
    }

    @Override
    public ClassificationTask pretraining() {
        return new ClassificationTask("pretrain", PRETRAIN.stream().map(this::problem).toList(), len);
    }

    @Override
    public ClassificationTask pretraining(String name) {
        if (!PRETRAIN.contains(name)) throw TaskFamily.unknown("classification pretraining", name, PRETRAIN);
        return new ClassificationTask(name, List.of(problem(name)), len);
    }

    @Override
    public ClassificationTask downstream(String name, int user) {
        TaskFamily.requireUser(user);
        ClassificationProblem p = switch (name) {
            case "sum_mod_k" -> ClassificationProblems.sumModK(len, user);
            case "permuted_majority" -> ClassificationProblems.permutedMajority(len, user);
            case "count_symbol" -> ClassificationProblems.countSymbol(len, user);
            default -> throw TaskFamily.unknown("classification downstream", name, DOWNSTREAM);
        };
        return new ClassificationTask(name, List.of(p), len);
    }

    /** A pretraining problem by name. */
    private ClassificationProblem problem(String name) {
        return switch (name) {
            case "first_last" -> ClassificationProblems.firstLast(len);
            case "majority" -> ClassificationProblems.majority(len);
            case "is_sorted" -> ClassificationProblems.isSorted(len);
            case "contains" -> ClassificationProblems.contains(len);
            default -> throw TaskFamily.unknown("classification pretraining", name, PRETRAIN);
        };
    }
}
