package cola4j.gl.optim;

/**
 * A learning rate as a function of the optimizer step index (0-based: {@code lr(0)} is used by the first step).
 * Schedules are pure functions of the step, so resuming from a checkpoint needs only the step count.
 *
 * <p>Warm-up follows Hugging Face's {@code get_linear_schedule_with_warmup} / {@code get_cosine_schedule_with_warmup}
 * (a PyTorch {@code LambdaLR}): during warm-up {@code lr(s) = peak · s / warmup}, so the first step uses lr 0.
 */
@FunctionalInterface
public interface LrSchedule {
    /** Learning rate for the step with index {@code step} (>= 0). */
    double lr(long step);

    /** Applies {@code lr(optimizer.stepCount())} to the optimizer; call just before {@link Optimizer#step()}. */
    default void apply(Optimizer optimizer) {
        optimizer.setLr(lr(optimizer.stepCount()));
    }

    /** The same learning rate at every step. */
    static LrSchedule constant(double lr) {
        return new ConstantLr(lr);
    }

    /** Linear warm-up from 0 to {@code peak} over {@code warmup} steps, then linear decay to 0 at {@code total}. */
    static LrSchedule linearWarmupDecay(double peak, long warmup, long total) {
        return new LinearWarmupDecay(peak, warmup, total, 0);
    }

    /** Linear warm-up, then half a cosine from {@code peak} down to {@code min} at {@code total}. */
    static LrSchedule cosine(double peak, long warmup, long total, double min) {
        return new CosineWarmup(peak, warmup, total, min);
    }

    /** Common argument checks. */
    static void check(String what, double peak, long warmup, long total, double floor) {
        if (!(peak >= 0) || !Double.isFinite(peak)) {
            throw new IllegalArgumentException(what + ": peak lr must be finite and >= 0, got " + peak);
        }
        if (!(floor >= 0) || floor > peak) {
            throw new IllegalArgumentException(what + ": final lr must be in [0, peak=" + peak + "], got " + floor);
        }
        if (warmup < 0 || total <= 0 || warmup > total) {
            throw new IllegalArgumentException(what + ": need 0 <= warmupSteps <= totalSteps and totalSteps > 0,"
                    + " got warmup " + warmup + ", total " + total);
        }
    }

    /** Throws for a negative step. */
    static void checkStep(String what, long step) {
        if (step < 0) throw new IllegalArgumentException(what + ": step must be >= 0, got " + step);
    }
}
