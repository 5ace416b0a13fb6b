package cola4j.gl;

/**
 * How a user fits its auxiliary model.
 *
 * <p>With {@code epochs} E > 1 or a {@code fitBatch} the user takes several optimizer passes over the buffered
 * adaptation data of one interval, as the official ColA code does ({@code cola.num_epochs}): the pseudo-targets
 * T = g_{w₀}(x) − dL/dh are fixed at the w₀ the server used, and every pass fits ½ Σ ‖g_w(x) − T‖² at
 * the current w. Only the first pass is a gradient of L (Gradient Learning); later passes move w further toward the
 * targets, so ColA then leaves LoRA's trajectory (P3/P5 hold for E = 1 and no fit batch only).
 *
 * @param interval    adaptation interval I >= 1: batches of adaptation data buffered per fit
 * @param maxGradNorm global gradient-norm clip (> 0); {@code Double.POSITIVE_INFINITY} disables clipping
 * @param epochs      E in [1, {@value #MAX_EPOCHS}]: passes over the buffered data per interval (1 = Gradient
 *                    Learning exactly)
 * @param fitBatch    rows per optimizer step within a pass, >= 0; 0 = all buffered rows in one step
 */
public record UserFitConfig(int interval, double maxGradNorm, int epochs, int fitBatch) {
    /** Upper bound on {@link #epochs}. */
    public static final int MAX_EPOCHS = 1000;

    public UserFitConfig {
        if (interval < 1) throw new IllegalArgumentException("user fit: interval must be >= 1, got " + interval);
        if (!(maxGradNorm > 0)) {
            throw new IllegalArgumentException("user fit: maxGradNorm must be > 0 (+Infinity for no clipping), got "
                    + maxGradNorm);
        }
        if (epochs < 1 || epochs > MAX_EPOCHS) {
            throw new IllegalArgumentException("user fit: epochs must be in [1, " + MAX_EPOCHS + "], got " + epochs);
        }
        if (fitBatch < 0) throw new IllegalArgumentException("user fit: fitBatch must be >= 0, got " + fitBatch);
    }

    /** One pass over the whole buffer per interval (Gradient Learning exactly). */
    public UserFitConfig(int interval, double maxGradNorm) {
        this(interval, maxGradNorm, 1, 0);
    }

    /** Interval I without clipping. */
    public static UserFitConfig noClip(int interval) {
        return new UserFitConfig(interval, Double.POSITIVE_INFINITY);
    }

    /** The same config with E passes of {@code fitBatch} rows (0 = all) per interval. */
    public UserFitConfig withEpochs(int e, int batch) {
        return new UserFitConfig(interval, maxGradNorm, e, batch);
    }

    /** True if one interval is one optimizer step on the whole buffer (the path of P3–P8). */
    public boolean singlePass() {
        return epochs == 1 && fitBatch == 0;
    }
}
