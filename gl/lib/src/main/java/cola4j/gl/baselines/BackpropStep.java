package cola4j.gl.baselines;

import cola4j.autograd.Var;
import cola4j.gl.NonFiniteException;
import cola4j.gl.optim.GradClip;
import cola4j.gl.optim.LrSchedule;
import cola4j.gl.optim.Optimizer;
import java.util.Collection;

/**
 * Ordinary backprop training shared by the baselines: backward every batch (gradients accumulate in the
 * parameters), and every {@code interval} batches clip, schedule and step. With interval I this is gradient
 * accumulation over I batches — the reference ColA with interval I is compared against.
 */
final class BackpropStep {
    private final Optimizer optimizer;
    private final LrSchedule schedule;
    private final int interval;
    private final double maxGradNorm;
    private int accumulated;

    BackpropStep(Optimizer optimizer, LrSchedule schedule, int interval, double maxGradNorm) {
        if (interval < 1) throw new IllegalArgumentException("accumulation interval must be >= 1, got " + interval);
        this.optimizer = optimizer;
        this.schedule = schedule;
        this.interval = interval;
        this.maxGradNorm = maxGradNorm;
    }

    /** Backward of this batch's loss; a step when I batches are accumulated. Returns the loss value. */
    double apply(Var loss) {
        double v = loss.value().item();
        if (!Double.isFinite(v)) throw new NonFiniteException("loss is " + v);
        begin();
        loss.backward();
        end();
        return v;
    }

    /** Before a backward that contributes to this optimizer: clears gradients at the start of an interval. */
    void begin() {
        if (accumulated == 0) optimizer.zeroGrad();
    }

    /** After that backward: counts the batch and steps when I are accumulated. */
    void end() {
        if (++accumulated == interval) {
            Collection<Var> params = optimizer.parameters().values();
            GradClip.clipGlobalNorm(params, maxGradNorm);
            if (schedule != null) schedule.apply(optimizer);
            optimizer.step();
            accumulated = 0;
        }
    }

    Optimizer optimizer() {
        return optimizer;
    }
}
