package cola4j.gl.copra;

/**
 * CopRA's activation probability of a layer's adapters at training step k (0-based) of K:
 *
 * <pre>
 *   S₁   = stage1Ratio · K                                   length of the progressive stage, in steps
 *   p(k) = p₀ + (1 − p₀) · k / S₁      for k &lt; S₁             linear ramp from p₀ at k = 0
 *   p(k) = 1                           for k ≥ S₁             every adapter active afterwards
 * </pre>
 *
 * With {@code stage1Ratio = 0} (or p₀ = 1) every step has p = 1: plain, non-progressive training.
 *
 * @param p0          activation probability at step 0, in (0, 1] (CopRA default 0.1)
 * @param stage1Ratio fraction of the total steps over which p rises to 1, in [0, 1] (default 0.75)
 * @param totalSteps  K ≥ 1, the number of training steps
 */
public record ProgressiveSchedule(double p0, double stage1Ratio, int totalSteps) {
    /** CopRA's defaults: p₀ = 0.1, stage-1 ratio 0.75. */
    public static final double DEFAULT_P0 = 0.1, DEFAULT_STAGE1_RATIO = 0.75;

    public ProgressiveSchedule {
        if (!(p0 > 0 && p0 <= 1)) throw fail("p0 must be in (0, 1], got " + p0);
        if (!(stage1Ratio >= 0 && stage1Ratio <= 1)) throw fail("stage1Ratio must be in [0, 1], got " + stage1Ratio);
        if (totalSteps < 1) throw fail("totalSteps must be >= 1, got " + totalSteps);
    }

    /** The validation error "progressive schedule: what". */
    private static IllegalArgumentException fail(String what) {
        return new IllegalArgumentException("progressive schedule: " + what);
    }

    /** The default CopRA schedule over {@code totalSteps}. */
    public static ProgressiveSchedule defaults(int totalSteps) {
        return new ProgressiveSchedule(DEFAULT_P0, DEFAULT_STAGE1_RATIO, totalSteps);
    }

    /** p = 1 at every step: plain training (every group active). */
    public static ProgressiveSchedule always(int totalSteps) {
        return new ProgressiveSchedule(1.0, 0.0, totalSteps);
    }

    /** p(k); steps past the end keep p = 1. */
    public double probability(int step) {
        if (step < 0) throw new IllegalArgumentException("progressive schedule: step must be >= 0, got " + step);
        double stage1 = stage1Ratio * totalSteps;
        if (step >= stage1) return 1.0;
        return Math.min(1.0, p0 + (1 - p0) * step / stage1);
    }

    /** True when every step has p = 1. */
    public boolean isPlain() {
        return p0 == 1.0 || stage1Ratio == 0.0;
    }
}
