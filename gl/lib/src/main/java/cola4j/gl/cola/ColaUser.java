package cola4j.gl.cola;

import cola4j.autograd.Var;
import cola4j.gl.AdaptationData;
import cola4j.gl.FitStep;
import cola4j.gl.UserFit;
import cola4j.gl.UserFitConfig;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.gl.optim.LrSchedule;
import cola4j.gl.optim.Optimizer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A user of ColA (step 3 of the algorithm): a user id around a {@link UserFit}, which owns one auxiliary model per
 * adapted site and one optimizer over all of them, buffers each site's adaptation data for I batches and then takes
 * one Gradient Learning step:
 *
 * <pre>
 *   zeroGrad
 *   for each site i:  ℓ_i = ½ Σ_rows ‖g_i(x_i) − stopgrad(g_i(x_i) − dL/dh_i)‖²   (rows of all buffered batches)
 *                     ℓ_i.backward()                 → grad w_i = Σ_batches dL/dw_i   (Gradient Learning)
 *   clip global norm; lr = schedule(step); optimizer step
 * </pre>
 *
 * The user never sees the base model or the loss. With interval I this is gradient accumulation over I batches.
 */
public final class ColaUser {
    private final int id;
    private final UserFit fit;

    /**
     * @param id          user id (as in {@link RowRouting})
     * @param aux         site name → auxiliary model
     * @param optimizer   optimizer over all auxiliary parameters (names {@code site/param}, see {@link #parameters})
     * @param schedule    learning rate per step, or null to keep the optimizer's
     * @param interval    adaptation interval I ≥ 1
     * @param maxGradNorm global-norm clip (&gt; 0); +∞ for none
     * @throws IllegalArgumentException for a bad interval or clip, or an auxiliary parameter the optimizer does not hold
     */
    public ColaUser(int id, LinkedHashMap<String, AuxiliaryModel> aux, Optimizer optimizer, LrSchedule schedule, int interval, double maxGradNorm) {
        this.id = id;
        try {
            this.fit = new UserFit(aux, optimizer, new UserFitConfig(interval, maxGradNorm), schedule);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("user " + id + ": " + e.getMessage(), e);
        }
    }

    /** All auxiliary parameters named {@code site/param}, the naming the optimizer should use ({@link UserFit#parameters}). */
    public static LinkedHashMap<String, Var> parameters(Map<String, AuxiliaryModel> aux) {
        return UserFit.parameters(aux);
    }

    public int id() {
        return id;
    }

    public LinkedHashMap<String, AuxiliaryModel> auxiliaries() {
        return fit.auxiliaries();
    }

    public Optimizer optimizer() {
        return fit.optimizer();
    }

    public int interval() {
        return fit.config().interval();
    }

    /** The fitting engine (per-site buffers, step logic). */
    public UserFit fit() {
        return fit;
    }

    /** Batches buffered since the last step. */
    public int buffered() {
        return fit.buffered();
    }

    /** Bytes of adaptation data currently buffered. */
    public long bufferBytes() {
        return fit.bufferBytes();
    }

    /** Receives one server batch's adaptation data (every adapted site); steps when I batches are buffered. */
    public Optional<FitStep> receive(List<AdaptationData> batch) {
        try {
            return fit.offer(batch);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("user " + id + ": " + e.getMessage(), e);
        }
    }

    /** Steps on whatever is buffered; empty if nothing is. */
    public Optional<FitStep> flush() {
        return fit.flush();
    }
}
