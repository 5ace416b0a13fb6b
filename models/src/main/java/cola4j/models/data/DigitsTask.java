package cola4j.models.data;

import cola4j.tensor.Rng;

/**
 * Digit classification under a fixed {@link DigitShift} (images shifted, labels possibly permuted): {@code batch}
 * samples train rows uniformly with replacement;
 * {@link #trainSet()} / {@link #testSet()} are the whole shifted split. Input dim 64, 10 classes.
 */
public final class DigitsTask implements Task<VectorBatch> {
    private final String name;
    private final DigitShift shift;
    private final VectorBatch train;
    private final VectorBatch test;

    /**
     * @param name  the task name ("pretrain" for the unshifted base task, else the shift kind)
     * @param shift the distribution shift applied to every image
     * @param split the normalized, unshifted train/test split
     */
    public DigitsTask(String name, DigitShift shift, Digits.Split split) {
        this.name = name;
        this.shift = shift;
        this.train = shift.apply(split.train());
        this.test = shift.apply(split.test());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return name + " (" + shift + ")";
    }

    @Override
    public Metric metric() {
        return Metric.ACCURACY;
    }

    /** The shift of this task. */
    public DigitShift shift() {
        return shift;
    }

    /**
     * The chance level of this task's test split: the accuracy of the best constant answer, i.e. the rate of its
     * commonest label ({@link Metrics#chance}); a label permutation leaves it unchanged.
     */
    public double chance() {
        int[][] gold = new int[test.size()][];
        for (int i = 0; i < gold.length; i++) gold[i] = new int[] {test.y()[i]};
        return Metrics.chance(Metric.ACCURACY, gold);
    }

    /** Number of classes (10). */
    public int numClasses() {
        return Digits.CLASSES;
    }

    /** Input dimension (64). */
    public int inputDim() {
        return Digits.PIXELS;
    }

    /** The whole shifted training split (shared arrays: do not modify). */
    public VectorBatch trainSet() {
        return train;
    }

    /** The whole shifted test split (shared arrays: do not modify). */
    public VectorBatch testSet() {
        return test;
    }

    @Override
    public VectorBatch batch(int size, Rng rng) {
        if (size < 1) throw new IllegalArgumentException("DigitsTask.batch: size " + size + " < 1");
        double[][] x = new double[size][];
        int[] y = new int[size];
        for (int b = 0; b < size; b++) {
            int i = rng.nextInt(train.size());
            x[b] = train.x()[i].clone();
            y[b] = train.y()[i];
        }
        return new VectorBatch(x, y);
    }
}
