package cola4j.models.data;

import java.util.List;

/**
 * The digits family for a model-agnostic base (e.g. an MLP on 64 inputs): pretraining on the unshifted images
 * (task {@code "digits"}), downstream per user under the distribution shifts {@code rotate} (quarter turns),
 * {@code flip} (mirrors about a diagonal), {@code invert} (x → 1 − x) and {@code mixed} (a quarter turn or diagonal
 * mirror plus a per-user label permutation), see {@link DigitShift#forUser}. Every task shares one deterministic
 * train/test split.
 */
public final class DigitsFamily implements TaskFamily<VectorBatch> {
    /** Default split seed and test fraction. */
    public static final long DEFAULT_SPLIT_SEED = 0;
    public static final double DEFAULT_TEST_FRACTION = 0.2;
    private static final List<String> PRETRAIN = List.of("digits");

    private final Digits.Split split;

    /**
     * Loads the data set and splits it with {@code new Rng(splitSeed)}, {@code testFraction} of the rows for testing.
     */
    public DigitsFamily(long splitSeed, double testFraction) {
        this.split = Digits.load().split(splitSeed, testFraction);
    }

    /** Split seed 0, 20% test (round(1797 * 0.2) = 359 test rows, 1438 train rows). */
    public DigitsFamily() {
        this(DEFAULT_SPLIT_SEED, DEFAULT_TEST_FRACTION);
    }

    /** The unshifted normalized split. */
    public Digits.Split split() {
        return split;
    }

    @Override
    public List<String> pretrainingNames() {
        return PRETRAIN;
    }

    @Override
    public List<String> downstreamNames() {
        return DigitShift.KINDS;
    }

    @Override
    public DigitsTask pretraining() {
        return new DigitsTask("pretrain", new DigitShift(List.of()), split);
    }

    @Override
    public DigitsTask pretraining(String name) {
        if (!PRETRAIN.contains(name)) throw TaskFamily.unknown("digits pretraining", name, PRETRAIN);
        return new DigitsTask(name, new DigitShift(List.of()), split);
    }

    @Override
    public DigitsTask downstream(String name, int user) {
        return new DigitsTask(name, DigitShift.forUser(name, user), split);
    }
}
