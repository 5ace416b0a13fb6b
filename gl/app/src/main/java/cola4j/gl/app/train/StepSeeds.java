package cola4j.gl.app.train;

import cola4j.tensor.Rng;

/**
 * Seeds of every random draw of a training run, each a pure function of (seed, purpose, index) — never a stream
 * advanced from step to step. Step k's batch and dropout masks are therefore the same whether the run got to step k
 * straight or was resumed from a checkpoint at any earlier step, which makes {@code --resume} exact by construction.
 *
 * <pre>
 *   seed(s, salt, k) = fmix64(fmix64(s ⊕ salt) + k)       fmix64: MurmurHash3's 64-bit finalizer (a bijection)
 * </pre>
 */
public final class StepSeeds {
    private StepSeeds() {}

    /** Salts of the purposes. */
    public static final long BATCH = 0x9E3779B97F4A7C15L, DROPOUT = 0xC2B2AE3D27D4EB4FL,
            AUXILIARY_INIT = 0x165667B19E3779F9L;

    /** The seed for draw {@code index} (a step, a site index) of a purpose. */
    public static long seed(long seed, long salt, long index) {
        return fmix64(fmix64(seed ^ salt) + index);
    }

    /** A fresh generator for draw {@code index} of a purpose. */
    public static Rng rng(long seed, long salt, long index) {
        return new Rng(seed(seed, salt, index));
    }

    /** MurmurHash3 fmix64. */
    static long fmix64(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb93fe53b1a85L;
        k ^= k >>> 33;
        return k;
    }
}
