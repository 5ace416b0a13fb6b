package cola4j.models.data;

import cola4j.tensor.Rng;

/**
 * The range of body lengths (number of symbols) drawn by a sequence task.
 *
 * @param min shortest body length, at least 2 (inclusive)
 * @param max longest body length, at least {@code min} (inclusive); padded lengths derive from it
 */
public record LengthRange(int min, int max) {
    /** The default 6..12 symbols: small enough for tiny models on 2 CPU cores. */
    public static final LengthRange DEFAULT = new LengthRange(6, 12);

    public LengthRange {
        if (min < 2 || max < min)
            throw new IllegalArgumentException("LengthRange: need 2 <= min <= max, got min=" + min + ", max=" + max);
    }

    /** A length uniform in [min, max]. */
    public int sample(Rng rng) {
        return min + rng.nextInt(max - min + 1);
    }
}
