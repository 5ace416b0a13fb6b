package cola4j.gl.app.demo;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * ColA low-rank vs LoRA over n seeds (mean accuracy over users per seed, c_s and l_s; differences d_s = c_s − l_s):
 * <pre>
 *   mean d̄ = (1/n) Σ d_s,   sd_d = sqrt(Σ (d_s − d̄)² / (n − 1)),
 *   sd_LoRA = sqrt(Σ (l_s − l̄)² / (n − 1))
 *   paired 95% t-interval  d̄ ± t_{0.975, n−1} · sd_d / √n
 *   verdict "within noise"  ⇔  |d̄| ≤ 2 · sd_LoRA
 *                              (ColA is no further from LoRA than two of LoRA's own seed-to-seed sds)
 * </pre>
 * With n = 1 nothing is decided (sds are NaN).
 *
 * @param n        seeds
 * @param meanDiff d̄
 * @param sdDiff   sd_d
 * @param loraMean l̄
 * @param loraSd   sd_LoRA
 * @param tLow     lower end of the paired 95% t-interval
 * @param tHigh    upper end
 */
public record SeedComparison(@JsonProperty("seeds") int n, @JsonProperty("mean_diff") double meanDiff,
                             @JsonProperty("sd_diff") double sdDiff, @JsonProperty("lora_mean") double loraMean,
                             @JsonProperty("lora_sd") double loraSd, @JsonProperty("t95_low") double tLow,
                             @JsonProperty("t95_high") double tHigh) {

    /** Two-sided 95% quantiles t_{0.975, df} for df = 1..30 (standard table); df > 30 uses 1.96. */
    private static final double[] T975 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201,
            2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
            2.052, 2.048, 2.045, 2.042};

    /** The comparison of per-seed ColA and LoRA means; IllegalArgumentException for different lengths or no seed. */
    public static SeedComparison of(double[] cola, double[] lora) {
        if (cola.length != lora.length || cola.length == 0) {
            throw new IllegalArgumentException("seed comparison: " + cola.length + " ColA vs "
                    + lora.length + " LoRA values");
        }
        int n = cola.length;
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = cola[i] - lora[i];
        double md = mean(d), sd = sd(d), ml = mean(lora);
        double half = n < 2 ? Double.NaN : t975(n - 1) * sd / Math.sqrt(n);
        return new SeedComparison(n, md, sd, ml, sd(lora), md - half, md + half);
    }

    /** t_{0.975, df}. */
    static double t975(int df) {
        if (df < 1) throw new IllegalArgumentException("t quantile: df " + df + " < 1");
        return df <= T975.length ? T975[df - 1] : 1.96;
    }

    /** Whether a verdict can be given (n ≥ 2). */
    @JsonProperty("decided")
    public boolean decided() {
        return n >= 2;
    }

    /** |d̄| ≤ 2 · sd_LoRA (false when not decided). */
    @JsonProperty("within_noise")
    public boolean withinNoise() {
        return decided() && Math.abs(meanDiff) <= 2 * loraSd;
    }

    /** Whether the paired t-interval contains 0 (false when not decided). */
    @JsonProperty("t95_contains_zero")
    public boolean intervalContainsZero() {
        return decided() && tLow <= 0 && 0 <= tHigh;
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) s += x;
        return s / v.length;
    }

    private static double sd(double[] v) {
        if (v.length < 2) return Double.NaN;
        double m = mean(v), s = 0;
        for (double x : v) s += (x - m) * (x - m);
        return Math.sqrt(s / (v.length - 1));
    }
}
