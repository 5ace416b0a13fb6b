package cola4j.models.data;

import java.util.List;

/** Task names and name lookup shared by {@link LmFamily} and {@link Seq2SeqFamily} (package-private). */
final class SequenceTasks {
    static final List<String> PRETRAIN = List.of("copy", "reverse", "sort");
    static final List<String> DOWNSTREAM = List.of("shift", "cipher", "rotate");

    private SequenceTasks() {
    }

    static SequenceProblem pretraining(String name, String family) {
        return switch (name) {
            case "copy" -> SequenceProblems.copy();
            case "reverse" -> SequenceProblems.reverse();
            case "sort" -> SequenceProblems.sort();
            default -> throw TaskFamily.unknown(family + " pretraining", name, PRETRAIN);
        };
    }

    static List<SequenceProblem> pretrainingMixture() {
        return PRETRAIN.stream().map(n -> pretraining(n, "")).toList();
    }

    static SequenceProblem downstream(String name, int user, LengthRange len, String family) {
        TaskFamily.requireUser(user);
        return switch (name) {
            case "shift" -> SequenceProblems.shift(user);
            case "cipher" -> SequenceProblems.cipher(user);
            case "rotate" -> SequenceProblems.rotate(user, len);
            default -> throw TaskFamily.unknown(family + " downstream", name, DOWNSTREAM);
        };
    }

    static String describe(String name, List<SequenceProblem> problems) {
        SequenceProblem p0 = problems.get(0);
        if (problems.size() > 1) return name + " " + problems.stream().map(SequenceProblem::name).toList();
        return p0.variant().isEmpty() ? name : name + " (" + p0.variant() + ")";
    }
}
