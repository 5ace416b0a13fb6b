package cola4j.models.data;

import cola4j.tensor.Rng;
import java.util.List;

/**
 * Formats one or more {@link ClassificationProblem}s into {@link ClassificationBatch}es for an encoder classifier.
 *
 * <p>Example layout (T = maxLen + 2): {@code <cls> <task> s1 .. sn <pad>*}, mask 1 on the n + 2 real tokens.
 * With several problems (a mixture), each example's problem is drawn uniformly with the batch rng.
 * Labels of a mixture lie in 0..numClasses-1 with numClasses the largest of the members'.
 */
public final class ClassificationTask implements Task<ClassificationBatch> {
    private final String name;
    private final String description;
    private final List<ClassificationProblem> problems;
    private final int seqLen;
    private final int numClasses;

    /**
     * @param name     the task name ("pretrain" for the mixture, else the problem's name)
     * @param problems the problems mixed uniformly (at least one)
     * @param len      body lengths the problems draw; the padded length is {@code len.max() + 2}
     */
    public ClassificationTask(String name, List<ClassificationProblem> problems, LengthRange len) {
        if (problems.isEmpty()) throw new IllegalArgumentException("ClassificationTask " + name + ": no problems");
        this.name = name;
        this.problems = List.copyOf(problems);
        this.seqLen = len.max() + 2;
        this.numClasses = problems.stream().mapToInt(ClassificationProblem::numClasses).max().getAsInt();
        ClassificationProblem p0 = problems.get(0);
        this.description = problems.size() == 1 && !p0.variant().isEmpty() ? name + " (" + p0.variant() + ")"
                : problems.size() == 1 ? name
                : name + " " + problems.stream().map(ClassificationProblem::name).toList();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public Metric metric() {
        return Metric.ACCURACY;
    }

    /** Number of classes (the largest of the members' for a mixture). */
    public int numClasses() {
        return numClasses;
    }

    /** Padded sequence length T. */
    public int seqLen() {
        return seqLen;
    }

    /** The problems this task draws from (one, or the pretraining mixture). */
    public List<ClassificationProblem> problems() {
        return problems;
    }

    @Override
    public ClassificationBatch batch(int size, Rng rng) {
        if (size < 1) throw new IllegalArgumentException("ClassificationTask.batch: size " + size + " < 1");
        int[][] tokens = new int[size][];
        int[][] mask = new int[size][];
        int[] labels = new int[size];
        for (int b = 0; b < size; b++) {
            ClassificationProblem p = problems.size() == 1 ? problems.get(0)
                    : problems.get(rng.nextInt(problems.size()));
            int[] body = p.sample(rng);
            int[] seq = new int[body.length + 2];
            seq[0] = SymbolVocab.CLS;
            seq[1] = SymbolVocab.taskToken(p.name());
            System.arraycopy(body, 0, seq, 2, body.length);
            tokens[b] = Tokenizer.pad(seq, seqLen);
            mask[b] = Tokenizer.mask(seq.length, seqLen);
            labels[b] = p.label(body);
        }
        return new ClassificationBatch(tokens, mask, labels);
    }
}
