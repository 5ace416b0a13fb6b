package cola4j.gl.app.command;

/**
 * Upper bounds of the {@code cola} size options, checked at parse time by {@link Args} (a value above its bound is a
 * usage error, exit 2, before anything is allocated). They bound work and memory so that no option value can make a
 * command run for days or allocate past any heap before it fails; the memory a valid combination needs is checked
 * separately against the heap ({@link HeapCheck}: train, copra, pretrain, ftaas, serve, demo). Robustness table:
 * docs/robustness.md.
 */
public final class Limits {
    private Limits() {}

    /** Training, server and pretraining steps; evaluation intervals. */
    public static final int MAX_STEPS = 1_000_000;
    /** Examples per batch ({@code --batch}, {@code --rows}). */
    public static final int MAX_BATCH = 4096;
    /** Low-rank adapter rank (further bounded by the model's widest site, see {@code TrainCommand}). */
    public static final int MAX_RANK = 1024;
    /** Users of one session. */
    public static final int MAX_USERS = 1024;
    /** Adaptation interval (batches per optimizer step). */
    public static final int MAX_INTERVAL = 10_000;
    /** Held-out examples per evaluation. */
    public static final int MAX_EVAL = 100_000;
    /** Seeds of a study ({@code copra --seeds}). */
    public static final int MAX_SEEDS = 100;
    /** Shapley permutations ({@code copra --permutations}). */
    public static final int MAX_PERMUTATIONS = 10_000;
    /** Hidden width of an MLP auxiliary. */
    public static final int MAX_HIDDEN = 4096;
    /** Timeouts in milliseconds (one day). */
    public static final int MAX_MILLIS = 86_400_000;
    /** Matrix size of {@code bench gemm --sizes} (three n×n float64 matrices of 4096 take 384 MiB). */
    public static final int MAX_GEMM = 4096;
    /** Warm-up time of a benchmark in milliseconds (ten minutes). */
    public static final int MAX_WARMUP_MS = 600_000;
    /** Timed repetitions of a benchmark. */
    public static final int MAX_REPS = 10_000;
    /** Warm-up calls of a benchmark. */
    public static final int MAX_WARMUP = 10_000_000;
    /** Learning rates ({@code ftaas --lr} patterns, {@code cola user --lr}): finite, &gt; 0 and at most this. */
    public static final double MAX_LR = 100;
    /** Seeds: any non-negative int. */
    public static final int MAX_SEED = Integer.MAX_VALUE;
    /** TCP ports. */
    public static final int MAX_PORT = 65_535;
}
