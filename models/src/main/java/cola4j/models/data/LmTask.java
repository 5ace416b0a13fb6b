package cola4j.models.data;

import cola4j.tensor.Rng;
import java.util.Arrays;
import java.util.List;

/**
 * Formats {@link SequenceProblem}s as next-token prediction for a decoder-only LM ({@link LmBatch}).
 *
 * <p>Full sequence (n input letters, m = n output letters):
 * <pre>
 *   position  0      1       2 .. n+1   n+2    n+3 .. n+m+2   n+m+3
 *   token     &lt;bos&gt;  &lt;task&gt;  x1 .. xn   &lt;sep&gt;  y1 .. ym       &lt;eos&gt;
 *             then &lt;pad&gt; up to 2*maxLen + 4
 * </pre>
 * {@code inputs = seq[0 .. L-2]}, {@code targets[t] = seq[t+1]} for {@code t+1} in the answer span
 * ({@code y1 .. ym <eos>}, i.e. {@code n+2 <= t <= n+m+2}), else {@code -100}; T = 2*maxLen + 3.
 * With several problems (a mixture), each example's problem is drawn uniformly with the batch rng.
 */
public final class LmTask implements Task<LmBatch> {
    private final String name;
    private final List<SequenceProblem> problems;
    private final LengthRange len;
    private final int seqLen;

    /**
     * @param name     the task name ("pretrain" for the mixture, else the problem's name)
     * @param problems the problems mixed uniformly (at least one)
     * @param len      input body lengths
     */
    public LmTask(String name, List<SequenceProblem> problems, LengthRange len) {
        if (problems.isEmpty()) throw new IllegalArgumentException("LmTask " + name + ": no problems");
        this.name = name;
        this.problems = List.copyOf(problems);
        this.len = len;
        this.seqLen = 2 * len.max() + 3;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return SequenceTasks.describe(name, problems);
    }

    /** Exact match of the whole answer (all letters and {@code <eos>}). */
    @Override
    public Metric metric() {
        return Metric.EXACT_MATCH;
    }

    /** Model sequence length T ({@code 2 * maxLen + 3}). */
    public int seqLen() {
        return seqLen;
    }

    /** The problems this task draws from. */
    public List<SequenceProblem> problems() {
        return problems;
    }

    /** The full unpadded sequence {@code <bos> <task> x <sep> y <eos>} of one example. */
    public static int[] format(SequenceProblem p, int[] x) {
        int[] y = p.apply(x);
        int[] seq = new int[x.length + y.length + 4];
        seq[0] = SymbolVocab.BOS;
        seq[1] = SymbolVocab.taskToken(p.name());
        System.arraycopy(x, 0, seq, 2, x.length);
        seq[x.length + 2] = SymbolVocab.SEP;
        System.arraycopy(y, 0, seq, x.length + 3, y.length);
        seq[seq.length - 1] = SymbolVocab.EOS;
        return seq;
    }

    @Override
    public LmBatch batch(int size, Rng rng) {
        if (size < 1) throw new IllegalArgumentException("LmTask.batch: size " + size + " < 1");
        int[][] inputs = new int[size][];
        int[][] targets = new int[size][];
        int[][] mask = new int[size][];
        for (int b = 0; b < size; b++) {
            SequenceProblem p = problems.size() == 1 ? problems.get(0) : problems.get(rng.nextInt(problems.size()));
            int[] x = SequenceProblems.sampleInput(len, rng);
            int[] seq = format(p, x);
            if (seq.length - 1 > seqLen)
                throw new IllegalStateException("LmTask " + name + ": sequence of length " + seq.length
                        + " exceeds " + (seqLen + 1));
            int answerStart = x.length + 3; // index in seq of y1
            inputs[b] = Tokenizer.pad(Arrays.copyOf(seq, seq.length - 1), seqLen);
            mask[b] = Tokenizer.mask(seq.length - 1, seqLen);
            targets[b] = new int[seqLen];
            Arrays.fill(targets[b], SymbolVocab.IGNORE_INDEX);
            for (int t = answerStart - 1; t < seq.length - 1; t++) targets[b][t] = seq[t + 1];
        }
        return new LmBatch(inputs, targets, mask);
    }
}
