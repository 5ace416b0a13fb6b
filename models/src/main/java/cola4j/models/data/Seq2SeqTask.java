package cola4j.models.data;

import cola4j.tensor.Rng;
import java.util.Arrays;
import java.util.List;

/**
 * Formats {@link SequenceProblem}s as source -&gt; target for an encoder-decoder ({@link Seq2SeqBatch}).
 *
 * <p>Source {@code <task> x1..xn} padded to S = maxLen + 1; decoder input {@code <bos> y1..ym} and target
 * {@code y1..ym <eos>} padded to T = maxLen + 1 (targets padded with {@code -100}).
 * With several problems (a mixture), each example's problem is drawn uniformly with the batch rng.
 */
public final class Seq2SeqTask implements Task<Seq2SeqBatch> {
    private final String name;
    private final List<SequenceProblem> problems;
    private final LengthRange len;
    private final int srcLen;
    private final int tgtLen;

    /**
     * @param name     the task name ("pretrain" for the mixture, else the problem's name)
     * @param problems the problems mixed uniformly (at least one)
     * @param len      input body lengths
     */
    public Seq2SeqTask(String name, List<SequenceProblem> problems, LengthRange len) {
        if (problems.isEmpty()) throw new IllegalArgumentException("Seq2SeqTask " + name + ": no problems");
        this.name = name;
        this.problems = List.copyOf(problems);
        this.len = len;
        this.srcLen = len.max() + 1;
        this.tgtLen = len.max() + 1;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return SequenceTasks.describe(name, problems);
    }

    /** Exact match of the whole target (all letters and {@code <eos>}). */
    @Override
    public Metric metric() {
        return Metric.EXACT_MATCH;
    }

    /** Source length S. */
    public int srcLen() {
        return srcLen;
    }

    /** Target length T. */
    public int tgtLen() {
        return tgtLen;
    }

    /** The problems this task draws from. */
    public List<SequenceProblem> problems() {
        return problems;
    }

    @Override
    public Seq2SeqBatch batch(int size, Rng rng) {
        if (size < 1) throw new IllegalArgumentException("Seq2SeqTask.batch: size " + size + " < 1");
        int[][] src = new int[size][], srcMask = new int[size][];
        int[][] tgtIn = new int[size][], tgtOut = new int[size][], tgtMask = new int[size][];
        for (int b = 0; b < size; b++) {
            SequenceProblem p = problems.size() == 1 ? problems.get(0) : problems.get(rng.nextInt(problems.size()));
            int[] x = SequenceProblems.sampleInput(len, rng);
            int[] y = p.apply(x);
            int[] s = new int[x.length + 1];
            s[0] = SymbolVocab.taskToken(p.name());
            System.arraycopy(x, 0, s, 1, x.length);
            src[b] = Tokenizer.pad(s, srcLen);
            srcMask[b] = Tokenizer.mask(s.length, srcLen);
            int[] in = new int[y.length + 1];
            in[0] = SymbolVocab.BOS;
            System.arraycopy(y, 0, in, 1, y.length);
            int[] out = Arrays.copyOf(y, y.length + 1);
            out[y.length] = SymbolVocab.EOS;
            tgtIn[b] = Tokenizer.pad(in, tgtLen);
            tgtOut[b] = Tokenizer.padWith(out, tgtLen, SymbolVocab.IGNORE_INDEX);
            tgtMask[b] = Tokenizer.mask(in.length, tgtLen);
        }
        return new Seq2SeqBatch(src, srcMask, tgtIn, tgtOut, tgtMask);
    }
}
