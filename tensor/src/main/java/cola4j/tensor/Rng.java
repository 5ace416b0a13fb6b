package cola4j.tensor;

import java.util.SplittableRandom;

/**
 * A seeded random-number generator passed explicitly to everything that draws random numbers
 * (there is no global seed). Same seed, same sequence, on every machine.
 *
 * <p>Backed by {@link SplittableRandom}; normals use its {@code nextGaussian} (JDK 17 specification).
 */
public final class Rng {
    private final SplittableRandom random;
    private final long seed;

    /** A generator for the given seed. */
    public Rng(long seed) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
    }

    /** The seed this generator was created with. */
    public long seed() {
        return seed;
    }

    /** An independent generator derived deterministically from this one (advances this one). */
    public Rng split() {
        return new Rng(random.nextLong());
    }

    /** Uniform double in [0, 1). */
    public double nextDouble() {
        return random.nextDouble();
    }

    /** Uniform int in [0, bound). */
    public int nextInt(int bound) {
        return random.nextInt(bound);
    }

    /** Standard normal draw. */
    public double nextGaussian() {
        return random.nextGaussian();
    }

    /** Tensor of i.i.d. U(lo, hi). */
    public Tensor uniform(DType dtype, double lo, double hi, int... shape) {
        double[] v = new double[Shapes.numel(shape)];
        for (int i = 0; i < v.length; i++) v[i] = lo + (hi - lo) * random.nextDouble();
        return filled(dtype, v, shape);
    }

    /** Tensor of i.i.d. N(mean, std²). */
    public Tensor normal(DType dtype, double mean, double std, int... shape) {
        double[] v = new double[Shapes.numel(shape)];
        for (int i = 0; i < v.length; i++) v[i] = mean + std * random.nextGaussian();
        return filled(dtype, v, shape);
    }

    /** The draws as a tensor (rounded to float for float32): one array, one upload on the ND4J backend. */
    private static Tensor filled(DType dtype, double[] v, int[] shape) {
        if (dtype == DType.FLOAT64) return Tensor.of(v, shape);
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
        return Tensor.of(f, shape);
    }

    /**
     * Kaiming-uniform init as PyTorch's {@code nn.Linear} default ({@code a = sqrt(5)}):
     * U(-b, b) with b = 1/sqrt(fanIn). For a weight [out, in], fanIn = in.
     */
    public Tensor kaimingUniform(DType dtype, int fanIn, int... shape) {
        double bound = 1.0 / Math.sqrt(fanIn);
        return uniform(dtype, -bound, bound, shape);
    }

    /** A uniformly random permutation of 0..n-1 (Fisher–Yates). */
    public int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
