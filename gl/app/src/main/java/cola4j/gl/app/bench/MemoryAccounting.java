package cola4j.gl.app.bench;

import cola4j.autograd.Var;
import cola4j.gl.AdaptationData;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.gl.optim.Optimizer;
import cola4j.models.site.Site;
import cola4j.tensor.memory.Device;
import cola4j.tensor.memory.MemCategory;
import cola4j.tensor.memory.MemoryLedger;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Fills a {@link MemoryLedger} from live training objects, one entry per tensor: parameter values
 * ({@link MemCategory#PARAMETERS}), their {@link Var#grad()} where one is allocated ({@link MemCategory#GRADIENTS}),
 * an optimizer's {@link Optimizer#stateBytes()} ({@link MemCategory#OPTIMIZER_STATE}) and adaptation data or merge
 * scratch ({@link MemCategory#BUFFERS}). Keys are {@code prefix + name}, so the same object tracked twice under
 * one prefix is counted once. Autograd activations of a pass are not tracked (they live only during the pass).
 */
public final class MemoryAccounting {
    private MemoryAccounting() {}

    /** Every parameter's value and, where allocated, its gradient. */
    public static void trackParameters(MemoryLedger ledger, Device device, String prefix, Map<String, Var> params) {
        params.forEach((name, v) -> {
            ledger.track(device, MemCategory.PARAMETERS, prefix + name, v.value());
            if (v.grad() != null) ledger.track(device, MemCategory.GRADIENTS, prefix + name, v.grad());
        });
    }

    /** Values only (a replica that is read, never differentiated: e.g. ColA's frozen auxiliaries on the server). */
    public static void trackValues(MemoryLedger ledger, Device device, String prefix, Map<String, Var> params) {
        params.forEach((name, v) -> ledger.track(device, MemCategory.PARAMETERS, prefix + name, v.value()));
    }

    /** The optimizer's state bytes under one key. */
    public static void trackOptimizer(MemoryLedger ledger, Device device, String key, Optimizer opt) {
        ledger.track(device, MemCategory.OPTIMIZER_STATE, key, opt.stateBytes());
    }

    /** x and dL/dh of every site of one batch's adaptation data. */
    public static void trackAdaptationData(MemoryLedger ledger, Device device, String prefix,
            List<AdaptationData> data) {
        for (AdaptationData d : data) {
            ledger.track(device, MemCategory.BUFFERS, prefix + d.site() + "/x", d.x());
            ledger.track(device, MemCategory.BUFFERS, prefix + d.site() + "/grad_h", d.gradH());
        }
    }

    /**
     * What a merged-mode pass allocates besides the model, whatever the number of users: the saved copy of every
     * adapted weight (and bias) for the bit-exact restore, and the one user's ΔW (Δb) being merged.
     */
    public static void trackMergeScratch(MemoryLedger ledger, Device device, Collection<Site> sites,
            Map<String, AuxiliaryModel> oneUsersAux) {
        for (Site s : sites) {
            ledger.track(device, MemCategory.BUFFERS, "merge/saved/" + s.name() + ".weight", s.weight());
            if (s.bias() != null) {
                ledger.track(device, MemCategory.BUFFERS, "merge/saved/" + s.name() + ".bias", s.bias());
            }
            AuxiliaryModel a = oneUsersAux.get(s.name());
            ledger.track(device, MemCategory.BUFFERS, "merge/delta/" + s.name() + ".weight", a.deltaWeight());
            if (a.deltaBias() != null) {
                ledger.track(device, MemCategory.BUFFERS, "merge/delta/" + s.name() + ".bias", a.deltaBias());
            }
        }
    }
}
