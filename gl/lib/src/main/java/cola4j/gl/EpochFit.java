package cola4j.gl;

import cola4j.autograd.GradMode;
import cola4j.autograd.Var;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.gl.optim.GradClip;
import cola4j.gl.optim.LrSchedule;
import cola4j.gl.optim.Optimizer;
import cola4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A user's fit of one interval with E passes and/or minibatches ({@link UserFitConfig#epochs()},
 * {@link UserFitConfig#fitBatch()}), as the official ColA code's {@code cola.num_epochs}:
 *
 * <pre>
 *   T_i = g_{w₀}(x_i) − dL/dh_i                    fixed pseudo-targets, at the w₀ the server used  [rows_i, out]
 *   for e in 1..E:  for chunk j (rows [j·F, (j+1)·F) of every site, F = fitBatch; one chunk = all rows if F = 0):
 *       zeroGrad;  ℓ_j(w) = ½ Σ_i Σ_{rows in j} ‖g_i(x) − T_i‖²;  ℓ_j.backward()
 *       clip global norm;  lr = schedule(⌊s₀ / (E·M)⌋);  optimizer step            (M = chunks per pass)
 * </pre>
 *
 * At w = w₀ the residual g − T is dL/dh, so the first full-batch pass is exactly Gradient Learning; later passes
 * see the moved w and fit the fixed targets further (a proximal-style inner loop, not a gradient of L). The schedule
 * advances once per interval (its index is the interval, {@code s₀ / (E·M)} with s₀ the optimizer's step count at
 * the interval's start), so a schedule planned for N / I updates still spans the run. Sites with fewer rows than a
 * chunk's start take no part in that step (null gradient: the optimizer skips them).
 */
final class EpochFit {
    private EpochFit() {}

    /**
     * Runs the E·M optimizer steps of one interval on {@code data} (site → everything buffered).
     *
     * @return the first optimizer step's record (its surrogate is ½ Σ ‖dL/dh‖², its norm the first gradient's)
     */
    static FitStep fit(LinkedHashMap<String, AuxiliaryModel> aux, LinkedHashMap<String, AdaptationData> data,
                       Optimizer optimizer, UserFitConfig cfg, LrSchedule schedule, int batches) {
        LinkedHashMap<String, Tensor> targets = new LinkedHashMap<>();
        double surrogate = 0;
        int rows = 0, maxRows = 0;
        try (GradMode.Scope s = GradMode.noGrad()) {
            for (Map.Entry<String, AdaptationData> e : data.entrySet()) {
                AdaptationData d = e.getValue();
                Tensor g0 = aux.get(e.getKey()).apply(Var.constant(d.x())).value();
                targets.put(e.getKey(), g0.sub(d.gradH()));
                surrogate += 0.5 * d.gradH().mul(d.gradH()).sumAll();
                rows += d.rows();
                maxRows = Math.max(maxRows, d.rows());
            }
        }
        int f = cfg.fitBatch() == 0 ? Math.max(1, maxRows) : cfg.fitBatch();
        int chunks = Math.max(1, (maxRows + f - 1) / f);
        long interval = optimizer.stepCount() / ((long) cfg.epochs() * chunks);
        LinkedHashMap<String, Var> params = UserFit.parameters(aux);
        FitStep first = null;
        for (int e = 0; e < cfg.epochs(); e++) {
            for (int j = 0; j < chunks; j++) {
                optimizer.zeroGrad();
                for (Map.Entry<String, AdaptationData> en : data.entrySet()) {
                    AdaptationData d = en.getValue();
                    int lo = j * f, hi = Math.min(d.rows(), lo + f);
                    if (lo >= hi) continue;
                    Tensor x = d.x().slice(0, lo, hi), t = targets.get(en.getKey()).slice(0, lo, hi);
                    Var r = aux.get(en.getKey()).apply(Var.constant(x)).sub(Var.constant(t));   // [rows_j, out]
                    r.pow(2).sum(false).mul(0.5).backward();
                }
                UserFit.requireFiniteGradients(params);
                double norm = GradClip.clipGlobalNorm(params.values(), cfg.maxGradNorm());
                if (schedule != null) optimizer.setLr(schedule.lr(interval));
                long step = optimizer.stepCount();
                double lr = optimizer.lr();
                optimizer.step();
                if (first == null) first = new FitStep(step, batches, rows, surrogate, norm, lr);
            }
        }
        return first;
    }
}
