package cola4j.gl.app.experiments;

/**
 * Mean and sample standard deviation of one quantity over S seeds:
 *
 * <pre>
 *   mean = (1/S) Σ_s v_s    std = √( Σ_s (v_s − mean)² / (S − 1) )   (null when S = 1: no spread is measured)
 * </pre>
 *
 * Serialized by Jackson as {@code {"mean": …, "std": …}} ({@code "std": null} for one seed).
 *
 * @param mean the mean over the seeds
 * @param std  the sample standard deviation, or null for a single seed
 */
public record MeanStd(double mean, Double std) {
    /** The placeholder printed where no std exists (one seed) or a cell does not apply. */
    public static final String NONE = "–";

    public MeanStd {
        if (std != null && !(std >= 0)) {
            throw new IllegalArgumentException("MeanStd: std must be >= 0 or null, got " + std);
        }
    }

    /** Mean and sample std of {@code v} (at least one value). */
    public static MeanStd of(double[] v) {
        if (v.length == 0) throw new IllegalArgumentException("MeanStd: no values");
        double m = 0;
        for (double x : v) m += x;
        m /= v.length;
        if (v.length == 1) return new MeanStd(m, null);
        double ss = 0;
        for (double x : v) ss += (x - m) * (x - m);
        return new MeanStd(m, Math.sqrt(ss / (v.length - 1)));
    }

    /** {@code "0.3018 ± 0.0147"}, or {@code "0.3018 –"} without a std; {@code decimals} digits after the point. */
    public String format(int decimals) {
        String f = "%." + decimals + "f";
        return String.format(f, mean) + (std == null ? " " + NONE : String.format(" ± " + f, std));
    }
}
