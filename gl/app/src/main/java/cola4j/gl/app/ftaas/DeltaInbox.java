package cola4j.gl.app.ftaas;

import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.models.site.Site;
import cola4j.tensor.Tensor;
import cola4j.tensor.memory.Device;
import cola4j.tensor.memory.MemCategory;
import cola4j.tensor.memory.MemoryLedger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The merged modes' side of a {@link LocalServer}: each user's uploaded ΔW/Δb, one {@link UploadedDelta} per site,
 * held from the upload until the step that merges them and recorded under BUFFERS {@code delta-<user>}; in
 * merged-average mode each ΔW is first held to the norm cap ‖ΔW‖_F ≤ {@link LocalServer#DELTA_CAP}·‖W‖_F.
 */
final class DeltaInbox {
    private final List<Site> sites;
    private final boolean average;
    private final MemoryLedger ledger;
    private final Device device;
    private final Map<Integer, Map<String, AuxiliaryModel>> pending = new LinkedHashMap<>();
    private final Map<Integer, Integer> capped = new LinkedHashMap<>();

    DeltaInbox(List<Site> sites, boolean average, MemoryLedger ledger, Device device) {
        this.sites = sites;
        this.average = average;
        this.ledger = ledger;
        this.device = device;
    }

    /** Holds the user's deltas {@code <site>/delta_weight} (and {@code delta_bias}), already checked, as pending. */
    void put(int user, Map<String, Tensor> tensors) {
        Map<String, AuxiliaryModel> deltas = new LinkedHashMap<>();
        long bytes = 0;
        for (Site s : sites) {
            Tensor dw = tensors.get(s.name() + "/delta_weight"), db = tensors.get(s.name() + "/delta_bias");
            if (average) dw = cap(user, s, dw);
            UploadedDelta d = new UploadedDelta(dw.to(s.dtype()), db == null ? null : db.to(s.dtype()));
            deltas.put(s.name(), d);
            bytes += d.bytes();
        }
        pending.put(user, deltas);
        ledger.track(device, MemCategory.BUFFERS, "delta-" + user, bytes);
    }

    /** The user's pending deltas (site → ΔW, Δb), or null. */
    Map<String, AuxiliaryModel> get(int user) {
        return pending.get(user);
    }

    boolean has(int user) {
        return pending.containsKey(user);
    }

    /** Drops the user's pending deltas, if any, and their bytes from the ledger. */
    void drop(int user) {
        if (pending.remove(user) != null) ledger.release(device, MemCategory.BUFFERS, "delta-" + user);
    }

    /** Merged-average: user → number of (site, step) uploads whose ΔW was scaled down to the cap. */
    Map<Integer, Integer> capped() {
        return capped;
    }

    /**
     * Merged-average: the norm cap on one user's ΔW at a site,
     * ‖ΔW‖_F ≤ {@link LocalServer#DELTA_CAP}·‖W‖_F (100:
     * no default user reached it in the demo or in {@code cola ftaas --merged-average --users 4} at 300 or 1000
     * steps; at 10, user 3 of that 300-step run was capped 203 times). Every user's ΔW enters every other user's
     * pass through the mean, so one huge ΔW would swamp the others; a ΔW above the cap is scaled down to it and the
     * user is counted in {@link #capped()}. The mode is for mutually trusting users; the cap bounds the damage
     * of a broken or hostile one. A ΔW under the cap is used as is (bit-exact).
     */
    private Tensor cap(int user, Site s, Tensor dw) {
        double norm = dw.norm(), bound = LocalServer.DELTA_CAP * s.weight().norm();
        if (!(norm > bound)) return dw;
        capped.merge(user, 1, Integer::sum);
        return dw.mul(bound / norm);
    }
}
