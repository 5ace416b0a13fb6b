package cola4j.gl.cola;

import cola4j.autograd.Var;
import cola4j.gl.AdaptationData;
import cola4j.gl.FitStep;
import cola4j.gl.GradientLearning;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.gl.optim.GradClip;
import cola4j.gl.optim.LrSchedule;
import cola4j.gl.optim.Optimizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A user of ColA (step 3 of the algorithm): owns one auxiliary model per adapted site and one optimizer over all
 * of them. It receives the adaptation data of each server batch; after {@code interval} batches it takes one step:
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
    private final LinkedHashMap<String, AuxiliaryModel> aux;
    private final Optimizer optimizer;
    private final LrSchedule schedule;
    private final int interval;
    private final double maxGradNorm;
    private final Map<String, List<AdaptationData>> buffer = new LinkedHashMap<>();
    private int buffered;

    /**
     * @param id          user id (as in {@link RowRouting})
     * @param aux         site name → auxiliary model
     * @param optimizer   optimizer over all auxiliary parameters (names {@code site/param}, see {@link #parameters})
     * @param schedule    learning rate per step, or null to keep the optimizer's
     * @param interval    adaptation interval I ≥ 1
     * @param maxGradNorm global-norm clip; +∞ for none
     */
    public ColaUser(int id, LinkedHashMap<String, AuxiliaryModel> aux, Optimizer optimizer, LrSchedule schedule, int interval, double maxGradNorm) {
        if (interval < 1) throw new IllegalArgumentException("user " + id + ": adaptation interval must be >= 1, got " + interval);
        this.id = id;
        this.aux = aux;
        this.optimizer = optimizer;
        this.schedule = schedule;
        this.interval = interval;
        this.maxGradNorm = maxGradNorm;
    }

    /** All auxiliary parameters named {@code site/param}, the naming the optimizer should use. */
    public static LinkedHashMap<String, Var> parameters(Map<String, AuxiliaryModel> aux) {
        LinkedHashMap<String, Var> m = new LinkedHashMap<>();
        aux.forEach((site, a) -> a.namedParameters().forEach((p, v) -> m.put(site + "/" + p, v)));
        return m;
    }

    public int id() {
        return id;
    }

    public LinkedHashMap<String, AuxiliaryModel> auxiliaries() {
        return aux;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    public int interval() {
        return interval;
    }

    /** Batches buffered since the last step. */
    public int buffered() {
        return buffered;
    }

    /** Bytes of adaptation data currently buffered. */
    public long bufferBytes() {
        return buffer.values().stream().flatMap(List::stream).mapToLong(AdaptationData::bytes).sum();
    }

    /** Receives one server batch's adaptation data (every adapted site); steps when I batches are buffered. */
    public Optional<FitStep> receive(List<AdaptationData> batch) {
        for (AdaptationData d : batch) {
            if (!aux.containsKey(d.site())) throw new IllegalArgumentException("user " + id + ": adaptation data for unknown site " + d.site());
            buffer.computeIfAbsent(d.site(), k -> new ArrayList<>()).add(d);
        }
        buffered++;
        return buffered >= interval ? Optional.of(fit()) : Optional.empty();
    }

    /** Steps on whatever is buffered; empty if nothing is. */
    public Optional<FitStep> flush() {
        return buffered == 0 ? Optional.empty() : Optional.of(fit());
    }

    private FitStep fit() {
        optimizer.zeroGrad();
        double surrogate = 0;
        long rows = 0;
        for (Map.Entry<String, List<AdaptationData>> e : buffer.entrySet()) {
            AdaptationData all = AdaptationData.concat(e.getValue());
            Var loss = GradientLearning.surrogateLoss(aux.get(e.getKey()), all);
            loss.backward();
            surrogate += loss.value().item();
            rows += all.rows();
        }
        double norm = GradClip.clipGlobalNorm(parameters(aux).values(), maxGradNorm);
        if (schedule != null) schedule.apply(optimizer);
        long step = optimizer.stepCount();
        double lr = optimizer.lr();
        optimizer.step();
        int batches = buffered;
        buffer.clear();
        buffered = 0;
        return new FitStep(step, batches, (int) rows, surrogate, norm, lr);
    }
}
