package cola4j.gl.optim;

/**
 * Linear warm-up then linear decay (Hugging Face {@code get_linear_schedule_with_warmup} when {@code finalLr = 0}):
 *
 * <pre>
 *   lr(s) = peak · s / W                                      for s &lt; W
 *   lr(s) = final + (peak − final) · max(0, (T − s) / (T − W))  for s >= W
 * </pre>
 *
 * @param peakLr      learning rate reached at the end of warm-up
 * @param warmupSteps W, number of warm-up steps (0 for none)
 * @param totalSteps  T, the step at which the decay reaches {@code finalLr} (it stays there afterwards)
 * @param finalLr     the learning rate at and after step T (0 for Hugging Face's schedule)
 */
public record LinearWarmupDecay(double peakLr, long warmupSteps, long totalSteps, double finalLr)
        implements LrSchedule {
    public LinearWarmupDecay {
        LrSchedule.check("linear schedule", peakLr, warmupSteps, totalSteps, finalLr);
    }

    @Override
    public double lr(long step) {
        LrSchedule.checkStep("linear schedule", step);
        if (step < warmupSteps) return peakLr * step / warmupSteps;
        if (totalSteps == warmupSteps) return finalLr;
        double frac = Math.max(0.0, (double) (totalSteps - step) / (totalSteps - warmupSteps));
        return finalLr + (peakLr - finalLr) * frac;
    }
}
