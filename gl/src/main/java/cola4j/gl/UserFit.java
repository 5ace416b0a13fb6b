package cola4j.gl;

import cola4j.autograd.Var;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.gl.optim.GradClip;
import cola4j.gl.optim.LrSchedule;
import cola4j.gl.optim.Optimizer;
import java.util.Collection;
import java.util.Optional;

/**
 * The user side of ColA for one site: receives adaptation data batch by batch, buffers I of them (the adaptation
 * interval) and then takes one optimizer step on the surrogate of their concatenation:
 *
 * <pre>
 *   zeroGrad;  ℓ = ½ Σ_rows ‖g_w(x) − stopgrad(g_w(x) − dL/dh)‖²;  ℓ.backward();  clip;  lr = schedule(step);  step
 * </pre>
 *
 * <p><b>Interval = gradient accumulation.</b> The surrogate sums over rows, so its gradient on the concatenation of
 * I batches is Σ_k Σ_{rows of k} J_wᵀ dL_k/dh = Σ_k dL_k/dw: the sum of the per-batch gradients, as with gradient
 * accumulation over I batches. With per-batch mean losses the server's dL_k/dh already carries each batch's 1/B,
 * so nothing is rescaled here. (All I batches are evaluated at the same w, the one the server used, because the
 * user does not update w between them.)
 */
public final class UserFit {
    private final AuxiliaryModel aux;
    private final Optimizer optimizer;
    private final UserFitConfig cfg;
    private final LrSchedule schedule;
    private final AdaptationBuffer buffer;

    /**
     * @param aux       the auxiliary model to fit
     * @param optimizer an optimizer over (at least) all of aux's parameters
     * @param cfg       interval and clipping
     * @param schedule  learning rate per step, or null to keep the optimizer's lr
     */
    public UserFit(AuxiliaryModel aux, Optimizer optimizer, UserFitConfig cfg, LrSchedule schedule) {
        this.aux = aux;
        this.optimizer = optimizer;
        this.cfg = cfg;
        this.schedule = schedule;
        this.buffer = new AdaptationBuffer(cfg.interval());
        Collection<Var> owned = optimizer.parameters().values();
        aux.namedParameters().forEach((name, p) -> {
            if (owned.stream().noneMatch(q -> q == p)) {
                throw new IllegalArgumentException("user fit: auxiliary parameter '" + name + "' is not in the optimizer");
            }
        });
    }

    /** Buffers one batch; when I batches are buffered, takes the step and returns what it did. */
    public Optional<FitStep> offer(AdaptationData data) {
        return buffer.add(data) ? Optional.of(stepOn(buffer.size(), buffer.drain())) : Optional.empty();
    }

    /** Steps on whatever is buffered (fewer than I batches, e.g. at the end of an epoch); empty if nothing is. */
    public Optional<FitStep> flush() {
        return buffer.isEmpty() ? Optional.empty() : Optional.of(stepOn(buffer.size(), buffer.drain()));
    }

    private FitStep stepOn(int batches, AdaptationData all) {
        optimizer.zeroGrad();
        Var loss = GradientLearning.surrogateLoss(aux, all);
        loss.backward();
        double norm = GradClip.clipGlobalNorm(aux.namedParameters().values(), cfg.maxGradNorm());
        if (schedule != null) schedule.apply(optimizer);
        long step = optimizer.stepCount();
        double lr = optimizer.lr();
        optimizer.step();
        return new FitStep(step, batches, all.rows(), loss.value().item(), norm, lr);
    }

    public AuxiliaryModel auxiliary() {
        return aux;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    /** The buffer (size and bytes for accounting). */
    public AdaptationBuffer buffer() {
        return buffer;
    }
}
