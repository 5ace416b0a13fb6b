package cola4j.gl;

import cola4j.autograd.Var;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.gl.optim.GradClip;
import cola4j.gl.optim.LrSchedule;
import cola4j.gl.optim.Optimizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A user of ColA (step 3 of the algorithm): a user id (as in {@link cola4j.gl.cola.RowRouting}), one auxiliary model
 * per adapted site and one optimizer over all of them; it never sees the base model or the loss. It receives the
 * adaptation data of each server batch, buffers it per site ({@link AdaptationBuffer}) for I batches (the adaptation
 * interval), and then takes one optimizer step on the surrogates of the buffered data:
 *
 * <pre>
 *   zeroGrad
 *   for each site i with buffered data:
 *       ℓ_i = ½ Σ_rows ‖g_i(x_i) − stopgrad(g_i(x_i) − dL/dh_i)‖²     (rows of all I batches)
 *       ℓ_i.backward()          → grad w_i = Σ_batches dL/dw_i         (Gradient Learning)
 *   clip global norm over every auxiliary parameter;  lr = schedule(step);  optimizer step
 * </pre>
 *
 * <p><b>Interval = gradient accumulation.</b> The surrogate sums over rows, so its gradient on the concatenation of
 * I batches is Σ_k Σ_{rows of k} J_wᵀ dL_k/dh = Σ_k dL_k/dw: the sum of the per-batch gradients, as with gradient
 * accumulation over I batches. With per-batch mean losses the server's dL_k/dh already carries each batch's 1/B,
 * so nothing is rescaled here. (All I batches are evaluated at the same w, the one the server used, because the
 * user does not update w between them.)
 *
 * <p><b>Several passes.</b> With {@link UserFitConfig#epochs()} E > 1 or a {@link UserFitConfig#fitBatch()} the
 * interval's fit is E passes over the buffer against fixed pseudo-targets ({@link EpochFit}); E = 1 without a fit
 * batch is the single step above, bit for bit.
 *
 * <p>The step is taken after I <em>batches</em>, counted per {@link #offer} call. A site that received nothing in
 * the interval (inactive in CopRA's progressive schedule) gets no gradient (null), so the optimizer skips it.
 */
public final class UserFit {
    private final int id;
    private final LinkedHashMap<String, AuxiliaryModel> aux;
    private final Optimizer optimizer;
    private final UserFitConfig cfg;
    private final LrSchedule schedule;
    private final LinkedHashMap<String, AdaptationBuffer> buffers = new LinkedHashMap<>();
    private int batches;

    /**
     * @param id        user id (error messages say "user id: ..."; rows are routed to it by this id)
     * @param aux       site name → the auxiliary model to fit there
     * @param optimizer an optimizer over (at least) every auxiliary parameter (names: {@link #parameters})
     * @param cfg       interval and clipping
     * @param schedule  learning rate per step, or null to keep the optimizer's lr
     * @throws IllegalArgumentException if {@code aux} is empty or a parameter is not in the optimizer
     */
    public UserFit(int id, LinkedHashMap<String, AuxiliaryModel> aux, Optimizer optimizer, UserFitConfig cfg,
            LrSchedule schedule) {
        this.id = id;
        if (aux.isEmpty()) throw fail("no auxiliary models");
        this.aux = aux;
        this.optimizer = optimizer;
        this.cfg = cfg;
        this.schedule = schedule;
        Set<Var> owned = Collections.newSetFromMap(new IdentityHashMap<>());
        owned.addAll(optimizer.parameters().values());
        parameters(aux).forEach((name, p) -> {
            if (!owned.contains(p)) throw fail("auxiliary parameter '" + name + "' is not in the optimizer");
        });
        aux.keySet().forEach(site -> buffers.put(site, new AdaptationBuffer(cfg.interval())));
    }

    private IllegalArgumentException fail(String what) {
        return new IllegalArgumentException("user " + id + ": " + what);
    }

    /** The user id. */
    public int id() {
        return id;
    }

    /** Every auxiliary parameter, named {@code site/param} (the naming optimizers and checkpoints use). */
    public static LinkedHashMap<String, Var> parameters(Map<String, AuxiliaryModel> aux) {
        LinkedHashMap<String, Var> m = new LinkedHashMap<>();
        aux.forEach((site, a) -> a.namedParameters().forEach((p, v) -> m.put(site + "/" + p, v)));
        return m;
    }

    /**
     * Buffers one server batch (the adaptation data of its sites; several parts for one site are concatenated in
     * order). When I batches are buffered, takes the step and returns what it did.
     *
     * @throws IllegalArgumentException for data of a site without an auxiliary model (nothing is buffered then)
     */
    public Optional<FitStep> offer(List<AdaptationData> batch) {
        offerInto(batch);
        return batches == cfg.interval() ? Optional.of(step(aux)) : Optional.empty();
    }

    /**
     * A stale user's step (interval 1, one pass): the server evaluated {@code servedAux}, an older version of this
     * user's auxiliaries (same sites and parameter names), so the Gradient Learning gradient is taken there,
     * Σ J_{w_served}ᵀ dL/dh, and applied to the current parameters by this user's clip, schedule and optimizer:
     * delayed-gradient descent (P10, {@link cola4j.gl.cola.StaleColaTrainer}).
     *
     * @throws IllegalStateException if the interval is not 1 or the config takes more than one pass
     */
    public FitStep offerServedAt(List<AdaptationData> batch, Map<String, AuxiliaryModel> servedAux) {
        if (cfg.interval() != 1 || !cfg.singlePass()) {
            throw new IllegalStateException("user " + id + ": a stale update needs interval 1 and one fit pass");
        }
        if (!servedAux.keySet().equals(aux.keySet())) throw fail("served sites " + servedAux.keySet() + " differ");
        offerInto(batch);
        return step(servedAux);
    }

    private void offerInto(List<AdaptationData> batch) {
        LinkedHashMap<String, List<AdaptationData>> bySite = new LinkedHashMap<>();
        for (AdaptationData d : batch) {
            if (!aux.containsKey(d.site())) {
                throw fail("adaptation data for unknown site " + d.site() + "; sites: " + aux.keySet());
            }
            bySite.computeIfAbsent(d.site(), k -> new ArrayList<>()).add(d);
        }
        try {
            bySite.forEach((site, parts) -> buffers.get(site).add(AdaptationData.concat(parts)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("user " + id + ": " + e.getMessage(), e);
        }
        batches++;
    }

    /** Steps on whatever is buffered (fewer than I batches, e.g. at the end of an epoch); empty if nothing is. */
    public Optional<FitStep> flush() {
        return batches == 0 ? Optional.empty() : Optional.of(step(aux));
    }

    /**
     * The interval's fit. {@code at} is the version of the auxiliaries whose Jacobian the gradient uses: this
     * user's own ({@code aux}, the ordinary case) or the stale version the server evaluated; in the latter case the
     * gradients are moved onto the current parameters before the update.
     */
    private FitStep step(Map<String, AuxiliaryModel> at) {
        if (!cfg.singlePass()) {
            FitStep s = EpochFit.fit(aux, drainAll(), optimizer, cfg, schedule, batches);
            batches = 0;
            return s;
        }
        optimizer.zeroGrad();
        double surrogate = 0;
        int rows = 0;
        for (Map.Entry<String, AdaptationBuffer> e : buffers.entrySet()) {
            if (e.getValue().isEmpty()) continue;
            AdaptationData all = e.getValue().drain();
            Var loss = GradientLearning.surrogateLoss(at.get(e.getKey()), all);
            loss.backward();
            surrogate += loss.value().item();
            rows += all.rows();
        }
        LinkedHashMap<String, Var> params = parameters(aux);
        if (at != aux) moveGradients(parameters(at), params);
        requireFiniteGradients(params);
        double norm = GradClip.clipGlobalNorm(params.values(), cfg.maxGradNorm());
        if (schedule != null) schedule.apply(optimizer);
        long step = optimizer.stepCount();
        double lr = optimizer.lr();
        optimizer.step();
        int n = batches;
        batches = 0;
        return new FitStep(step, n, rows, surrogate, norm, lr);
    }

    /** site → everything buffered (drained), for the sites that received data. */
    private LinkedHashMap<String, AdaptationData> drainAll() {
        LinkedHashMap<String, AdaptationData> m = new LinkedHashMap<>();
        buffers.forEach((site, b) -> {
            if (!b.isEmpty()) m.put(site, b.drain());
        });
        return m;
    }

    /** Moves the gradients of the served version's parameters onto the same-named current parameters. */
    private static void moveGradients(LinkedHashMap<String, Var> from, LinkedHashMap<String, Var> to) {
        to.forEach((name, p) -> {
            Var f = from.get(name);
            if (f == null) throw new IllegalArgumentException("served auxiliaries lack parameter " + name);
            p.zeroGrad();
            if (f.grad() != null) p.setGrad(f.grad());
            f.zeroGrad();
        });
    }

    /**
     * Before any update: every GL gradient must be finite. The data was checked finite by the server, so a
     * non-finite gradient comes from the auxiliary itself: a non-finite parameter, or an output that overflows.
     *
     * @throws NonFiniteException naming the parameter (nothing is updated)
     */
    static void requireFiniteGradients(LinkedHashMap<String, Var> params) {
        for (Map.Entry<String, Var> e : params.entrySet()) {
            Var p = e.getValue();
            if (p.grad() == null) continue;
            String badValue = NonFiniteException.firstNonFinite(p.value());
            if (badValue != null) {
                throw new NonFiniteException("parameter " + e.getKey() + " is non-finite (" + badValue + ")");
            }
            String badGrad = NonFiniteException.firstNonFinite(p.grad());
            if (badGrad != null) {
                throw new NonFiniteException("Gradient Learning gradient of parameter " + e.getKey()
                        + " is non-finite (" + badGrad + ")");
            }
        }
    }

    /** site → auxiliary model. */
    public LinkedHashMap<String, AuxiliaryModel> auxiliaries() {
        return aux;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    public UserFitConfig config() {
        return cfg;
    }

    /** Batches buffered since the last step. */
    public int buffered() {
        return batches;
    }

    /** A site's buffer (size and bytes for accounting). */
    public AdaptationBuffer buffer(String site) {
        AdaptationBuffer b = buffers.get(site);
        if (b == null) throw fail("no site " + site + "; sites: " + aux.keySet());
        return b;
    }

    /** Bytes of adaptation data currently buffered, over all sites. */
    public long bufferBytes() {
        return buffers.values().stream().mapToLong(AdaptationBuffer::bytes).sum();
    }
}
