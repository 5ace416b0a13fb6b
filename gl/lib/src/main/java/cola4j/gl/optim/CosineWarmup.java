package cola4j.gl.optim;

/**
 * Linear warm-up then cosine decay (Hugging Face {@code get_cosine_schedule_with_warmup}, half a cycle, when
 * {@code minLr = 0}):
 *
 * <pre>
 *   lr(s) = peak · s / W                                       for s &lt; W
 *   p     = min(1, (s − W) / (T − W))
 *   lr(s) = min + (peak − min) · ½ · (1 + cos(π · p))            for s >= W
 * </pre>
 *
 * @param peakLr      learning rate reached at the end of warm-up
 * @param warmupSteps W, number of warm-up steps (0 for none)
 * @param totalSteps  T, the step at which the cosine reaches {@code minLr} (it stays there afterwards)
 * @param minLr       the floor of the cosine
 */
public record CosineWarmup(double peakLr, long warmupSteps, long totalSteps, double minLr) implements LrSchedule {
    public CosineWarmup {
        LrSchedule.check("cosine schedule", peakLr, warmupSteps, totalSteps, minLr);
    }

    @Override
    public double lr(long step) {
        LrSchedule.checkStep("cosine schedule", step);
        if (step < warmupSteps) return peakLr * step / warmupSteps;
        if (totalSteps == warmupSteps) return minLr;
        double progress = Math.min(1.0, (double) (step - warmupSteps) / (totalSteps - warmupSteps));
        return minLr + (peakLr - minLr) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
}
