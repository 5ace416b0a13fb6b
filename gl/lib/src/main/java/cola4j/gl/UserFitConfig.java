package cola4j.gl;

/**
 * How a user fits its auxiliary model.
 *
 * @param interval    adaptation interval I >= 1: batches of adaptation data buffered per optimizer step
 * @param maxGradNorm global gradient-norm clip (> 0); {@code Double.POSITIVE_INFINITY} disables clipping
 */
public record UserFitConfig(int interval, double maxGradNorm) {
    public UserFitConfig {
        if (interval < 1) throw new IllegalArgumentException("user fit: interval must be >= 1, got " + interval);
        if (!(maxGradNorm > 0)) {
            throw new IllegalArgumentException("user fit: maxGradNorm must be > 0 (+Infinity for no clipping), got "
                    + maxGradNorm);
        }
    }

    /** Interval I without clipping. */
    public static UserFitConfig noClip(int interval) {
        return new UserFitConfig(interval, Double.POSITIVE_INFINITY);
    }
}
