package cola4j.gl.optim;

/**
 * lr(s) = lr for every step s.
 *
 * @param lr the learning rate (finite, >= 0)
 */
public record ConstantLr(double lr) implements LrSchedule {
    public ConstantLr {
        if (!(lr >= 0) || !Double.isFinite(lr)) {
            throw new IllegalArgumentException("constant schedule: lr must be finite and >= 0, got " + lr);
        }
    }

    @Override
    public double lr(long step) {
        LrSchedule.checkStep("constant schedule", step);
        return lr;
    }
}
